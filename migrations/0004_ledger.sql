-- Credit ledger (R-10 … R-17, R-52): cycles whose rules are data, the append-only ledger of hours,
-- evidence files, per-teacher and per-school summaries kept in the same transaction as the
-- ledger, annual verification, certificates, review requests, and a table queue for background jobs.
-- Hours are integers in tenths of an hour everywhere. Written for PostgreSQL 15+.

-- A continuing-education cycle of a province (e.g. 2026–2030). Its rules are versioned: every
-- saved version is kept, the cycle points at the one in force.
CREATE TABLE credit_cycle (
  id              bigserial PRIMARY KEY,
  province_id     bigint NOT NULL,
  org_unit_id     bigint NOT NULL REFERENCES org_unit(id),
  org_path        text NOT NULL,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  start_year      smallint NOT NULL CHECK (start_year BETWEEN 2000 AND 2100),
  end_year        smallint NOT NULL CHECK (end_year BETWEEN 2000 AND 2100),
  current_version integer NOT NULL DEFAULT 1,
  created_by      bigint REFERENCES app_user(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- cycles of one province never overlap (checked by the service under a lock): a year belongs to one cycle
  CHECK (end_year >= start_year)
);
CREATE INDEX credit_cycle_province_idx ON credit_cycle (province_id, start_year);

CREATE TABLE credit_rule_version (
  cycle_id   bigint NOT NULL REFERENCES credit_cycle(id),
  version    integer NOT NULL,
  rules      jsonb NOT NULL,
  note       text CHECK (note IS NULL OR length(note) <= 500),
  created_by bigint REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cycle_id, version)
);

-- Original evidence (R-16): the file lives under the data directory, named by its SHA-256.
CREATE TABLE credit_evidence (
  id          bigserial PRIMARY KEY,
  province_id bigint NOT NULL,
  org_unit_id bigint NOT NULL REFERENCES org_unit(id),
  org_path    text NOT NULL,
  sha256      bytea NOT NULL,
  file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  mime_type   text NOT NULL,
  size_bytes  bigint NOT NULL,
  created_by  bigint REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_evidence_path_idx ON credit_evidence (org_path text_pattern_ops, id);

-- The ledger: append-only. A correction is a reversal entry (negative hours, reverses_id set);
-- nothing is updated or deleted. org_path is the teacher's school when the entry was registered.
CREATE TABLE credit_entry (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  teacher_id    bigint NOT NULL REFERENCES teacher(id),
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  org_path      text NOT NULL,
  cycle_id      bigint NOT NULL REFERENCES credit_cycle(id),
  year          smallint NOT NULL,
  hours         integer NOT NULL CHECK (hours <> 0),
  categories    text[] NOT NULL DEFAULT '{}',
  source_type   text NOT NULL CHECK (source_type IN ('project','course','school_activity','import','external')),
  source_ref    text CHECK (source_ref IS NULL OR length(source_ref) <= 100),
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  occurred_on   date NOT NULL,
  evidence_id   bigint REFERENCES credit_evidence(id),
  evidence_ref  text CHECK (evidence_ref IS NULL OR length(evidence_ref) <= 200),
  reverses_id   bigint UNIQUE REFERENCES credit_entry(id),
  reason        text CHECK (reason IS NULL OR length(reason) <= 500),
  -- registered into a year after the county signed it off (an approved reversal)
  after_lock    boolean NOT NULL DEFAULT false,
  idem_key      text NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 200),
  content_hash  bytea NOT NULL,
  created_by    bigint REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((reverses_id IS NULL) = (hours > 0))
);
CREATE UNIQUE INDEX credit_entry_idem_idx ON credit_entry (province_id, idem_key);
CREATE INDEX credit_entry_teacher_idx ON credit_entry (teacher_id, cycle_id, occurred_on, id);
CREATE INDEX credit_entry_path_idx ON credit_entry (org_path text_pattern_ops, cycle_id, year);

-- Per teacher and cycle: what the rule engine made of the ledger. Rewritten in the transaction
-- that changes the teacher's entries or record; `peixun ledger check` recomputes and compares.
CREATE TABLE credit_teacher_status (
  teacher_id     bigint NOT NULL REFERENCES teacher(id),
  cycle_id       bigint NOT NULL REFERENCES credit_cycle(id),
  province_id    bigint NOT NULL,
  org_unit_id    bigint NOT NULL REFERENCES org_unit(id),
  org_path       text NOT NULL,
  rule_version   integer NOT NULL,
  -- the calendar year the status was computed for ("behind" depends on how far the cycle is)
  as_of_year     smallint NOT NULL,
  in_scope       boolean NOT NULL,
  status         text NOT NULL CHECK (status IN ('complete','on_track','behind','at_risk','out_of_scope')),
  raw_hours      integer NOT NULL,
  counted_hours  integer NOT NULL,
  entry_count    integer NOT NULL,
  -- counted hours per year of the cycle, index 0 = start year
  year_hours     integer[] NOT NULL,
  minima_unmet   smallint NOT NULL,
  PRIMARY KEY (teacher_id, cycle_id)
);
CREATE INDEX credit_teacher_status_path_idx ON credit_teacher_status (cycle_id, org_path text_pattern_ops, status);

-- Per school and cycle: counts the unit reports add up. Changed by deltas in the same transaction
-- as credit_teacher_status.
CREATE TABLE credit_school_summary (
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  cycle_id      bigint NOT NULL REFERENCES credit_cycle(id),
  province_id   bigint NOT NULL,
  org_path      text NOT NULL,
  teachers      integer NOT NULL DEFAULT 0,
  in_scope      integer NOT NULL DEFAULT 0,
  complete      integer NOT NULL DEFAULT 0,
  on_track      integer NOT NULL DEFAULT 0,
  behind        integer NOT NULL DEFAULT 0,
  at_risk       integer NOT NULL DEFAULT 0,
  raw_hours     bigint NOT NULL DEFAULT 0,
  counted_hours bigint NOT NULL DEFAULT 0,
  entry_count   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (cycle_id, org_unit_id)
);
CREATE INDEX credit_school_summary_path_idx ON credit_school_summary (cycle_id, org_path text_pattern_ops);

-- Annual verification (年度验证) of one school's year: opened and submitted by the school,
-- signed off or returned by the county. A signed-off year is locked.
CREATE TABLE credit_verification (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  cycle_id      bigint NOT NULL REFERENCES credit_cycle(id),
  year          smallint NOT NULL,
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  org_path      text NOT NULL,
  status        text NOT NULL CHECK (status IN ('open','submitted','signed_off','returned')),
  teachers      integer NOT NULL DEFAULT 0,
  verified      integer NOT NULL DEFAULT 0,
  opened_by     bigint REFERENCES app_user(id),
  opened_at     timestamptz NOT NULL DEFAULT now(),
  submitted_by  bigint REFERENCES app_user(id),
  submitted_at  timestamptz,
  decided_by    bigint REFERENCES app_user(id),
  decided_at    timestamptz,
  decision_note text CHECK (decision_note IS NULL OR length(decision_note) <= 500),
  UNIQUE (cycle_id, year, org_unit_id)
);
CREATE INDEX credit_verification_path_idx ON credit_verification (cycle_id, year, org_path text_pattern_ops);

CREATE TABLE credit_verification_item (
  verification_id  bigint NOT NULL REFERENCES credit_verification(id),
  teacher_id       bigint NOT NULL REFERENCES teacher(id),
  -- what the rules say: passed / failed (with the failed items) / not_in_scope
  computed         text NOT NULL CHECK (computed IN ('passed','failed','not_in_scope')),
  failures         jsonb NOT NULL DEFAULT '[]',
  year_hours       integer NOT NULL,
  -- the school's exception, with its reason: exempt (e.g. long sick leave) or failed
  exception        text CHECK (exception IN ('exempt','failed')),
  exception_reason text CHECK (exception_reason IS NULL OR length(exception_reason) BETWEEN 1 AND 500),
  result           text NOT NULL CHECK (result IN ('verified','not_verified','exempt','not_in_scope')),
  PRIMARY KEY (verification_id, teacher_id),
  CHECK ((exception IS NULL) = (exception_reason IS NULL))
);
CREATE INDEX credit_verification_item_teacher_idx ON credit_verification_item (teacher_id);

-- A change to a signed-off year: asked by the school, approved or rejected by the county.
CREATE TABLE credit_reversal_request (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  entry_id      bigint NOT NULL REFERENCES credit_entry(id),
  org_path      text NOT NULL,
  reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  status        text NOT NULL CHECK (status IN ('pending','approved','rejected')),
  requested_by  bigint REFERENCES app_user(id),
  requested_at  timestamptz NOT NULL DEFAULT now(),
  decided_by    bigint REFERENCES app_user(id),
  decided_at    timestamptz,
  decision_note text CHECK (decision_note IS NULL OR length(decision_note) <= 500)
);
CREATE UNIQUE INDEX credit_reversal_request_open_idx ON credit_reversal_request (entry_id) WHERE status = 'pending';
CREATE INDEX credit_reversal_request_path_idx ON credit_reversal_request (org_path text_pattern_ops, status);

-- A teacher asks a person to review a number on their progress page (PIPL Art. 24).
CREATE TABLE credit_review_request (
  id          bigserial PRIMARY KEY,
  province_id bigint NOT NULL,
  teacher_id  bigint NOT NULL REFERENCES teacher(id),
  org_path    text NOT NULL,
  cycle_id    bigint NOT NULL REFERENCES credit_cycle(id),
  topic       text NOT NULL CHECK (length(topic) BETWEEN 1 AND 100),
  message     text NOT NULL CHECK (length(message) BETWEEN 1 AND 1000),
  status      text NOT NULL CHECK (status IN ('open','answered')),
  answer      text CHECK (answer IS NULL OR length(answer) BETWEEN 1 AND 1000),
  answered_by bigint REFERENCES app_user(id),
  answered_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_review_request_path_idx ON credit_review_request (org_path text_pattern_ops, status, id);
CREATE INDEX credit_review_request_teacher_idx ON credit_review_request (teacher_id, id);

-- Certificates: a frozen snapshot of what was certified. Revoked or superseded certificates keep
-- answering at their code.
CREATE TABLE credit_certificate (
  id             bigserial PRIMARY KEY,
  province_id    bigint NOT NULL,
  code           text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{10,20}$'),
  teacher_id     bigint NOT NULL REFERENCES teacher(id),
  cycle_id       bigint NOT NULL REFERENCES credit_cycle(id),
  kind           text NOT NULL CHECK (kind IN ('cycle','year')),
  year           smallint,
  org_unit_id    bigint NOT NULL REFERENCES org_unit(id),
  org_path       text NOT NULL,
  status         text NOT NULL CHECK (status IN ('valid','revoked','superseded')),
  superseded_by  bigint REFERENCES credit_certificate(id),
  snapshot       jsonb NOT NULL,
  issued_by      bigint REFERENCES app_user(id),
  issued_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  revoke_reason  text CHECK (revoke_reason IS NULL OR length(revoke_reason) <= 500),
  CHECK ((kind = 'year') = (year IS NOT NULL))
);
CREATE UNIQUE INDEX credit_certificate_valid_idx ON credit_certificate (teacher_id, cycle_id, kind, coalesce(year, 0)) WHERE status = 'valid';
CREATE INDEX credit_certificate_path_idx ON credit_certificate (org_path text_pattern_ops, cycle_id);

-- Background work: a table queue taken with FOR UPDATE SKIP LOCKED; a job whose lease ran out
-- (the server died) is taken again.
CREATE TABLE job (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL,
  province_id   bigint NOT NULL,
  org_path      text NOT NULL,
  status        text NOT NULL CHECK (status IN ('queued','running','done','failed')),
  params        jsonb NOT NULL,
  progress      integer NOT NULL DEFAULT 0,
  total         integer NOT NULL DEFAULT 0,
  result        jsonb,
  error_code    text,
  attempts      integer NOT NULL DEFAULT 0,
  lease_until   timestamptz,
  created_by    bigint REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz
);
CREATE INDEX job_queue_idx ON job (status, id) WHERE status IN ('queued','running');
CREATE INDEX job_path_idx ON job (org_path text_pattern_ops, id DESC);
