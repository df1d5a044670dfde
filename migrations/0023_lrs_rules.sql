-- Mapping rules of the LRS: which accepted xAPI statements become ledger hours, and what became of
-- each statement a rule matched. Written for PostgreSQL 15+.

-- A rule of a unit (county or higher) for the statements about teachers of its subtree. `definition`
-- holds the conditions and the hours as domain/lrs-rule.ts describes them (LrsRuleDef), validated
-- there. Precedence: priority (higher first), then the deeper unit, then the older rule; the first
-- enabled rule that matches a statement and gives it hours credits it, and no other rule does.
CREATE TABLE lrs_rule (
  id           bigserial PRIMARY KEY,
  province_id  bigint NOT NULL,
  org_unit_id  bigint NOT NULL REFERENCES org_unit(id),
  org_path     text NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  enabled      boolean NOT NULL DEFAULT true,
  priority     integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -1000 AND 1000),
  definition   jsonb NOT NULL,
  version      integer NOT NULL DEFAULT 1,
  created_by   bigint REFERENCES app_user(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   bigint REFERENCES app_user(id),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lrs_rule_path_idx ON lrs_rule (province_id, org_path text_pattern_ops, id);

-- How far the mapping job has read a province's statements (xapi_statement.seq).
CREATE TABLE lrs_mapping_state (
  province_id  bigint PRIMARY KEY,
  watermark    bigint NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A statement a rule matched: the entry it was credited with, or why the ledger refused it
-- (refused: no_cycle, above_limit, unknown_category, future_date, year_locked), never tried again.
-- A statement is credited at most once (the entry's idem key is 'xapi:<statement id>' too).
-- voided_at: a voiding statement took the entry back (reversal_id, or a reversal request of a
-- signed-off year). Written thousands of rows per statement by the mapping job, so its ids (teacher,
-- rule, entries) are not foreign keys: rules are never deleted, entries never (the ledger is append-only).
CREATE TABLE lrs_credit (
  province_id   bigint NOT NULL,
  statement_id  uuid NOT NULL,
  seq           bigint NOT NULL,
  teacher_id    bigint NOT NULL,
  rule_id       bigint NOT NULL,
  hours         integer NOT NULL,
  entry_id      bigint,
  refused       text CHECK (refused IS NULL OR length(refused) <= 40),
  voided_at     timestamptz,
  reversal_id   bigint REFERENCES credit_entry(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_id, statement_id),
  CHECK ((entry_id IS NULL) <> (refused IS NULL))
);
CREATE INDEX lrs_credit_rule_idx ON lrs_credit (rule_id, seq);

-- How far Peixun's own xAPI statements have been written, per province and source
-- ('study_session' by session id; 'enrolment' and 'exam_result' by their updated_at).
CREATE TABLE xapi_own_state (
  province_id  bigint NOT NULL,
  source       text NOT NULL CHECK (source IN ('study_session','enrolment','exam_result')),
  after_id     bigint NOT NULL DEFAULT 0,
  after_ts     timestamptz NOT NULL DEFAULT '-infinity',
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_id, source)
);
-- what the own-statement job reads by update time
CREATE INDEX exam_result_updated_idx ON exam_result (updated_at, (exam_id * 100000000 + teacher_id));
CREATE INDEX enrolment_completed_idx ON enrolment (updated_at, id) WHERE outcome = 'completed';
