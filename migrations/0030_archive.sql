-- A teacher's personal professional development plan (个人专业发展规划, R-52): three-year goals and,
-- per year, the actions, the training planned and the hours aimed at; written by the teacher, reviewed
-- by the school (approved, or returned with a comment), and at each year's end a short self-review.
-- The plan belongs to the teacher, not to a school: it is reviewed by the admins of the teacher's
-- current school (read through teacher.org_path), so it follows the teacher on transfer, like the
-- archive it shows in. Written for PostgreSQL 15+.
CREATE TABLE development_plan (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  teacher_id    bigint NOT NULL REFERENCES teacher(id),
  -- the first of the plan's three years
  start_year    integer NOT NULL CHECK (start_year BETWEEN 2000 AND 2100),
  goals         text NOT NULL CHECK (length(goals) <= 5000),
  -- [{ year, actions, training, targetTenths, selfReview, selfReviewedAt }] for start_year … start_year + 2
  years         jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted','approved','returned')),
  -- the last review's comment (the whole history is in development_plan_review)
  review_comment text CHECK (review_comment IS NULL OR length(review_comment) <= 2000),
  submitted_at  timestamptz,
  reviewed_at   timestamptz,
  reviewed_by   bigint REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (teacher_id, start_year),
  CHECK (jsonb_typeof(years) = 'array')
);
CREATE INDEX development_plan_waiting_idx ON development_plan (province_id, status) WHERE status = 'submitted';

-- Every review of a plan: the decision, its comment, who decided, and the plan as it was submitted,
-- so a returned version stays readable after the teacher revised it.
CREATE TABLE development_plan_review (
  id          bigserial PRIMARY KEY,
  plan_id     bigint NOT NULL REFERENCES development_plan(id),
  decision    text NOT NULL CHECK (decision IN ('approved','returned')),
  comment     text CHECK (comment IS NULL OR length(comment) <= 2000),
  -- the reviewer's unit path when deciding (the teacher's school then)
  org_path    text NOT NULL,
  reviewed_by bigint NOT NULL REFERENCES app_user(id),
  reviewed_at timestamptz NOT NULL DEFAULT now(),
  snapshot    jsonb NOT NULL,
  CHECK (decision = 'approved' OR comment IS NOT NULL)
);
CREATE INDEX development_plan_review_idx ON development_plan_review (plan_id, id);
