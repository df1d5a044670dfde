-- The message centre (消息): every account's inbox, and the notices a bureau publishes to its subtree.
-- Written for PostgreSQL 15+.

-- One message to one account, written in the transaction of the event that causes it (a verification
-- submitted, a plan returned, a reminder 催办 from above …). The text is not stored: `kind` and `params`
-- are rendered in the reader's language; `link` is the page of the web app to act on.
CREATE TABLE message (
  id           bigserial PRIMARY KEY,
  province_id  bigint NOT NULL,
  recipient_id bigint NOT NULL REFERENCES app_user(id),
  kind         text NOT NULL CHECK (length(kind) BETWEEN 1 AND 60),
  params       jsonb NOT NULL DEFAULT '{}',
  link         text CHECK (link IS NULL OR (length(link) <= 300 AND left(link, 1) = '/')),
  sender_id    bigint REFERENCES app_user(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  read_at      timestamptz
);
CREATE INDEX message_recipient_idx ON message (recipient_id, id DESC);
-- the unread count in the header is read on every page: only the unread rows are indexed for it
CREATE INDEX message_unread_idx ON message (recipient_id, id DESC) WHERE read_at IS NULL;

-- A notice (通知) published by a unit to everyone in its subtree. It is never copied per reader (a
-- province's notice would be 1.2M rows): a reader's notices are those published at the units of their
-- own path, found by `org_path IN (the prefixes of the reader's path)`.
CREATE TABLE notice (
  id           bigserial PRIMARY KEY,
  province_id  bigint NOT NULL,
  org_unit_id  bigint NOT NULL REFERENCES org_unit(id),
  -- the publisher's path, which is also the audience: the publisher's subtree
  org_path     text NOT NULL,
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  published_by bigint REFERENCES app_user(id),
  published_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notice_path_idx ON notice (org_path, published_at DESC);

-- Who has read which notice: a row only once read, so publishing writes nothing per reader.
CREATE TABLE notice_read (
  notice_id bigint NOT NULL REFERENCES notice(id),
  user_id   bigint NOT NULL REFERENCES app_user(id),
  read_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, notice_id)
);
