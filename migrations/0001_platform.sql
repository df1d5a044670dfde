-- Platform foundation: organisation tree, accounts, sessions, API tokens, audit log.
-- Written for PostgreSQL 15+.

CREATE TABLE org_unit (
  id            bigserial PRIMARY KEY,
  parent_id     bigint REFERENCES org_unit(id),
  -- materialized path of ids, e.g. '/1/7/42/': scoping is a prefix scan
  path          text NOT NULL UNIQUE,
  depth         smallint NOT NULL,
  -- id of the province at the top of the path: the distribution column
  province_id   bigint NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('province','city','county','township','school','institution')),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  code          text CHECK (code IS NULL OR length(code) BETWEEN 1 AND 40),
  division_code text CHECK (division_code IS NULL OR division_code ~ '^[0-9]{6}$'),
  stages        text[] NOT NULL DEFAULT '{}',
  address       text CHECK (address IS NULL OR length(address) <= 200),
  contact_name  text CHECK (contact_name IS NULL OR length(contact_name) <= 50),
  contact_phone text CHECK (contact_phone IS NULL OR length(contact_phone) <= 30),
  is_demo       boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX org_unit_path_idx ON org_unit (path text_pattern_ops);
CREATE INDEX org_unit_parent_idx ON org_unit (parent_id, kind, name);
CREATE UNIQUE INDEX org_unit_division_code_idx ON org_unit (division_code) WHERE division_code IS NOT NULL;
CREATE UNIQUE INDEX org_unit_code_idx ON org_unit (province_id, code) WHERE code IS NOT NULL;
CREATE INDEX org_unit_name_idx ON org_unit (province_id, name text_pattern_ops);

CREATE TABLE app_user (
  id                   bigserial PRIMARY KEY,
  username             text NOT NULL CHECK (username ~ '^[A-Za-z0-9._-]{3,40}$'),
  display_name         text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 50),
  role                 text NOT NULL CHECK (role IN ('province_admin','city_admin','county_admin','school_admin','trainer','teacher')),
  org_unit_id          bigint NOT NULL REFERENCES org_unit(id),
  org_path             text NOT NULL,
  province_id          bigint NOT NULL,
  password_hash        text,
  must_change_password boolean NOT NULL DEFAULT true,
  failed_logins        integer NOT NULL DEFAULT 0,
  locked_until         timestamptz,
  disabled             boolean NOT NULL DEFAULT false,
  is_demo              boolean NOT NULL DEFAULT false,
  last_login_at        timestamptz,
  password_changed_at  timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_username_idx ON app_user (lower(username));
CREATE INDEX app_user_org_path_idx ON app_user (org_path text_pattern_ops);

CREATE TABLE user_session (
  -- sha256 of the cookie value: a stolen database does not yield live sessions
  token_hash   bytea PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES app_user(id),
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ip           text,
  user_agent   text
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

CREATE TABLE api_token (
  id           bigserial PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES app_user(id),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  prefix       text NOT NULL,
  token_hash   bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at   timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  actor_user_id  bigint,
  actor_username text,
  actor_role     text,
  -- org path of the actor's unit and of the target: an admin sees rows where either lies in their subtree
  actor_path     text,
  target_path    text,
  action         text NOT NULL,
  target_type    text,
  target_id      text,
  target_label   text,
  ip             text,
  outcome        text NOT NULL CHECK (outcome IN ('success','failure','denied')),
  error_code     text,
  details        jsonb
);
CREATE INDEX audit_log_target_path_idx ON audit_log (target_path text_pattern_ops, id DESC);
CREATE INDEX audit_log_actor_path_idx ON audit_log (actor_path text_pattern_ops, id DESC);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);

-- The audit log is append-only: no row is ever changed or removed.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
