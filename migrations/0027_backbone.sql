-- Backbone teachers (骨干教师, R-41): selection rounds opened by a unit at its own level (校级/县级/市级/省级)
-- with criteria, quotas per child unit and a nomination deadline; nominations with a statement and evidence;
-- a review panel of named accounts scoring each nomination; the selected list goes through the public notice
-- (publicity, kind 'backbone_round') and its finalising certifies the titles (backbone_title of 0025).
-- Holders record their yearly duties (open lessons, papers) with evidence, confirmed by their school.
-- A re-review round (kind 'review') renews the titles of its level that reach the end of their term.
-- Written for PostgreSQL 15+.

CREATE TABLE backbone_round (
  id                  bigserial PRIMARY KEY,
  province_id         bigint NOT NULL,
  org_unit_id         bigint NOT NULL REFERENCES org_unit(id),
  org_path            text NOT NULL,
  level               text NOT NULL CHECK (level IN ('school','county','city','province')),
  kind                text NOT NULL DEFAULT 'selection' CHECK (kind IN ('selection','review')),
  title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  criteria            text NOT NULL CHECK (length(criteria) BETWEEN 1 AND 5000),
  -- optional checks of a nominee: {"minServiceYears": 5, "stages": ["primary"], "subjects": ["语文"]}
  checks              jsonb NOT NULL DEFAULT '{}',
  nomination_deadline date NOT NULL,
  term_years          smallint NOT NULL CHECK (term_years BETWEEN 1 AND 10),
  -- yearly duties of a holder: {"openLessons": 1, "papers": 1}
  duties              jsonb NOT NULL,
  status              text NOT NULL DEFAULT 'nominating'
                        CHECK (status IN ('nominating','scoring','publicised','finalised','cancelled')),
  publicity_id        bigint REFERENCES publicity(id),
  finalised_at        timestamptz,
  created_by          bigint REFERENCES app_user(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backbone_round_path_idx ON backbone_round (province_id, org_path text_pattern_ops, id DESC);

-- How many nominations each child unit of the organiser may put forward.
CREATE TABLE backbone_quota (
  round_id     bigint NOT NULL REFERENCES backbone_round(id),
  org_unit_id  bigint NOT NULL REFERENCES org_unit(id),
  org_path     text NOT NULL,
  quota        integer NOT NULL CHECK (quota BETWEEN 0 AND 10000),
  PRIMARY KEY (round_id, org_unit_id)
);
CREATE INDEX backbone_quota_path_idx ON backbone_quota (org_path text_pattern_ops, round_id);

-- A nominee. quota_unit_id is the child unit of the organiser whose quota it uses; a unit below it
-- proposes ('proposed') and the quota unit passes it up ('nominated'); only nominated ones count and
-- are scored. title_id: the title a re-review round renews.
CREATE TABLE backbone_nomination (
  id               bigserial PRIMARY KEY,
  province_id      bigint NOT NULL,
  round_id         bigint NOT NULL REFERENCES backbone_round(id),
  teacher_id       bigint NOT NULL REFERENCES teacher(id),
  org_path         text NOT NULL,
  quota_unit_id    bigint NOT NULL REFERENCES org_unit(id),
  by_unit_id       bigint NOT NULL REFERENCES org_unit(id),
  statement        text NOT NULL CHECK (length(statement) BETWEEN 1 AND 5000),
  title_id         bigint REFERENCES backbone_title(id),
  status           text NOT NULL CHECK (status IN ('proposed','nominated','withdrawn')),
  outcome          text CHECK (outcome IS NULL OR outcome IN ('published','kept','removed','not_selected')),
  created_by       bigint REFERENCES app_user(id),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX backbone_nomination_once_idx ON backbone_nomination (round_id, teacher_id) WHERE status <> 'withdrawn';
CREATE INDEX backbone_nomination_round_idx ON backbone_nomination (round_id, quota_unit_id, status);
CREATE INDEX backbone_nomination_path_idx ON backbone_nomination (org_path text_pattern_ops);

CREATE TABLE backbone_nomination_file (
  id             bigserial PRIMARY KEY,
  nomination_id  bigint NOT NULL REFERENCES backbone_nomination(id),
  sha256         bytea NOT NULL,
  file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  mime_type      text NOT NULL,
  size_bytes     bigint NOT NULL,
  created_by     bigint REFERENCES app_user(id),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backbone_nomination_file_idx ON backbone_nomination_file (nomination_id, id);

-- The review panel (评审组) of a round: named accounts of the organiser's subtree.
CREATE TABLE backbone_panel_member (
  round_id  bigint NOT NULL REFERENCES backbone_round(id),
  user_id   bigint NOT NULL REFERENCES app_user(id),
  added_by  bigint REFERENCES app_user(id),
  added_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (round_id, user_id)
);
CREATE INDEX backbone_panel_user_idx ON backbone_panel_member (user_id, round_id);

CREATE TABLE backbone_score (
  nomination_id  bigint NOT NULL REFERENCES backbone_nomination(id),
  user_id        bigint NOT NULL REFERENCES app_user(id),
  score          smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
  comment        text CHECK (comment IS NULL OR length(comment) <= 2000),
  scored_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (nomination_id, user_id)
);

-- A yearly duty done by a holder (an open lesson 公开课, a paper 论文) with its evidence, confirmed by the
-- teacher's school (a link or a file is needed to confirm it). org_path: the teacher's school when recorded (scoping).
CREATE TABLE backbone_duty (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  title_id      bigint NOT NULL REFERENCES backbone_title(id),
  teacher_id    bigint NOT NULL REFERENCES teacher(id),
  org_path      text NOT NULL,
  year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  kind          text NOT NULL CHECK (kind IN ('open_lesson','paper')),
  subject       text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  held_on       date NOT NULL,
  link          text CHECK (link IS NULL OR length(link) <= 500),
  sha256        bytea,
  file_name     text,
  mime_type     text,
  size_bytes    bigint,
  status        text NOT NULL DEFAULT 'recorded' CHECK (status IN ('recorded','confirmed','rejected')),
  decided_by    bigint REFERENCES app_user(id),
  decided_at    timestamptz,
  decision_note text CHECK (decision_note IS NULL OR length(decision_note) <= 1000),
  created_by    bigint REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backbone_duty_title_idx ON backbone_duty (title_id, year);
CREATE INDEX backbone_duty_path_idx ON backbone_duty (province_id, org_path text_pattern_ops, status);

-- What the yearly sweep did for a title's year: a reminder sent, the title flagged for a missed duty.
CREATE TABLE backbone_duty_year (
  title_id     bigint NOT NULL REFERENCES backbone_title(id),
  year         integer NOT NULL,
  reminded_on  date,
  flagged_on   date,
  PRIMARY KEY (title_id, year)
);
