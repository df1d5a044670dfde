-- The LRS's document resources (State, Activity Profile, Agent Profile) and the Activities resource.
--
-- A document belongs to the unit of the client that wrote it: clients of one unit (a platform, or its
-- renewed credentials) share their documents, and a client never reads or writes another unit's, even in
-- the same province. The key of a document is (unit, kind, activity, agent, registration, id):
--   state:            activity_id, agent_ifi, registration (or none), doc_id = stateId
--   activity_profile: activity_id, doc_id = profileId (agent_ifi '')
--   agent_profile:    agent_ifi, doc_id = profileId (activity_id '')
-- agent_ifi names the agent by its one identifier: 'mbox:mailto:…', 'mbox_sha1sum:…', 'openid:…',
-- 'account:<homePage> <name>'. etag is the hex SHA-1 of content, sent quoted.
CREATE TABLE xapi_document (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  kind          text NOT NULL CHECK (kind IN ('state','activity_profile','agent_profile')),
  activity_id   text NOT NULL DEFAULT '',
  agent_ifi     text NOT NULL DEFAULT '',
  registration  uuid,
  doc_id        text NOT NULL,
  content_type  text NOT NULL,
  content       bytea NOT NULL,
  etag          text NOT NULL,
  -- the client that wrote it last
  client_id     bigint REFERENCES lrs_client(id),
  updated       timestamptz NOT NULL,
  CONSTRAINT xapi_document_key UNIQUE NULLS NOT DISTINCT
    (org_unit_id, kind, activity_id, agent_ifi, registration, doc_id)
);
-- the id lists with `since`
CREATE INDEX xapi_document_since_idx
  ON xapi_document (org_unit_id, kind, activity_id, agent_ifi, registration, updated);

-- The canonical definition of each activity a province's statements named, merged from every
-- statement that carried one (language maps and extensions key by key, later values win; other
-- properties replaced by the latest). Read by the Activities resource.
CREATE TABLE xapi_activity (
  province_id  bigint NOT NULL,
  activity_id  text NOT NULL,
  definition   jsonb NOT NULL,
  updated      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_id, activity_id)
);

-- One definition merged into another (see above); both are JSON objects.
CREATE FUNCTION xapi_merge_definition(old jsonb, new jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT old || new
    || CASE WHEN jsonb_typeof(old->'name') = 'object' AND jsonb_typeof(new->'name') = 'object'
         THEN jsonb_build_object('name', (old->'name') || (new->'name')) ELSE '{}'::jsonb END
    || CASE WHEN jsonb_typeof(old->'description') = 'object' AND jsonb_typeof(new->'description') = 'object'
         THEN jsonb_build_object('description', (old->'description') || (new->'description')) ELSE '{}'::jsonb END
    || CASE WHEN jsonb_typeof(old->'extensions') = 'object' AND jsonb_typeof(new->'extensions') = 'object'
         THEN jsonb_build_object('extensions', (old->'extensions') || (new->'extensions')) ELSE '{}'::jsonb END
$$;
