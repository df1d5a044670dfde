-- LRS clients' traffic, remembered actor mappings and the salted ID-number hashes an id_hash client
-- matches by (see src/services/lrs-match.ts and docs/manual/lrs.md).

-- What each client did, counted in memory by the server and added here every few seconds (never one
-- write per request).
CREATE TABLE lrs_client_traffic (
  client_id          bigint PRIMARY KEY REFERENCES lrs_client(id),
  requests           bigint NOT NULL DEFAULT 0,
  statements_stored  bigint NOT NULL DEFAULT 0,
  statements_read    bigint NOT NULL DEFAULT 0,
  last_request_at    timestamptz
);

-- An actor an admin mapped to a teacher in the review queue, remembered so that the client's later
-- statements about that actor match by themselves. actor_ifi is xapi_statement.actor_ifi.
CREATE TABLE lrs_actor_mapping (
  client_id   bigint NOT NULL REFERENCES lrs_client(id),
  actor_ifi   text NOT NULL,
  teacher_id  bigint NOT NULL REFERENCES teacher(id),
  created_by  bigint REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, actor_ifi)
);

-- For a client whose identity is id_hash: hex SHA-256 of (salt ‖ ID number) of each teacher of its unit.
-- ID numbers are stored encrypted, so the hashes are computed once when the client is created and then
-- for the teachers added or changed since (a teacher's keyed lookup hash differs from the one recorded
-- here when the ID number changed). A teacher who left the unit keeps a row but never matches: matching
-- checks the teacher's current unit.
CREATE TABLE lrs_client_id_hash (
  client_id       bigint NOT NULL REFERENCES lrs_client(id),
  teacher_id      bigint NOT NULL REFERENCES teacher(id),
  id_number_hash  bytea NOT NULL,
  salted_hash     text NOT NULL,
  PRIMARY KEY (client_id, teacher_id)
);
CREATE INDEX lrs_client_id_hash_lookup_idx ON lrs_client_id_hash (client_id, salted_hash);
