-- The public notice (公示) itself and commendations (R-44): what an objection points at, and the
-- commendation batches a bureau runs each year (criteria over the product's statistics → proposed
-- candidates with the figures that qualified them → the bureau's review → public notice → honours).
-- Written for PostgreSQL 15+.

-- The step of the published calculation an objection points at ("评委3的分数", "标准化", "排名"),
-- as the objector picked it from the line's scorecard; NULL when the objection is about the line itself.
ALTER TABLE publicity_objection ADD COLUMN step text CHECK (step IS NULL OR length(step) BETWEEN 1 AND 100);
CREATE INDEX publicity_objection_author_idx ON publicity_objection (author_id, id);

-- One year's commendations of a bureau (county, city or province): the criteria as thresholds over the
-- statistics of the year (completion of hours, annual verification, exam results, attendance), the
-- candidates the product proposed and the bureau reviewed. status: draft (criteria and candidates may
-- change), published (its list is under public notice), finalised (honours recorded).
CREATE TABLE commendation_batch (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  org_path      text NOT NULL,
  year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  criteria      jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','finalised')),
  proposed_at   timestamptz,
  created_by    bigint REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commendation_batch_path_idx ON commendation_batch (province_id, org_path text_pattern_ops, id);

-- A candidate of a batch: a unit (advanced_unit), an administrator (outstanding_admin, user_id) or a
-- teacher (outstanding_trainee, teacher_id), with the figures that qualified them. origin: proposed by
-- the criteria, or added by the bureau (with a reason). removed_reason: taken off by the bureau before
-- publishing (the row stays, with who and why). outcome and honour_id are set when the notice is final.
CREATE TABLE commendation_candidate (
  id              bigserial PRIMARY KEY,
  batch_id        bigint NOT NULL REFERENCES commendation_batch(id),
  kind            text NOT NULL CHECK (kind IN ('advanced_unit','outstanding_admin','outstanding_trainee')),
  org_unit_id     bigint NOT NULL REFERENCES org_unit(id),
  org_path        text NOT NULL,
  teacher_id      bigint REFERENCES teacher(id),
  user_id         bigint REFERENCES app_user(id),
  name            text NOT NULL,
  unit_name       text NOT NULL,
  figures         jsonb NOT NULL,
  origin          text NOT NULL CHECK (origin IN ('proposed','added')),
  added_reason    text CHECK (added_reason IS NULL OR length(added_reason) BETWEEN 1 AND 500),
  removed_at      timestamptz,
  removed_by      bigint REFERENCES app_user(id),
  removed_reason  text CHECK (removed_reason IS NULL OR length(removed_reason) BETWEEN 1 AND 500),
  outcome         text CHECK (outcome IS NULL OR outcome IN ('kept','removed')),
  honour_id       bigint REFERENCES honour(id),
  created_by      bigint REFERENCES app_user(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((origin = 'added') = (added_reason IS NOT NULL)),
  CHECK ((removed_at IS NULL) = (removed_reason IS NULL)),
  CHECK ((kind = 'outstanding_trainee') = (teacher_id IS NOT NULL)),
  CHECK ((kind = 'outstanding_admin') = (user_id IS NOT NULL))
);
CREATE UNIQUE INDEX commendation_candidate_one_idx
  ON commendation_candidate (batch_id, kind, org_unit_id, coalesce(teacher_id, 0), coalesce(user_id, 0));
CREATE INDEX commendation_candidate_batch_idx ON commendation_candidate (batch_id, kind, id);
