-- Around training delivery: annual plans with their month calendar and the county's approval of
-- school plans (R-20), the trainer and expert pool (R-51), satisfaction surveys after each class
-- (R-43), and fees collected by unit (R-50). Hours are integers in tenths of an hour, money in fen.
-- Written for PostgreSQL 15+.

-- The annual training plan (年度培训计划) of one unit for one year.
-- A school's plan is submitted to its county, which approves or returns it with a comment:
--   draft → submitted → approved | returned → (edited) → submitted …
-- Plans of the province, cities and counties are published by their own admins: draft → published.
CREATE TABLE training_plan (
  id             bigserial PRIMARY KEY,
  province_id    bigint NOT NULL,
  org_unit_id    bigint NOT NULL REFERENCES org_unit(id),
  org_path       text NOT NULL,
  year           smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary        text CHECK (summary IS NULL OR length(summary) <= 4000),
  status         text NOT NULL CHECK (status IN ('draft','submitted','approved','returned','published')),
  -- the number of the last submitted or published version; 0 while never submitted
  version        integer NOT NULL DEFAULT 0 CHECK (version >= 0),
  review_comment text CHECK (review_comment IS NULL OR length(review_comment) <= 2000),
  reviewed_by    bigint REFERENCES app_user(id),
  reviewed_at    timestamptz,
  submitted_at   timestamptz,
  created_by     bigint REFERENCES app_user(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_unit_id, year)
);
CREATE INDEX training_plan_path_idx ON training_plan (org_path text_pattern_ops, year);
CREATE INDEX training_plan_status_idx ON training_plan (province_id, status, year);

-- One line of the month-by-month calendar (月份行事表) of a plan.
CREATE TABLE training_plan_item (
  id                  bigserial PRIMARY KEY,
  plan_id             bigint NOT NULL REFERENCES training_plan(id),
  month               smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
  title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  -- 集中 / 网络 / 校本 / 实践 / 学历提升, when stated
  form                text CHECK (form IS NULL OR form IN ('centralised','online','school_based','practice','degree')),
  -- the unit responsible, when it is one of ours; otherwise a named office (教研室, 电教馆 …)
  responsible_unit_id bigint REFERENCES org_unit(id),
  responsible         text CHECK (responsible IS NULL OR length(responsible) <= 100),
  project_id          bigint REFERENCES training_project(id),
  notes               text CHECK (notes IS NULL OR length(notes) <= 1000),
  position            integer NOT NULL DEFAULT 0
);
CREATE INDEX training_plan_item_plan_idx ON training_plan_item (plan_id, month, position, id);
CREATE INDEX training_plan_item_project_idx ON training_plan_item (project_id) WHERE project_id IS NOT NULL;

-- Every submission, approval, return and publication keeps the plan as it was then.
CREATE TABLE training_plan_version (
  id         bigserial PRIMARY KEY,
  plan_id    bigint NOT NULL REFERENCES training_plan(id),
  version    integer NOT NULL CHECK (version >= 1),
  event      text NOT NULL CHECK (event IN ('submitted','approved','returned','published')),
  -- { title, summary, items: [...] } as it stood
  content    jsonb NOT NULL,
  comment    text CHECK (comment IS NULL OR length(comment) <= 2000),
  actor_id   bigint REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX training_plan_version_plan_idx ON training_plan_version (plan_id, id);

-- The trainer and expert pool (培训者/专家库) kept by a unit (R-51).
CREATE TABLE trainer_profile (
  id           bigserial PRIMARY KEY,
  province_id  bigint NOT NULL,
  -- the unit that keeps the entry
  org_unit_id  bigint NOT NULL REFERENCES org_unit(id),
  org_path     text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('trainer','expert')),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  -- the trainer's account, when they run classes (training_class_trainer.user_id)
  user_id      bigint REFERENCES app_user(id),
  -- the trainer's registry entry, when they are a teacher of the province
  teacher_id   bigint REFERENCES teacher(id),
  title        text CHECK (title IS NULL OR length(title) <= 50),
  employer     text CHECK (employer IS NULL OR length(employer) <= 100),
  -- the level of the pool they belong to
  level        text NOT NULL CHECK (level IN ('school','county','city','province','national')),
  subjects     text[] NOT NULL DEFAULT '{}',
  stages       text[] NOT NULL DEFAULT '{}',
  specialties  text CHECK (specialties IS NULL OR length(specialties) <= 500),
  active       boolean NOT NULL DEFAULT true,
  created_by   bigint REFERENCES app_user(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trainer_profile_path_idx ON trainer_profile (org_path text_pattern_ops, name);
CREATE UNIQUE INDEX trainer_profile_user_idx ON trainer_profile (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX trainer_profile_teacher_idx ON trainer_profile (teacher_id) WHERE teacher_id IS NOT NULL;

-- Training a trainer received themselves (培训者培训), outside the registry's ledger.
CREATE TABLE trainer_training (
  id          bigserial PRIMARY KEY,
  trainer_id  bigint NOT NULL REFERENCES trainer_profile(id),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  organiser   text CHECK (organiser IS NULL OR length(organiser) <= 100),
  starts_on   date NOT NULL,
  ends_on     date NOT NULL,
  hours       integer NOT NULL CHECK (hours > 0 AND hours <= 100000),
  notes       text CHECK (notes IS NULL OR length(notes) <= 1000),
  created_by  bigint REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on)
);
CREATE INDEX trainer_training_trainer_idx ON trainer_training (trainer_id, starts_on);

-- The satisfaction questionnaire of a project (R-43), answered once per class by each enrolled teacher.
CREATE TABLE survey_form (
  project_id  bigint PRIMARY KEY REFERENCES training_project(id),
  -- [{ "key": "content", "kind": "rating"|"text", "zh": …, "en": … }]
  questions   jsonb NOT NULL,
  updated_by  bigint REFERENCES app_user(id),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Who has answered: keeps a teacher from answering twice. It is not linked to the answers.
CREATE TABLE survey_submission (
  class_id    bigint NOT NULL REFERENCES training_class(id),
  teacher_id  bigint NOT NULL REFERENCES teacher(id),
  PRIMARY KEY (class_id, teacher_id)
);

-- The answers, without the teacher and with the day only, so that no one can tell who wrote them.
CREATE TABLE survey_response (
  id           bigserial PRIMARY KEY,
  class_id     bigint NOT NULL REFERENCES training_class(id),
  project_id   bigint NOT NULL REFERENCES training_project(id),
  -- { "<question key>": 1..5 | "free text" }
  answers      jsonb NOT NULL,
  submitted_on date NOT NULL
);
CREATE INDEX survey_response_class_idx ON survey_response (class_id);
CREATE INDEX survey_response_project_idx ON survey_response (project_id, class_id);

-- A fee of a project (报名费, 教材费 …) charged per enrolled teacher and collected by unit (R-50).
CREATE TABLE fee_item (
  id          bigserial PRIMARY KEY,
  project_id  bigint NOT NULL REFERENCES training_project(id),
  province_id bigint NOT NULL,
  org_path    text NOT NULL,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind        text NOT NULL CHECK (kind IN ('registration','textbook','other')),
  -- per enrolled teacher, in fen
  amount_fen  integer NOT NULL CHECK (amount_fen BETWEEN 0 AND 100000000),
  archived    boolean NOT NULL DEFAULT false,
  created_by  bigint REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fee_item_project_idx ON fee_item (project_id, id);
CREATE UNIQUE INDEX fee_item_name_idx ON fee_item (project_id, name) WHERE NOT archived;

-- What a unit owes for a fee, when set by hand instead of counted from its enrolled teachers.
CREATE TABLE fee_due_override (
  fee_item_id bigint NOT NULL REFERENCES fee_item(id),
  org_unit_id bigint NOT NULL REFERENCES org_unit(id),
  org_path    text NOT NULL,
  due_fen     integer NOT NULL CHECK (due_fen BETWEEN 0 AND 2000000000),
  reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  updated_by  bigint REFERENCES app_user(id),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (fee_item_id, org_unit_id)
);

-- Money received from a unit for a fee. Append-only: a correction is a negative payment with a note.
CREATE TABLE fee_payment (
  id          bigserial PRIMARY KEY,
  fee_item_id bigint NOT NULL REFERENCES fee_item(id),
  org_unit_id bigint NOT NULL REFERENCES org_unit(id),
  org_path    text NOT NULL,
  amount_fen  integer NOT NULL CHECK (amount_fen <> 0 AND amount_fen BETWEEN -2000000000 AND 2000000000),
  paid_on     date NOT NULL,
  receipt_no  text CHECK (receipt_no IS NULL OR length(receipt_no) <= 50),
  note        text CHECK (note IS NULL OR length(note) <= 500),
  created_by  bigint REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fee_payment_item_idx ON fee_payment (fee_item_id, org_unit_id, id);
