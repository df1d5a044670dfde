-- Learning records from other platforms: Peixun is an xAPI Learning Record Store (IEEE 9274.1.1-2023,
-- "xAPI 2.0", and 1.0.3) at /xapi. Platforms report with client credentials an admin created for one
-- unit; statements are kept as they were accepted, matched to teachers of that unit, and turned into
-- ledger hours by the unit's mapping rules. Written for PostgreSQL 15+.

-- Credentials of a reporting platform (HTTP Basic: key as user name, secret as password). The secret is
-- shown once and kept as its SHA-256 (it is 32 random bytes, so a fast hash is enough).
--   identity: how an actor is matched to a teacher of the unit:
--     { "kind": "account", "homePage": "https://…" }   account.name is the teacher's login (ID number or account name)
--     { "kind": "id_hash", "homePage": "https://…" }   account.name is hex SHA-256 of (salt ‖ ID number)
--     { "kind": "mbox" }                                 mailto: of the teacher's recorded e-mail
CREATE TABLE lrs_client (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  org_path      text NOT NULL,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  api_key       text NOT NULL UNIQUE CHECK (api_key ~ '^[a-z0-9]{8,64}$'),
  secret_hash   bytea NOT NULL,
  identity      jsonb NOT NULL DEFAULT '{"kind":"mbox"}',
  -- the salt agreed with the platform for kind id_hash (not a secret of ours: the platform knows it)
  id_hash_salt  text CHECK (id_hash_salt IS NULL OR length(id_hash_salt) <= 100),
  created_by    bigint REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  revoked_by    bigint REFERENCES app_user(id),
  last_used_at  timestamptz
);
CREATE INDEX lrs_client_path_idx ON lrs_client (org_path text_pattern_ops, id);

-- A statement as the LRS stores it. `body` is the statement's JSON text exactly as it is returned
-- (id, timestamp, stored, authority and version filled in), so a read sends it without re-encoding.
-- The other columns are what queries filter on:
--   actor_ifi / object_id of an agent object: an agent or identified group as one string, its objectType
--     letter first ('A|mbox|mailto:a@b', 'A|sha1|…', 'A|openid|…', 'A|account|<homePage>|<name>', 'G|…')
--   related_agents / related_activities: every agent and activity the statement names anywhere
--     (actor, object, context, authority, sub-statement), for related_agents / related_activities
--   ref_id: the statement a StatementRef object (or a voiding statement) points at
-- A statement belongs to the province of the client that sent it; ids are unique in a province.
CREATE TABLE xapi_statement (
  seq                 bigserial PRIMARY KEY,
  province_id         bigint NOT NULL,
  id                  uuid NOT NULL,
  client_id           bigint REFERENCES lrs_client(id),
  -- the sending client's unit, and the matched teacher's unit: who may read the statement back
  client_path         text NOT NULL,
  teacher_id          bigint REFERENCES teacher(id),
  teacher_path        text,
  -- matched: a teacher of the client's unit; unmatched: waits for an admin; rejected: an admin said
  -- it is nobody of ours; own: written by Peixun itself about one of its teachers
  match_status        text NOT NULL DEFAULT 'unmatched'
                        CHECK (match_status IN ('matched','unmatched','rejected','own')),
  stored              timestamptz NOT NULL,
  ts                  timestamptz NOT NULL,
  verb_id             text NOT NULL,
  actor_ifi           text,
  object_kind         text NOT NULL CHECK (object_kind IN ('Activity','Agent','Group','SubStatement','StatementRef')),
  object_id           text,
  registration        uuid,
  related_agents      text[] NOT NULL DEFAULT '{}',
  related_activities  text[] NOT NULL DEFAULT '{}',
  ref_id              uuid,
  voided              boolean NOT NULL DEFAULT false,
  is_voiding          boolean NOT NULL DEFAULT false,
  attachment_sha2     text[] NOT NULL DEFAULT '{}',
  body                text NOT NULL,
  UNIQUE (province_id, id)
);
CREATE INDEX xapi_statement_stored_idx ON xapi_statement (province_id, stored, seq);
CREATE INDEX xapi_statement_actor_idx ON xapi_statement (province_id, actor_ifi, stored, seq);
CREATE INDEX xapi_statement_verb_idx ON xapi_statement (province_id, verb_id, stored, seq);
CREATE INDEX xapi_statement_object_idx ON xapi_statement (province_id, object_id, stored, seq);
CREATE INDEX xapi_statement_registration_idx ON xapi_statement (province_id, registration, stored, seq)
  WHERE registration IS NOT NULL;
CREATE INDEX xapi_statement_ref_idx ON xapi_statement (province_id, ref_id) WHERE ref_id IS NOT NULL;
CREATE INDEX xapi_statement_agents_idx ON xapi_statement USING gin (related_agents);
CREATE INDEX xapi_statement_activities_idx ON xapi_statement USING gin (related_activities);
CREATE INDEX xapi_statement_teacher_idx ON xapi_statement (teacher_id, stored) WHERE teacher_id IS NOT NULL;
CREATE INDEX xapi_statement_unmatched_idx ON xapi_statement (client_path text_pattern_ops, seq)
  WHERE match_status = 'unmatched';

-- Attachment contents, kept once per province by their SHA-256 (statements name them by sha2).
CREATE TABLE xapi_attachment (
  province_id   bigint NOT NULL,
  sha2          text NOT NULL CHECK (sha2 ~ '^[0-9a-f]{64,128}$'),
  content_type  text NOT NULL,
  length        bigint NOT NULL,
  content       bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_id, sha2)
);
