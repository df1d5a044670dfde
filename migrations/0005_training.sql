-- Training delivery (R-13, R-14, R-20, R-43 … R-51): course catalogue, training projects with
-- classes and sessions, quotas per unit, enrolment with a waitlist, QR attendance, and the posting
-- of completed training to the credit ledger. Hours are integers in tenths of an hour.
-- Written for PostgreSQL 15+.

-- The course catalogue of a province, city or county (R-13).
CREATE TABLE course (
  id                bigserial PRIMARY KEY,
  province_id       bigint NOT NULL,
  org_unit_id       bigint NOT NULL REFERENCES org_unit(id),
  org_path          text NOT NULL,
  title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  -- 必修 required / 研修 research / 选修 elective
  category          text NOT NULL CHECK (category IN ('required','research','elective')),
  -- 师德, 教育技术, 学生教育, 心理健康, 学科与专业标准, …
  module            text NOT NULL CHECK (length(module) BETWEEN 1 AND 40),
  -- 集中 centralised / 网络 online / 校本 school-based / 实践 practice
  form              text NOT NULL CHECK (form IN ('centralised','online','school_based','practice')),
  hours             integer NOT NULL CHECK (hours > 0 AND hours <= 100000),
  -- the cycle-rule categories its hours count toward in the ledger
  credit_categories text[] NOT NULL DEFAULT '{}',
  stages            text[] NOT NULL DEFAULT '{}',
  subjects          text[] NOT NULL DEFAULT '{}',
  description       text CHECK (description IS NULL OR length(description) <= 2000),
  -- [{ "kind": "link"|"file", "title": …, "url"?: …, "evidenceId"?: … }]
  materials         jsonb NOT NULL DEFAULT '[]',
  archived          boolean NOT NULL DEFAULT false,
  created_by        bigint REFERENCES app_user(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX course_path_idx ON course (org_path text_pattern_ops, title);
CREATE UNIQUE INDEX course_title_idx ON course (org_unit_id, title) WHERE NOT archived;

-- A training project (培训项目) run by a unit at a level (国/省/市/县/校).
CREATE TABLE training_project (
  id                  bigserial PRIMARY KEY,
  province_id         bigint NOT NULL,
  org_unit_id         bigint NOT NULL REFERENCES org_unit(id),
  org_path            text NOT NULL,
  level               text NOT NULL CHECK (level IN ('national','province','city','county','school')),
  title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description         text CHECK (description IS NULL OR length(description) <= 4000),
  year                smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  status              text NOT NULL CHECK (status IN ('draft','open','closed')),
  registration_opens  date,
  registration_closes date,
  -- who may enrol: { minServiceYears?, stages?, subjects?, flags? }
  eligibility         jsonb NOT NULL DEFAULT '{}',
  -- when a teacher completes: { minAttendancePct, assessmentRequired }
  completion_rule     jsonb NOT NULL DEFAULT '{"minAttendancePct": 80, "assessmentRequired": false}',
  -- what completion posts to the ledger
  hours               integer NOT NULL CHECK (hours > 0 AND hours <= 100000),
  credit_categories   text[] NOT NULL DEFAULT '{}',
  created_by          bigint REFERENCES app_user(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (registration_closes IS NULL OR registration_opens IS NULL OR registration_closes >= registration_opens)
);
CREATE INDEX training_project_path_idx ON training_project (org_path text_pattern_ops, year, id);

CREATE TABLE training_project_course (
  project_id bigint NOT NULL REFERENCES training_project(id),
  course_id  bigint NOT NULL REFERENCES course(id),
  PRIMARY KEY (project_id, course_id)
);

-- A class (班次) of a project: its own capacity, trainers, sessions and quotas.
CREATE TABLE training_class (
  id          bigserial PRIMARY KEY,
  project_id  bigint NOT NULL REFERENCES training_project(id),
  province_id bigint NOT NULL,
  org_path    text NOT NULL,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  capacity    integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000000),
  -- counted under the class row's lock: enrolment decides places from them
  enrolled    integer NOT NULL DEFAULT 0 CHECK (enrolled >= 0),
  waitlisted  integer NOT NULL DEFAULT 0 CHECK (waitlisted >= 0),
  status      text NOT NULL CHECK (status IN ('open','closed')),
  closed_at   timestamptz,
  closed_by   bigint REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (enrolled <= capacity)
);
CREATE INDEX training_class_project_idx ON training_class (project_id, id);

CREATE TABLE training_class_trainer (
  class_id bigint NOT NULL REFERENCES training_class(id),
  user_id  bigint NOT NULL REFERENCES app_user(id),
  PRIMARY KEY (class_id, user_id)
);
CREATE INDEX training_class_trainer_user_idx ON training_class_trainer (user_id);

-- Places of a class reserved for the teachers of a child unit (a county's schools, a city's counties).
CREATE TABLE training_class_quota (
  class_id    bigint NOT NULL REFERENCES training_class(id),
  org_unit_id bigint NOT NULL REFERENCES org_unit(id),
  org_path    text NOT NULL,
  quota       integer NOT NULL CHECK (quota >= 0),
  used        integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  PRIMARY KEY (class_id, org_unit_id),
  CHECK (used <= quota)
);

-- A session of a class: when and where, and the window in which the QR check-in is accepted.
CREATE TABLE training_session (
  id               bigserial PRIMARY KEY,
  class_id         bigint NOT NULL REFERENCES training_class(id),
  starts_at        timestamptz NOT NULL,
  ends_at          timestamptz NOT NULL,
  place            text CHECK (place IS NULL OR length(place) <= 200),
  online_url       text CHECK (online_url IS NULL OR length(online_url) <= 500),
  checkin_opens_at timestamptz NOT NULL,
  checkin_closes_at timestamptz NOT NULL,
  -- the key of the rotating QR tokens of this session (never leaves the server)
  token_secret     bytea NOT NULL,
  CHECK (ends_at > starts_at),
  CHECK (checkin_closes_at > checkin_opens_at)
);
CREATE INDEX training_session_class_idx ON training_session (class_id, starts_at);

-- A teacher in a class: enrolled, waiting for a place, or withdrawn.
CREATE TABLE enrolment (
  id          bigserial PRIMARY KEY,
  class_id    bigint NOT NULL REFERENCES training_class(id),
  teacher_id  bigint NOT NULL REFERENCES teacher(id),
  province_id bigint NOT NULL,
  -- the teacher's school when enrolled (scoping, quotas)
  org_unit_id bigint NOT NULL REFERENCES org_unit(id),
  org_path    text NOT NULL,
  status      text NOT NULL CHECK (status IN ('enrolled','waitlisted','withdrawn')),
  source      text NOT NULL CHECK (source IN ('self','nominated','bulk')),
  -- the quota the place was taken from, if any
  quota_unit_id bigint REFERENCES org_unit(id),
  -- waitlist order
  waitlisted_at timestamptz,
  assessment_passed boolean,
  -- the outcome when the class closed: completed (hours posted) or not, with the reason
  outcome     text CHECK (outcome IN ('completed','not_completed')),
  outcome_reason text,
  created_by  bigint REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (class_id, teacher_id)
);
CREATE INDEX enrolment_teacher_idx ON enrolment (teacher_id, class_id);
CREATE INDEX enrolment_class_idx ON enrolment (class_id, status, waitlisted_at, id);
CREATE INDEX enrolment_path_idx ON enrolment (org_path text_pattern_ops, class_id);

-- Attendance of one teacher at one session: QR check-in and check-out, or the trainer's correction.
CREATE TABLE attendance (
  session_id     bigint NOT NULL REFERENCES training_session(id),
  teacher_id     bigint NOT NULL REFERENCES teacher(id),
  checked_in_at  timestamptz,
  checked_out_at timestamptz,
  present        boolean NOT NULL,
  method         text NOT NULL CHECK (method IN ('qr','manual')),
  corrected_by   bigint REFERENCES app_user(id),
  reason         text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, teacher_id)
);
CREATE INDEX attendance_teacher_idx ON attendance (teacher_id);
