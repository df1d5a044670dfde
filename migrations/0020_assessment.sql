-- Assessment (R-15, R-30 … R-34, R-37): question banks, exams with papers drawn per candidate, attempts
-- whose answers are saved one by one, manual grading, composite scores and levels, the spot-check draw.
-- Written for PostgreSQL 15+.

-- A question of a unit's bank. Banks are shared down the tree like the course catalogue: a unit reads
-- the questions of the units above it (read-only) and of those below. What the question says lives in
-- its versions; `current_version` is the one new papers use.
CREATE TABLE question (
  id              bigserial PRIMARY KEY,
  province_id     bigint NOT NULL,
  org_unit_id     bigint NOT NULL REFERENCES org_unit(id),
  org_path        text NOT NULL,
  current_version integer NOT NULL DEFAULT 1 CHECK (current_version >= 1),
  archived        boolean NOT NULL DEFAULT false,
  created_by      bigint REFERENCES app_user(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX question_path_idx ON question (org_path text_pattern_ops, id);

-- One version of a question. A version becomes `frozen` once a published exam or an attempt uses it;
-- editing a frozen version writes the next one, so past attempts keep the text and key they were given.
--   single:     options [{key,text}], answer "B"
--   multiple:   options [{key,text}], answer ["A","C"]
--   true_false: answer true | false
--   fill_in:    answer [["accepted", "also accepted"], …] one list per blank (the stem marks blanks ＿＿)
--   essay:      answer null or a reference text; graded by hand
CREATE TABLE question_version (
  id              bigserial PRIMARY KEY,
  question_id     bigint NOT NULL REFERENCES question(id),
  version         integer NOT NULL CHECK (version >= 1),
  kind            text NOT NULL CHECK (kind IN ('single','multiple','true_false','fill_in','essay')),
  stem            text NOT NULL CHECK (length(stem) BETWEEN 1 AND 5000),
  options         jsonb NOT NULL DEFAULT '[]',
  answer          jsonb,
  explanation     text NOT NULL DEFAULT '' CHECK (length(explanation) <= 5000),
  -- tags: 师德, 教育技术, … (the course catalogue's modules), subject, stage, difficulty 1 (easy) … 5
  module          text NOT NULL DEFAULT '' CHECK (length(module) <= 40),
  subject         text NOT NULL DEFAULT '' CHECK (length(subject) <= 40),
  stage           text NOT NULL DEFAULT '' CHECK (length(stage) <= 40),
  difficulty      smallint NOT NULL DEFAULT 3 CHECK (difficulty BETWEEN 1 AND 5),
  -- options may be shown in another order per candidate
  shuffle_options boolean NOT NULL DEFAULT true,
  frozen          boolean NOT NULL DEFAULT false,
  created_by      bigint REFERENCES app_user(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (question_id, version)
);
CREATE INDEX question_version_tags_idx ON question_version (kind, module, difficulty);

-- Trainers an admin named to keep the unit's bank beside its admins.
CREATE TABLE question_bank_editor (
  org_unit_id bigint NOT NULL REFERENCES org_unit(id),
  user_id     bigint NOT NULL REFERENCES app_user(id),
  created_by  bigint REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_unit_id, user_id)
);
CREATE INDEX question_bank_editor_user_idx ON question_bank_editor (user_id);

-- A spot-check (抽测, R-34): a unit draws a share of each child unit's eligible teachers for a unified
-- exam. The list of eligible teachers is frozen and its hash published together with the hash of a
-- secret seed (`committed`); the draw reveals the seed (`drawn`), so anyone holding the list can
-- recompute the sample; results are published per person and per unit (`published`).
CREATE TABLE spot_check (
  id                   bigserial PRIMARY KEY,
  province_id          bigint NOT NULL,
  org_unit_id          bigint NOT NULL REFERENCES org_unit(id),
  org_path             text NOT NULL,
  title                text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  year                 smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  rate_percent         numeric(5,2) NOT NULL DEFAULT 10 CHECK (rate_percent > 0 AND rate_percent <= 100),
  min_per_unit         integer NOT NULL DEFAULT 1 CHECK (min_per_unit >= 0),
  -- which teachers are eligible: { "stages"?: [...], "subjects"?: [...], "statuses"?: [...] }
  criteria             jsonb NOT NULL DEFAULT '{}',
  status               text NOT NULL CHECK (status IN ('draft','committed','drawn','published')),
  list_sha256          text CHECK (list_sha256 IS NULL OR list_sha256 ~ '^[0-9a-f]{64}$'),
  seed_sha256          text CHECK (seed_sha256 IS NULL OR seed_sha256 ~ '^[0-9a-f]{64}$'),
  -- kept secret until the draw; revealed (readable) from then on
  seed                 text CHECK (seed IS NULL OR seed ~ '^[0-9a-f]{64}$'),
  committed_at         timestamptz,
  drawn_at             timestamptz,
  results_published_at timestamptz,
  created_by           bigint REFERENCES app_user(id),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'draft') = (seed_sha256 IS NULL)),
  CHECK ((status IN ('drawn','published')) = (drawn_at IS NOT NULL))
);
CREATE INDEX spot_check_path_idx ON spot_check (org_path text_pattern_ops, year);

-- The units of a spot-check (the organiser's direct children that hold eligible teachers) and the sample
-- size decided for each from its count.
CREATE TABLE spot_check_unit (
  spot_check_id bigint NOT NULL REFERENCES spot_check(id),
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  org_path      text NOT NULL,
  eligible      integer NOT NULL CHECK (eligible >= 0),
  sample_size   integer NOT NULL CHECK (sample_size >= 0 AND sample_size <= eligible),
  PRIMARY KEY (spot_check_id, org_unit_id)
);

-- The frozen list: every eligible teacher with the public key the draw uses, and whether drawn.
CREATE TABLE spot_check_candidate (
  spot_check_id bigint NOT NULL REFERENCES spot_check(id),
  teacher_id    bigint NOT NULL REFERENCES teacher(id),
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  -- the teacher's school at the time of the list (scoping)
  org_path      text NOT NULL,
  list_key      text NOT NULL,
  drawn         boolean NOT NULL DEFAULT false,
  PRIMARY KEY (spot_check_id, teacher_id),
  UNIQUE (spot_check_id, list_key)
);
CREATE INDEX spot_check_candidate_drawn_idx ON spot_check_candidate (spot_check_id) WHERE drawn;

-- An exam (考试): for a course (its hours posted on passing, R-15), a class (passing is one of the
-- class's completion conditions), a project, or a spot-check (its drawn teachers sit it).
CREATE TABLE exam (
  id                bigserial PRIMARY KEY,
  province_id       bigint NOT NULL,
  -- the organiser
  org_unit_id       bigint NOT NULL REFERENCES org_unit(id),
  org_path          text NOT NULL,
  title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  instructions      text NOT NULL DEFAULT '' CHECK (length(instructions) <= 5000),
  target            text NOT NULL CHECK (target IN ('course','class','project','spot_check')),
  course_id         bigint REFERENCES course(id),
  class_id          bigint REFERENCES training_class(id),
  project_id        bigint REFERENCES training_project(id),
  spot_check_id     bigint REFERENCES spot_check(id),
  status            text NOT NULL CHECK (status IN ('draft','published','closed')),
  opens_at          timestamptz NOT NULL,
  closes_at         timestamptz NOT NULL,
  duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
  attempts_allowed  smallint NOT NULL DEFAULT 1 CHECK (attempts_allowed BETWEEN 1 AND 20),
  grade_policy      text NOT NULL DEFAULT 'highest' CHECK (grade_policy IN ('highest','last')),
  -- the paper: { mode: 'fixed', items: [{questionId, points}] } | { mode: 'drawn', pools: [...] }
  paper             jsonb NOT NULL,
  -- frozen at publication: the question versions each section draws from
  paper_pool        jsonb,
  shuffle_questions boolean NOT NULL DEFAULT false,
  -- when candidates see the key and explanations: never, after submitting, after the exam closes
  show_answers      text NOT NULL DEFAULT 'after_close' CHECK (show_answers IN ('never','after_submit','after_close')),
  -- entry gates (R-31): { studyComplete?: bool, minLedgerHours?: n, ledgerCategory?: s }
  gates             jsonb NOT NULL DEFAULT '{}',
  -- composite (R-32): { components: [{ key: 'exam' | other, label, weight }] }, weights sum to 100
  composite         jsonb NOT NULL DEFAULT '{"components":[{"key":"exam","label":"考试","weight":100}]}',
  -- level cut-offs on the 0–100 composite (R-33)
  level_cuts        jsonb NOT NULL DEFAULT '{"excellent":90,"good":80,"pass":60,"basic":50}',
  -- the lowest level that passes
  pass_level        text NOT NULL DEFAULT 'pass' CHECK (pass_level IN ('excellent','good','pass','basic')),
  -- R-37 targets per unit: { excellentShare?: %, competentShare?: % }
  targets           jsonb NOT NULL DEFAULT '{}',
  -- target 'course': hours posted on passing (the course's by default)
  hours             integer CHECK (hours IS NULL OR hours > 0),
  credit_categories text[] NOT NULL DEFAULT '{}',
  blind_marking     boolean NOT NULL DEFAULT false,
  double_marking    boolean NOT NULL DEFAULT false,
  -- two marks further apart than this (points) go to the arbiter
  dispute_threshold numeric(6,2) NOT NULL DEFAULT 3 CHECK (dispute_threshold >= 0),
  published_at      timestamptz,
  closed_at         timestamptz,
  created_by        bigint REFERENCES app_user(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (closes_at > opens_at),
  CHECK ((target = 'course') = (course_id IS NOT NULL AND class_id IS NULL)),
  CHECK ((target = 'class') = (class_id IS NOT NULL)),
  CHECK ((target = 'spot_check') = (spot_check_id IS NOT NULL)),
  CHECK (target <> 'project' OR project_id IS NOT NULL)
);
CREATE INDEX exam_path_idx ON exam (org_path text_pattern_ops, opens_at);
CREATE INDEX exam_class_idx ON exam (class_id) WHERE class_id IS NOT NULL;
CREATE INDEX exam_spot_check_idx ON exam (spot_check_id) WHERE spot_check_id IS NOT NULL;

-- A candidate's attempt. Its paper is resolved at the start from the exam's frozen pool and the
-- recorded seed (the same seed and pool give the same paper). One attempt per candidate may be open.
CREATE TABLE exam_attempt (
  id              bigserial PRIMARY KEY,
  province_id     bigint NOT NULL,
  exam_id         bigint NOT NULL REFERENCES exam(id),
  teacher_id      bigint NOT NULL REFERENCES teacher(id),
  -- the teacher's school at the start (scoping)
  org_path        text NOT NULL,
  attempt_no      smallint NOT NULL CHECK (attempt_no >= 1),
  seed            text NOT NULL CHECK (seed ~ '^[0-9a-f]{32,64}$'),
  -- [{ position, questionVersionId, points, optionOrder: ['C','A',…] }]
  paper           jsonb NOT NULL,
  -- shown to markers instead of the candidate under blind marking, unique within the exam
  anon_code       text NOT NULL CHECK (anon_code ~ '^[0-9]{6}$'),
  status          text NOT NULL CHECK (status IN ('open','submitted','graded')),
  started_at      timestamptz NOT NULL DEFAULT now(),
  -- the server's clock decides: min(start + duration, the exam's close)
  deadline_at     timestamptz NOT NULL,
  submitted_at    timestamptz,
  -- 'candidate' | 'time_up' (the sweeper or the next request after the deadline)
  submitted_how   text CHECK (submitted_how IN ('candidate','time_up')),
  max_score       numeric(8,2) NOT NULL CHECK (max_score > 0),
  auto_score      numeric(8,2),
  manual_score    numeric(8,2),
  score           numeric(8,2),
  -- essay answers still to be marked
  pending_marks   integer NOT NULL DEFAULT 0 CHECK (pending_marks >= 0),
  UNIQUE (exam_id, teacher_id, attempt_no),
  UNIQUE (exam_id, anon_code),
  CHECK ((status = 'open') = (submitted_at IS NULL)),
  CHECK (status <> 'graded' OR score IS NOT NULL)
);
CREATE UNIQUE INDEX exam_attempt_one_open_idx ON exam_attempt (exam_id, teacher_id) WHERE status = 'open';
CREATE INDEX exam_attempt_deadline_idx ON exam_attempt (deadline_at) WHERE status = 'open';
CREATE INDEX exam_attempt_path_idx ON exam_attempt (exam_id, org_path text_pattern_ops);

-- The saved answer of one question of an attempt. A save carries the device's sequence number of that
-- answer; an older one arriving late never overwrites a newer one.
CREATE TABLE exam_answer (
  attempt_id   bigint NOT NULL REFERENCES exam_attempt(id),
  position     smallint NOT NULL CHECK (position >= 0),
  answer       jsonb NOT NULL,
  client_seq   integer NOT NULL CHECK (client_seq >= 0),
  saved_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- objective questions: graded at submission (and again after a key correction)
  auto_score   numeric(8,2),
  -- essays: 'pending' → 'marked' | 'disputed' → 'marked'
  mark_state   text CHECK (mark_state IN ('pending','disputed','marked')),
  manual_score numeric(8,2),
  PRIMARY KEY (attempt_id, position)
) WITH (fillfactor = 70);
-- room left in each page: a save or a grade rewrites the row in place (a HOT update, no index entry)
CREATE INDEX exam_answer_marking_idx ON exam_answer (mark_state) WHERE mark_state IN ('pending','disputed');

-- A mark given by hand: round 1 and 2 (double marking), 3 the arbiter's.
CREATE TABLE exam_mark (
  id          bigserial PRIMARY KEY,
  attempt_id  bigint NOT NULL REFERENCES exam_attempt(id),
  position    smallint NOT NULL,
  round       smallint NOT NULL CHECK (round BETWEEN 1 AND 3),
  marker_id   bigint NOT NULL REFERENCES app_user(id),
  score       numeric(8,2) NOT NULL CHECK (score >= 0),
  comment     text CHECK (comment IS NULL OR length(comment) <= 2000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (attempt_id, position, round)
);

-- Markers an organiser named for an exam (beside its admins).
CREATE TABLE exam_marker (
  exam_id    bigint NOT NULL REFERENCES exam(id),
  user_id    bigint NOT NULL REFERENCES app_user(id),
  PRIMARY KEY (exam_id, user_id)
);

-- What the invigilator sees: the page left and came back, went offline and online, resumed elsewhere.
CREATE TABLE exam_event (
  id          bigserial PRIMARY KEY,
  attempt_id  bigint NOT NULL REFERENCES exam_attempt(id),
  kind        text NOT NULL CHECK (kind IN ('left','returned','offline','online','resumed','time_up')),
  client_at   timestamptz,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exam_event_attempt_idx ON exam_event (attempt_id, id);

-- Scores of a composite's other components (process, school review…), entered or imported per teacher.
CREATE TABLE exam_component_score (
  exam_id    bigint NOT NULL REFERENCES exam(id),
  teacher_id bigint NOT NULL REFERENCES teacher(id),
  component  text NOT NULL CHECK (length(component) BETWEEN 1 AND 40),
  score      numeric(6,2) NOT NULL CHECK (score BETWEEN 0 AND 100),
  entered_by bigint REFERENCES app_user(id),
  entered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (exam_id, teacher_id, component)
);

-- A candidate's standing in an exam: the attempt the grade policy chose, the composite and its level.
-- Rewritten whenever an attempt is graded, a component entered or a key corrected; `credited` says
-- whether the exam's hours stand in the ledger for this teacher.
CREATE TABLE exam_result (
  exam_id       bigint NOT NULL REFERENCES exam(id),
  teacher_id    bigint NOT NULL REFERENCES teacher(id),
  org_path      text NOT NULL,
  attempt_id    bigint REFERENCES exam_attempt(id),
  -- the attempt's score out of 100
  exam_score    numeric(6,2),
  composite     numeric(6,2),
  level         text CHECK (level IN ('excellent','good','pass','basic','fail')),
  passed        boolean NOT NULL DEFAULT false,
  credited      boolean NOT NULL DEFAULT false,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (exam_id, teacher_id)
);
CREATE INDEX exam_result_path_idx ON exam_result (exam_id, org_path text_pattern_ops);

-- A key correction applied to an exam: which question moved to which version, and what changed.
CREATE TABLE exam_regrade (
  id            bigserial PRIMARY KEY,
  exam_id       bigint NOT NULL REFERENCES exam(id),
  question_id   bigint NOT NULL REFERENCES question(id),
  from_version  integer NOT NULL,
  to_version    integer NOT NULL,
  -- { attempts, changed, passedNow, failedNow, rows: [{attemptId, before, after}] }
  summary       jsonb NOT NULL,
  created_by    bigint REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
