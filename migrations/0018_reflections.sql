-- Reflections (研修日志/心得, R-35) of online classes, checked for originality against the course's
-- other reflections (every class and year) and its prompts: domain/originality.ts (character 3-gram
-- shingles, 128-value MinHash signatures, 32 LSH bands of 4 rows). Written for PostgreSQL 15+.

-- The topics a course's admins give for its reflections (写作提示). A reflection that only copies one
-- does not count.
CREATE TABLE course_reflection_prompt (
  id         bigserial PRIMARY KEY,
  course_id  bigint NOT NULL REFERENCES course(id),
  position   integer NOT NULL CHECK (position BETWEEN 0 AND 99),
  body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  updated_by bigint REFERENCES app_user(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (course_id, position)
);

-- A teacher's reflection in an online class, as last checked.
CREATE TABLE reflection (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  class_id      bigint NOT NULL REFERENCES training_class(id),
  -- the class's course: the corpus a reflection is checked against
  course_id     bigint NOT NULL REFERENCES course(id),
  teacher_id    bigint NOT NULL REFERENCES teacher(id),
  -- the teacher's school (scoping)
  org_path      text NOT NULL,
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  -- its length as a Chinese reader counts it (domain/online-course.ts countedChars)
  chars         integer NOT NULL CHECK (chars >= 0),
  -- the highest share of its text found in another text of the corpus when it was checked (0–1)
  similarity    real NOT NULL CHECK (similarity >= 0 AND similarity <= 1),
  -- whether it counted under the course's rule when checked; readers apply the rule in force
  -- (minReflectionChars, similarityThreshold) to chars and similarity, so a changed rule applies
  counts        boolean NOT NULL,
  -- the passages of `body` found in similar texts: [{ "start", "end" }] (UTF-16 offsets)
  matched_ranges jsonb NOT NULL DEFAULT '[]',
  -- what it was most similar to: another reflection (never shown to its author) or a prompt
  matched_kind  text CHECK (matched_kind IN ('reflection','prompt')),
  matched_reflection_id bigint REFERENCES reflection(id),
  -- the MinHash signature: 128 little-endian uint32 values
  signature     bytea NOT NULL CHECK (length(signature) = 512),
  status        text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted','withdrawn')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  withdrawn_at  timestamptz,
  CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
  CHECK ((matched_kind = 'reflection') = (matched_reflection_id IS NOT NULL))
);
CREATE INDEX reflection_class_idx ON reflection (class_id, teacher_id, id) WHERE status = 'submitted';
CREATE INDEX reflection_teacher_idx ON reflection (teacher_id, class_id);

-- The LSH index of the submitted reflections: one row per band of each signature. A check reads the
-- rows of its 32 keys (band number × 2^32 + the band's hash) in its course, and compares only the
-- reflections found there. Withdrawn reflections have no rows.
CREATE TABLE reflection_band (
  course_id     bigint NOT NULL,
  band_key      bigint NOT NULL,
  reflection_id bigint NOT NULL REFERENCES reflection(id),
  PRIMARY KEY (course_id, band_key, reflection_id)
);
