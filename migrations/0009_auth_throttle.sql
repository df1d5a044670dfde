-- Failed sign-ins and activations are counted per account and source address, so that a stranger
-- elsewhere cannot lock a teacher out, and per typed name or ID number when no account has it,
-- so that the answers are the same whether or not an account exists. Rows are working state, not
-- history: the audit log keeps every attempt.

CREATE TABLE auth_throttle (
  kind text NOT NULL CHECK (kind IN ('login', 'activate')),
  -- 'user:<id>' or 'teacher:<id>'; for names no account has, 'name:' and a keyed hash of the name
  subject text NOT NULL,
  source text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  last_failure_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  PRIMARY KEY (kind, subject, source)
);

CREATE INDEX auth_throttle_last_failure_idx ON auth_throttle (last_failure_at);
