-- Mentoring pairs (师徒结对 / 青蓝工程) and urban–rural school pairing (城乡对口帮扶), R-40.
-- Written for PostgreSQL 15+.

-- A pair. kind 'mentoring': a mentor teacher and a mentee teacher of one county; kind 'school': an
-- urban (mentor side) school paired with a rural (mentee side) school by the county, named teachers
-- optional. The mentor side's school is org_unit_id/org_path, the mentee side's mentee_org_unit_id/
-- mentee_org_path; county_id/county_path is the county that registers the pair. Scoping: a pair is in
-- an admin's subtree when either side's school is. status follows domain/pair.ts (applied → recommended
-- → registered → active → ended; returned and refused with a reason). A teacher may apply without a
-- partner (the school finds one before recommending): the missing side's teacher is NULL until then.
CREATE TABLE pair (
  id                  bigserial PRIMARY KEY,
  province_id         bigint NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('mentoring','school')),
  county_id           bigint NOT NULL REFERENCES org_unit(id),
  county_path         text NOT NULL,
  org_unit_id         bigint NOT NULL REFERENCES org_unit(id),
  org_path            text NOT NULL,
  mentee_org_unit_id  bigint NOT NULL REFERENCES org_unit(id),
  mentee_org_path     text NOT NULL,
  mentor_teacher_id   bigint REFERENCES teacher(id),
  mentee_teacher_id   bigint REFERENCES teacher(id),
  -- who applied: 'mentor' or 'mentee' (a teacher), 'school' or 'county' (an admin)
  applied_as          text NOT NULL CHECK (applied_as IN ('mentor','mentee','school','county')),
  application_note    text CHECK (application_note IS NULL OR length(application_note) <= 2000),
  status              text NOT NULL CHECK (status IN
                        ('applied','returned','recommended','refused','registered','active','ended')),
  status_reason       text CHECK (status_reason IS NULL OR length(status_reason) <= 2000),
  -- the agreement (协议): goals, term, activities planned; signed when both sides confirmed it
  goals               text CHECK (goals IS NULL OR length(goals) <= 5000),
  plan                text CHECK (plan IS NULL OR length(plan) <= 5000),
  term_start          date,
  term_end            date,
  mentor_confirmed_at timestamptz,
  mentee_confirmed_at timestamptz,
  registered_at       timestamptz,
  registered_by       bigint REFERENCES app_user(id),
  ended_at            timestamptz,
  end_kind            text CHECK (end_kind IS NULL OR end_kind IN ('completed','not_fulfilled','other')),
  honour_id           bigint REFERENCES honour(id),
  created_by          bigint REFERENCES app_user(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (term_end IS NULL OR term_start IS NULL OR term_end > term_start),
  CHECK ((status = 'ended') = (ended_at IS NOT NULL)),
  CHECK (kind = 'school' OR mentor_teacher_id IS NOT NULL OR mentee_teacher_id IS NOT NULL),
  CHECK (mentor_teacher_id IS NULL OR mentor_teacher_id IS DISTINCT FROM mentee_teacher_id)
);
CREATE INDEX pair_path_idx ON pair (province_id, org_path text_pattern_ops, id);
CREATE INDEX pair_mentee_path_idx ON pair (province_id, mentee_org_path text_pattern_ops, id);
CREATE INDEX pair_county_idx ON pair (county_id, status, id);
CREATE INDEX pair_mentor_idx ON pair (mentor_teacher_id) WHERE mentor_teacher_id IS NOT NULL;
CREATE INDEX pair_mentee_idx ON pair (mentee_teacher_id) WHERE mentee_teacher_id IS NOT NULL;

-- An activity of a pair (听课, 指导, 同课异构/共同备课, other), logged by one side and confirmed by the
-- other side or a school. Confirmed activities post hours under the county's rule (pair_rule): the
-- ledger entry (idem key 'pair:<id>') or why the ledger refused it; hours 0 when the rule gave none.
CREATE TABLE pair_activity (
  id              bigserial PRIMARY KEY,
  pair_id         bigint NOT NULL REFERENCES pair(id),
  kind            text NOT NULL CHECK (kind IN ('observation','guidance','coteaching','other')),
  occurred_on     date NOT NULL,
  minutes         integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
  note            text NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
  side            text NOT NULL CHECK (side IN ('mentor','mentee')),
  teacher_id      bigint REFERENCES teacher(id),
  logged_by       bigint NOT NULL REFERENCES app_user(id),
  status          text NOT NULL DEFAULT 'logged' CHECK (status IN ('logged','confirmed','rejected')),
  decided_by      bigint REFERENCES app_user(id),
  decided_at      timestamptz,
  reject_reason   text CHECK (reject_reason IS NULL OR length(reject_reason) <= 2000),
  hours           integer,
  entry_id        bigint REFERENCES credit_entry(id),
  posting_refused text CHECK (posting_refused IS NULL OR length(posting_refused) <= 40),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pair_activity_pair_idx ON pair_activity (pair_id, occurred_on, id);
CREATE INDEX pair_activity_teacher_idx ON pair_activity (teacher_id, occurred_on) WHERE entry_id IS NOT NULL;

-- Evidence files of an activity, stored by SHA-256 under the data dir (services/stored-file.ts).
CREATE TABLE pair_activity_file (
  id           bigserial PRIMARY KEY,
  activity_id  bigint NOT NULL REFERENCES pair_activity(id),
  sha256       bytea NOT NULL,
  file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  mime_type    text NOT NULL,
  size_bytes   bigint NOT NULL,
  created_by   bigint REFERENCES app_user(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pair_activity_file_idx ON pair_activity_file (activity_id, id);

-- The mid-term exchange and the year-end review: scored 0–100 with a comment by the school, then the county.
CREATE TABLE pair_review (
  id              bigserial PRIMARY KEY,
  pair_id         bigint NOT NULL REFERENCES pair(id),
  stage           text NOT NULL CHECK (stage IN ('midterm','yearend')),
  school_score    integer CHECK (school_score BETWEEN 0 AND 100),
  school_comment  text CHECK (school_comment IS NULL OR length(school_comment) <= 2000),
  school_by       bigint REFERENCES app_user(id),
  school_at       timestamptz,
  county_score    integer CHECK (county_score BETWEEN 0 AND 100),
  county_comment  text CHECK (county_comment IS NULL OR length(county_comment) <= 2000),
  county_by       bigint REFERENCES app_user(id),
  county_at       timestamptz,
  UNIQUE (pair_id, stage)
);

-- The county's rule for the hours of confirmed pair activities: tenths of an hour per activity kind,
-- a cap per teacher and calendar year, and the credit category the entries carry (none: no category).
CREATE TABLE pair_rule (
  county_id         bigint PRIMARY KEY REFERENCES org_unit(id),
  province_id       bigint NOT NULL,
  county_path       text NOT NULL,
  enabled           boolean NOT NULL DEFAULT true,
  observation_tenths integer NOT NULL CHECK (observation_tenths BETWEEN 0 AND 200),
  guidance_tenths   integer NOT NULL CHECK (guidance_tenths BETWEEN 0 AND 200),
  coteaching_tenths integer NOT NULL CHECK (coteaching_tenths BETWEEN 0 AND 200),
  other_tenths      integer NOT NULL CHECK (other_tenths BETWEEN 0 AND 200),
  cap_tenths        integer NOT NULL CHECK (cap_tenths BETWEEN 0 AND 2000),
  category          text CHECK (category IS NULL OR length(category) BETWEEN 1 AND 40),
  updated_by        bigint REFERENCES app_user(id),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
