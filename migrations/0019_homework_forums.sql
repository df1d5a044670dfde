-- Homework (研修作业) and the class forum (班级研讨) of an online class (R-20 网络, R-31, R-33).
-- An online class is a training_class with a course (0017). Its tutors (辅导老师) are its trainers and the
-- organiser's admins; its members are its enrolled teachers. Written for PostgreSQL 15+.

-- An assignment of an online class, graded by a score (0…max_score, passed from pass_score) or by a
-- grade (优秀/良好/合格/不合格, passed from 合格). Under blind marking the tutors see an anonymous code
-- instead of the teacher until the grades are released.
CREATE TABLE homework_assignment (
  id           bigserial PRIMARY KEY,
  province_id  bigint NOT NULL,
  class_id     bigint NOT NULL REFERENCES training_class(id),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  instructions text NOT NULL DEFAULT '' CHECK (length(instructions) <= 20000),
  -- a moment (the form takes a China date and time)
  due_at       timestamptz NOT NULL,
  grading      text NOT NULL CHECK (grading IN ('score','grade')),
  max_score    integer CHECK (max_score BETWEEN 1 AND 1000),
  pass_score   integer CHECK (pass_score >= 0),
  blind        boolean NOT NULL DEFAULT false,
  -- blind marking ends here: names shown to tutors, grades shown to teachers
  released_at  timestamptz,
  released_by  bigint REFERENCES app_user(id),
  created_by   bigint REFERENCES app_user(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((grading = 'score') = (max_score IS NOT NULL AND pass_score IS NOT NULL)),
  CHECK (pass_score IS NULL OR pass_score <= max_score)
);
CREATE INDEX homework_assignment_class_idx ON homework_assignment (class_id, due_at, id);

-- A teacher's work on an assignment: where it stands now (the last version and the tutor's answer to
-- it). Every version is kept in homework_version.
CREATE TABLE homework_submission (
  id             bigserial PRIMARY KEY,
  province_id    bigint NOT NULL,
  assignment_id  bigint NOT NULL REFERENCES homework_assignment(id),
  class_id       bigint NOT NULL REFERENCES training_class(id),
  teacher_id     bigint NOT NULL REFERENCES teacher(id),
  -- the teacher's school (scoping)
  org_path       text NOT NULL,
  -- what tutors see instead of the name under blind marking, unique within the assignment
  anon_code      text NOT NULL CHECK (anon_code ~ '^[0-9]{4}$'),
  status         text NOT NULL CHECK (status IN ('submitted','returned','graded')),
  version        integer NOT NULL CHECK (version >= 1),
  -- the last version came after the due moment
  late           boolean NOT NULL,
  submitted_at   timestamptz NOT NULL,
  -- the author agreed to be named when the work is recommended to the class
  share_name     boolean NOT NULL DEFAULT false,
  score          integer CHECK (score >= 0),
  grade          text CHECK (grade IN ('excellent','good','pass','fail')),
  passed         boolean,
  comment        text CHECK (comment IS NULL OR length(comment) <= 5000),
  decided_by     bigint REFERENCES app_user(id),
  decided_at     timestamptz,
  -- 优秀作业: shown to the whole class
  recommended_at timestamptz,
  recommended_by bigint REFERENCES app_user(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (assignment_id, teacher_id),
  UNIQUE (assignment_id, anon_code),
  CHECK ((status = 'graded') = (passed IS NOT NULL)),
  CHECK (recommended_at IS NULL OR passed)
);
CREATE INDEX homework_submission_class_idx ON homework_submission (class_id, teacher_id);
CREATE INDEX homework_submission_waiting_idx ON homework_submission (class_id) WHERE status = 'submitted';

-- One version of a submission as the teacher sent it, with the tutor's answer to it.
CREATE TABLE homework_version (
  id            bigserial PRIMARY KEY,
  submission_id bigint NOT NULL REFERENCES homework_submission(id),
  version       integer NOT NULL CHECK (version >= 1),
  body          text NOT NULL CHECK (length(body) <= 50000),
  late          boolean NOT NULL,
  submitted_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  outcome       text CHECK (outcome IN ('returned','graded')),
  score         integer CHECK (score >= 0),
  grade         text CHECK (grade IN ('excellent','good','pass','fail')),
  passed        boolean,
  comment       text CHECK (comment IS NULL OR length(comment) <= 5000),
  decided_by    bigint REFERENCES app_user(id),
  decided_at    timestamptz,
  UNIQUE (submission_id, version)
);

-- A file a teacher uploaded for their homework (PDF, image, Word, Excel, ZIP), checked by its content
-- and kept under the data dir by its SHA-256; versions refer to it (a resubmission may keep it).
CREATE TABLE homework_file (
  id          bigserial PRIMARY KEY,
  province_id bigint NOT NULL,
  class_id    bigint NOT NULL REFERENCES training_class(id),
  teacher_id  bigint NOT NULL REFERENCES teacher(id),
  sha256      bytea NOT NULL,
  file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  mime_type   text NOT NULL,
  size_bytes  bigint NOT NULL CHECK (size_bytes > 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX homework_file_teacher_idx ON homework_file (class_id, teacher_id, id);

CREATE TABLE homework_version_file (
  version_id bigint NOT NULL REFERENCES homework_version(id),
  file_id    bigint NOT NULL REFERENCES homework_file(id),
  position   integer NOT NULL CHECK (position >= 0),
  PRIMARY KEY (version_id, file_id)
);
CREATE INDEX homework_version_file_file_idx ON homework_version_file (file_id);

-- Teachers of the class its tutors chose as moderators (版主) of the forum, beside the tutors themselves.
CREATE TABLE forum_moderator (
  class_id   bigint NOT NULL REFERENCES training_class(id),
  teacher_id bigint NOT NULL REFERENCES teacher(id),
  created_by bigint REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (class_id, teacher_id)
);

CREATE TABLE forum_topic (
  id           bigserial PRIMARY KEY,
  province_id  bigint NOT NULL,
  class_id     bigint NOT NULL REFERENCES training_class(id),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  author_id    bigint NOT NULL REFERENCES app_user(id),
  pinned       boolean NOT NULL DEFAULT false,
  -- a locked topic takes no more replies
  locked       boolean NOT NULL DEFAULT false,
  replies      integer NOT NULL DEFAULT 0 CHECK (replies >= 0),
  last_post_at timestamptz NOT NULL DEFAULT now(),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX forum_topic_class_idx ON forum_topic (class_id, pinned DESC, last_post_at DESC, id DESC);

-- A post: a topic's opening post or a reply. Whether it counts toward the teacher's participation is
-- decided when it is written (domain/forum.ts): long enough in Chinese characters, original, not hidden.
CREATE TABLE forum_post (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  class_id      bigint NOT NULL REFERENCES training_class(id),
  topic_id      bigint NOT NULL REFERENCES forum_topic(id),
  author_id     bigint NOT NULL REFERENCES app_user(id),
  -- the author's registry record when a teacher wrote it
  teacher_id    bigint REFERENCES teacher(id),
  opening       boolean NOT NULL,
  body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  -- the length as a Chinese reader counts it (domain/online-course.ts countedChars)
  chars         integer NOT NULL CHECK (chars >= 0),
  -- the highest similarity the originality check found (null: not checked)
  similarity    numeric(4,3) CHECK (similarity IS NULL OR similarity BETWEEN 0 AND 1),
  counts        boolean NOT NULL,
  why_not       text CHECK (why_not IN ('too_short','not_original','hidden')),
  hidden_at     timestamptz,
  hidden_by     bigint REFERENCES app_user(id),
  hidden_reason text CHECK (hidden_reason IS NULL OR length(hidden_reason) BETWEEN 1 AND 500),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (counts = (why_not IS NULL)),
  CHECK ((hidden_at IS NULL) = (hidden_reason IS NULL))
);
CREATE INDEX forum_post_topic_idx ON forum_post (topic_id, id);
CREATE INDEX forum_post_counted_idx ON forum_post (class_id, teacher_id) WHERE counts;

-- A member's report of a post, answered by a moderator (dismissed, or the post hidden).
CREATE TABLE forum_report (
  id          bigserial PRIMARY KEY,
  province_id bigint NOT NULL,
  class_id    bigint NOT NULL REFERENCES training_class(id),
  post_id     bigint NOT NULL REFERENCES forum_post(id),
  reporter_id bigint NOT NULL REFERENCES app_user(id),
  reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open','dismissed','hidden')),
  answer      text CHECK (answer IS NULL OR length(answer) <= 500),
  handled_by  bigint REFERENCES app_user(id),
  handled_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX forum_report_open_once ON forum_report (post_id, reporter_id) WHERE status = 'open';
CREATE INDEX forum_report_open_idx ON forum_report (class_id, id) WHERE status = 'open';
