-- Online study (R-13, R-20 网络, R-35, R-36): a course's online content, the online class that opens it
-- to its enrolled teachers for a study window, and the study sessions whose heartbeats the server
-- turns into counted minutes. Written for PostgreSQL 15+.

-- A course's online settings: how study is counted and what completes the course online.
CREATE TABLE course_online (
  course_id       bigint PRIMARY KEY REFERENCES course(id),
  -- { maxSpeed, allowSeek, presenceMinMinutes, presenceMaxMinutes, presenceTimeoutSeconds }
  -- (domain/online-course.ts StudyRule; missing keys take the defaults)
  study_rule      jsonb NOT NULL DEFAULT '{}',
  -- { homeworkRequired, postsRequired, minPostChars, reflectionsRequired, minReflectionChars,
  --   similarityThreshold } (domain/online-course.ts OnlineCompletionRule)
  completion_rule jsonb NOT NULL DEFAULT '{}',
  updated_by      bigint REFERENCES app_user(id),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- A chapter (章) of a course's online content.
CREATE TABLE course_chapter (
  id         bigserial PRIMARY KEY,
  course_id  bigint NOT NULL REFERENCES course(id),
  position   integer NOT NULL CHECK (position >= 0),
  title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX course_chapter_course_idx ON course_chapter (course_id, position, id);

-- An uploaded file of a course (a video, a PDF): kept under the data dir by its SHA-256, checked by
-- its content when uploaded.
CREATE TABLE study_file (
  id               bigserial PRIMARY KEY,
  province_id      bigint NOT NULL,
  course_id        bigint NOT NULL REFERENCES course(id),
  kind             text NOT NULL CHECK (kind IN ('video','document')),
  file_name        text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  mime_type        text NOT NULL,
  size_bytes       bigint NOT NULL CHECK (size_bytes > 0),
  sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- a video's length read from its MP4 header
  duration_seconds numeric(10,3) CHECK (duration_seconds IS NULL OR duration_seconds > 0),
  created_by       bigint REFERENCES app_user(id),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX study_file_course_idx ON study_file (course_id, id);

-- An item of a chapter: a video, a document (PDF) or a text page, with the minutes a teacher must
-- study it for.
CREATE TABLE course_item (
  id               bigserial PRIMARY KEY,
  course_id        bigint NOT NULL REFERENCES course(id),
  chapter_id       bigint NOT NULL REFERENCES course_chapter(id),
  position         integer NOT NULL CHECK (position >= 0),
  kind             text NOT NULL CHECK (kind IN ('video','document','text')),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  required_minutes integer NOT NULL CHECK (required_minutes BETWEEN 0 AND 6000),
  file_id          bigint REFERENCES study_file(id),
  body             text CHECK (body IS NULL OR length(body) <= 100000),
  archived         boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'text') = (body IS NOT NULL)),
  CHECK ((kind = 'text') = (file_id IS NULL))
);
CREATE INDEX course_item_chapter_idx ON course_item (chapter_id, position, id);
CREATE INDEX course_item_course_idx ON course_item (course_id, id);

-- An online class (网络研修) opens a course to its enrolled teachers for a study window.
ALTER TABLE training_class
  ADD COLUMN course_id bigint REFERENCES course(id),
  ADD COLUMN study_opens_on date,
  ADD COLUMN study_closes_on date,
  ADD CONSTRAINT training_class_study_window CHECK (
    (course_id IS NULL AND study_opens_on IS NULL AND study_closes_on IS NULL)
    OR (course_id IS NOT NULL AND study_opens_on IS NOT NULL AND study_closes_on IS NOT NULL
        AND study_closes_on >= study_opens_on)
  );
CREATE INDEX training_class_course_idx ON training_class (course_id) WHERE course_id IS NOT NULL;

-- One sitting of a teacher at one item (a page open on a phone or a computer). Its heartbeats are
-- the record; what they count is settled into `segments`, `counted_seconds` and `receipt` by the pure
-- rule of domain/study-minutes.ts.
CREATE TABLE study_session (
  id              bigserial PRIMARY KEY,
  province_id     bigint NOT NULL,
  class_id        bigint NOT NULL REFERENCES training_class(id),
  item_id         bigint NOT NULL REFERENCES course_item(id),
  teacher_id      bigint NOT NULL REFERENCES teacher(id),
  -- the teacher's school (scoping)
  org_path        text NOT NULL,
  -- the study rule in force when the session began
  rule            jsonb NOT NULL,
  -- the secret the presence checks' schedule and answers are derived from (never leaves the server)
  presence_key    bytea NOT NULL,
  started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at        timestamptz,
  -- settled: the item's seconds credited by this session ([[from, to], …]), their total and the receipt
  segments        jsonb,
  counted_seconds integer,
  receipt         jsonb,
  settled_at      timestamptz,
  settled_seq     integer
);
CREATE INDEX study_session_teacher_idx ON study_session (teacher_id, item_id, id);
CREATE INDEX study_session_class_idx ON study_session (class_id, teacher_id, item_id);
CREATE INDEX study_session_unsettled_idx ON study_session (started_at) WHERE settled_at IS NULL;

-- A numbered heartbeat of a session: what the page reported for the interval since its previous one,
-- and when the server received it. (session_id, seq) makes a repeat a no-op; the server's clock is
-- the only time that counts.
CREATE TABLE study_heartbeat (
  session_id      bigint NOT NULL REFERENCES study_session(id),
  seq             integer NOT NULL CHECK (seq BETWEEN 0 AND 1000000),
  received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- the media position (seconds) at the start and end of the interval; for documents and text pages
  -- the page's own time
  position_from   real NOT NULL CHECK (position_from >= 0),
  position_to     real NOT NULL CHECK (position_to >= 0),
  rate            real NOT NULL CHECK (rate > 0 AND rate <= 16),
  visible         boolean NOT NULL,
  focused         boolean NOT NULL,
  playing         boolean NOT NULL,
  -- the answer to a presence check (还在学习吗？), the nonce the server gave
  presence_answer text CHECK (presence_answer IS NULL OR length(presence_answer) <= 64),
  PRIMARY KEY (session_id, seq)
);
