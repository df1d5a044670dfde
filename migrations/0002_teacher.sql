-- Teacher registry (R-02, R-14): profiles with protected personal data, postings (which school
-- when), roster imports staged for review, activation of teacher accounts, correction requests.
-- Written for PostgreSQL 15+.
--
-- Personal identifiers (ID number, phone) are stored as AES-256-GCM ciphertext (*_enc) with a
-- keyed HMAC-SHA256 (*_hash) for exact-match lookup and the masked form shown to most roles
-- (*_masked). The key never reaches the database.

CREATE TABLE teacher (
  id                  bigserial PRIMARY KEY,
  province_id         bigint NOT NULL,
  -- the school the teacher belongs to now, and its path: scoping is a prefix scan
  org_unit_id         bigint NOT NULL REFERENCES org_unit(id),
  org_path            text NOT NULL,
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  -- resident: 居民身份证 (GB 11643 checked); the others are accepted without that check
  id_type             text NOT NULL CHECK (id_type IN ('resident','hk_macao','taiwan','passport','other')),
  id_number_enc       bytea NOT NULL,
  id_number_hash      bytea NOT NULL,
  id_number_masked    text NOT NULL,
  gender              text CHECK (gender IN ('male','female')),
  birth_date          date,
  phone_enc           bytea,
  phone_hash          bytea,
  phone_masked        text,
  stage               text NOT NULL CHECK (stage IN ('kindergarten','primary','junior','senior','vocational')),
  subject             text CHECK (subject IS NULL OR length(subject) BETWEEN 1 AND 30),
  title               text CHECK (title IS NULL OR length(title) BETWEEN 1 AND 30),
  teaching_start_year smallint CHECK (teaching_start_year IS NULL OR teaching_start_year BETWEEN 1950 AND 2100),
  employment          text NOT NULL CHECK (employment IN ('staff','special_post','substitute')),
  head_teacher        boolean NOT NULL DEFAULT false,
  backbone_level      text CHECK (backbone_level IN ('school','county','city','province')),
  subject_leader      boolean NOT NULL DEFAULT false,
  master_teacher      boolean NOT NULL DEFAULT false,
  new_teacher         boolean NOT NULL DEFAULT false,
  -- the login account, once the teacher has activated it
  user_id             bigint UNIQUE REFERENCES app_user(id),
  activation_hash     bytea,
  activation_expires  timestamptz,
  -- the import batch that created the row, if any
  import_id           bigint,
  is_demo             boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
-- one registry entry per person in a deployment (a province)
CREATE UNIQUE INDEX teacher_id_number_idx ON teacher (id_number_hash);
CREATE INDEX teacher_phone_idx ON teacher (phone_hash) WHERE phone_hash IS NOT NULL;
CREATE INDEX teacher_path_idx ON teacher (org_path text_pattern_ops, name);
-- name-prefix search across a province
CREATE INDEX teacher_name_idx ON teacher (province_id, name text_pattern_ops, id);
CREATE INDEX teacher_unit_idx ON teacher (org_unit_id, name, id);

-- Which school when: a row per posting; the open one (ended_on IS NULL) matches teacher.org_unit_id.
-- A former school keeps read access to the teacher for the period it covers.
CREATE TABLE teacher_posting (
  id          bigserial PRIMARY KEY,
  teacher_id  bigint NOT NULL REFERENCES teacher(id),
  province_id bigint NOT NULL,
  org_unit_id bigint NOT NULL REFERENCES org_unit(id),
  org_path    text NOT NULL,
  started_on  date NOT NULL,
  ended_on    date,
  reason      text CHECK (reason IS NULL OR length(reason) <= 200),
  created_by  bigint REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE UNIQUE INDEX teacher_posting_open_idx ON teacher_posting (teacher_id) WHERE ended_on IS NULL;
CREATE INDEX teacher_posting_teacher_idx ON teacher_posting (teacher_id, started_on);
CREATE INDEX teacher_posting_path_idx ON teacher_posting (org_path text_pattern_ops) WHERE ended_on IS NOT NULL;

-- A roster upload: validated first, committed (all good rows in one transaction) or discarded.
CREATE TABLE teacher_import (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  org_path      text NOT NULL,
  created_by    bigint NOT NULL REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  file_name     text NOT NULL,
  file_sha256   bytea NOT NULL,
  status        text NOT NULL CHECK (status IN ('validated','committed','discarded')),
  total_rows    integer NOT NULL,
  -- counts by outcome: create / update / unchanged / transfer / error
  summary       jsonb NOT NULL,
  -- row errors (row, column, code, value) in file order, at most a few thousand kept
  errors        jsonb NOT NULL DEFAULT '[]',
  committed_at  timestamptz,
  committed_by  bigint REFERENCES app_user(id),
  result        jsonb
);
CREATE INDEX teacher_import_path_idx ON teacher_import (org_path text_pattern_ops, id DESC);

-- The validated rows of an import, ready to commit: identifiers already encrypted and hashed.
CREATE TABLE teacher_import_row (
  import_id           bigint NOT NULL REFERENCES teacher_import(id) ON DELETE CASCADE,
  row_no              integer NOT NULL,
  action              text NOT NULL CHECK (action IN ('create','update','unchanged','transfer')),
  teacher_id          bigint,
  org_unit_id         bigint NOT NULL,
  org_path            text NOT NULL,
  name                text NOT NULL,
  id_type             text NOT NULL,
  id_number_enc       bytea NOT NULL,
  id_number_hash      bytea NOT NULL,
  id_number_masked    text NOT NULL,
  gender              text,
  birth_date          date,
  phone_enc           bytea,
  phone_hash          bytea,
  phone_masked        text,
  stage               text NOT NULL,
  subject             text,
  title               text,
  teaching_start_year smallint,
  employment          text NOT NULL,
  head_teacher        boolean NOT NULL,
  backbone_level      text,
  subject_leader      boolean NOT NULL,
  master_teacher      boolean NOT NULL,
  new_teacher         boolean NOT NULL,
  -- for updates and transfers: { field: { from, to } } without identifiers in clear
  changes             jsonb,
  PRIMARY KEY (import_id, row_no)
);

-- PIPL right to correction: a teacher asks, the school admin decides.
CREATE TABLE teacher_correction (
  id           bigserial PRIMARY KEY,
  teacher_id   bigint NOT NULL REFERENCES teacher(id),
  province_id  bigint NOT NULL,
  org_path     text NOT NULL,
  field        text NOT NULL,
  -- the value asked for; identifiers are stored encrypted
  proposed     text,
  proposed_enc bytea,
  reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open','accepted','rejected')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_by   bigint REFERENCES app_user(id),
  decided_at   timestamptz,
  decision_note text CHECK (decision_note IS NULL OR length(decision_note) <= 500)
);
CREATE INDEX teacher_correction_path_idx ON teacher_correction (org_path text_pattern_ops, status, id DESC);
CREATE INDEX teacher_correction_teacher_idx ON teacher_correction (teacher_id, id DESC);
