-- Competitions and selections (评比, R-42): 征文, 优秀教学案例, 公开课/赛课, 博客大赛, 基本功大赛, 读书演讲.
-- A competition is organised by a unit (its admins); it runs in rounds from the lowest level up (school →
-- county → city → province, as many as apply). Each round is held by one organiser unit; entries take part
-- in rounds (competition_entry_round) and carry their content once (competition_entry). Judges score BLIND
-- per rubric item; scores, recusals and re-score requests are kept per round. Written for PostgreSQL 15+.

CREATE TABLE competition (
  id              bigserial PRIMARY KEY,
  province_id     bigint NOT NULL,
  org_unit_id     bigint NOT NULL REFERENCES org_unit(id),
  org_path        text NOT NULL,
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  kind            text NOT NULL CHECK (kind IN ('essay','case','lesson','blog','skills','reading','other')),
  year            integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  description     text CHECK (description IS NULL OR length(description) <= 5000),
  -- ["小学语文", …]: an entry names one
  categories      jsonb NOT NULL DEFAULT '[]',
  -- [{key, label, weight, max}]
  rubric          jsonb NOT NULL,
  -- the rules of judging/src/domain/judging.ts, as set for this competition
  trim_at         integer NOT NULL DEFAULT 5 CHECK (trim_at BETWEEN 3 AND 10),
  normalise       boolean NOT NULL DEFAULT true,
  normalise_min   integer NOT NULL DEFAULT 10 CHECK (normalise_min BETWEEN 2 AND 1000),
  spread_threshold numeric(6,2) NOT NULL DEFAULT 20 CHECK (spread_threshold > 0 AND spread_threshold <= 100),
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  created_by      bigint REFERENCES app_user(id),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX competition_path_idx ON competition (province_id, org_path text_pattern_ops, id);

-- A round held by one organiser unit at one level. quota_default applies to each unit directly below the
-- organiser (the unit whose entries count against it); quotas overrides it per unit ({"<unitId>": n}).
-- status: open (entries accepted until the deadline) → judging → scored (aggregated) → published (awards in
-- public notice) → finalised.
CREATE TABLE competition_round (
  id              bigserial PRIMARY KEY,
  competition_id  bigint NOT NULL REFERENCES competition(id),
  province_id     bigint NOT NULL,
  level           text NOT NULL CHECK (level IN ('school','county','city','province')),
  position        integer NOT NULL,
  org_unit_id     bigint NOT NULL REFERENCES org_unit(id),
  org_path        text NOT NULL,
  deadline        date NOT NULL,
  quota_default   integer NOT NULL DEFAULT 3 CHECK (quota_default BETWEEN 0 AND 10000),
  quotas          jsonb NOT NULL DEFAULT '{}',
  -- {by:'ranks', counts:[a,b,c]} | {by:'proportions', percents:[a,b,c]}
  award_spec      jsonb NOT NULL DEFAULT '{"by":"proportions","percents":[10,20,30]}',
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open','judging','scored','published','finalised')),
  -- what the last aggregation reported: normalisation applied or why not, disagreements, advancement
  aggregate       jsonb,
  aggregated_at   timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (competition_id, org_unit_id)
);
CREATE INDEX competition_round_path_idx ON competition_round (province_id, org_path text_pattern_ops, id);
CREATE INDEX competition_round_comp_idx ON competition_round (competition_id, position);

-- An entry: submitted by a school (its admins) for its teachers. The content stays with the entry through the
-- rounds. org_path is the school's path (scoping); the judges never see it.
CREATE TABLE competition_entry (
  id              bigserial PRIMARY KEY,
  competition_id  bigint NOT NULL REFERENCES competition(id),
  province_id     bigint NOT NULL,
  school_unit_id  bigint NOT NULL REFERENCES org_unit(id),
  org_path        text NOT NULL,
  category        text,
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body            text CHECK (body IS NULL OR length(body) <= 50000),
  video_url       text CHECK (video_url IS NULL OR length(video_url) <= 500),
  -- the code judges see instead of anything that names the entrant ("A7K3M9")
  blind_code      text NOT NULL UNIQUE,
  status          text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted','withdrawn')),
  submitted_by    bigint REFERENCES app_user(id),
  submitted_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX competition_entry_comp_idx ON competition_entry (competition_id, id);
CREATE INDEX competition_entry_path_idx ON competition_entry (province_id, org_path text_pattern_ops, id);

CREATE TABLE competition_entrant (
  entry_id        bigint NOT NULL REFERENCES competition_entry(id),
  teacher_id      bigint NOT NULL REFERENCES teacher(id),
  position        integer NOT NULL,
  PRIMARY KEY (entry_id, teacher_id)
);
CREATE INDEX competition_entrant_teacher_idx ON competition_entrant (teacher_id);

-- Files of an entry: judges get them under a neutral label ("附件1.pdf"), never the uploaded name.
CREATE TABLE competition_entry_file (
  id              bigserial PRIMARY KEY,
  entry_id        bigint NOT NULL REFERENCES competition_entry(id),
  position        integer NOT NULL,
  file_name       text NOT NULL,
  mime            text NOT NULL,
  size_bytes      integer NOT NULL,
  sha256          bytea NOT NULL
);
CREATE INDEX competition_entry_file_idx ON competition_entry_file (entry_id, position);

-- A review panel (评审组) of a round: named judges (accounts of the organiser's subtree) and a lead.
CREATE TABLE competition_panel (
  id              bigserial PRIMARY KEY,
  round_id        bigint NOT NULL REFERENCES competition_round(id),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  lead_user_id    bigint NOT NULL REFERENCES app_user(id),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX competition_panel_round_idx ON competition_panel (round_id);

-- seat: the judge's anonymous number in the panel ("评委<seat>"), as published on scorecards
CREATE TABLE competition_judge (
  panel_id        bigint NOT NULL REFERENCES competition_panel(id),
  user_id         bigint NOT NULL REFERENCES app_user(id),
  seat            integer NOT NULL,
  PRIMARY KEY (panel_id, user_id),
  UNIQUE (panel_id, seat)
);
CREATE INDEX competition_judge_user_idx ON competition_judge (user_id);

-- An entry in a round: its panel, the aggregated result, the award, whether it advanced.
CREATE TABLE competition_entry_round (
  id              bigserial PRIMARY KEY,
  round_id        bigint NOT NULL REFERENCES competition_round(id),
  entry_id        bigint NOT NULL REFERENCES competition_entry(id),
  -- the unit directly below the round's organiser whose quota the entry uses
  quota_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  panel_id        bigint REFERENCES competition_panel(id),
  final_score     numeric(7,3),
  raw_mean        numeric(7,3),
  rank            integer,
  scorecard       jsonb,
  disagreement    boolean NOT NULL DEFAULT false,
  award           text CHECK (award IS NULL OR award IN ('first','second','third')),
  advanced        boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (round_id, entry_id)
);
CREATE INDEX competition_entry_round_panel_idx ON competition_entry_round (panel_id, id);
CREATE INDEX competition_entry_round_entry_idx ON competition_entry_round (entry_id);

-- A judge's scores of an entry in a round: items per rubric key, a comment; a draft until submitted.
-- recused: the judge declared a conflict of interest (reason kept); the score never counts.
-- rescore_requested: the panel lead asked for a new look (the judge submits again).
CREATE TABLE competition_score (
  round_id        bigint NOT NULL REFERENCES competition_round(id),
  entry_id        bigint NOT NULL REFERENCES competition_entry(id),
  judge_id        bigint NOT NULL REFERENCES app_user(id),
  items           jsonb NOT NULL DEFAULT '{}',
  total           numeric(7,3),
  comment         text CHECK (comment IS NULL OR length(comment) <= 2000),
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted','recused')),
  recuse_reason   text CHECK (recuse_reason IS NULL OR length(recuse_reason) <= 500),
  rescore_requested boolean NOT NULL DEFAULT false,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (round_id, entry_id, judge_id),
  CHECK ((status = 'recused') = (recuse_reason IS NOT NULL))
);
CREATE INDEX competition_score_judge_idx ON competition_score (judge_id, round_id);

-- An award line of a round's list: an entry's 一/二/三等奖 or a unit's 优秀组织奖. Its id is the line's refId
-- in the public notice; honour_id is set when the list is finalised.
CREATE TABLE competition_award (
  id              bigserial PRIMARY KEY,
  round_id        bigint NOT NULL REFERENCES competition_round(id),
  entry_round_id  bigint REFERENCES competition_entry_round(id),
  org_unit_id     bigint REFERENCES org_unit(id),
  grade           text NOT NULL CHECK (grade IN ('first','second','third','organisation')),
  outcome         text CHECK (outcome IS NULL OR outcome IN ('kept','removed')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((entry_round_id IS NULL) <> (org_unit_id IS NULL)),
  CHECK ((grade = 'organisation') = (org_unit_id IS NOT NULL))
);
CREATE INDEX competition_award_round_idx ON competition_award (round_id, id);

-- The honours recorded for an award line (one per entrant teacher, or one for the unit).
CREATE TABLE competition_award_honour (
  award_id        bigint NOT NULL REFERENCES competition_award(id),
  honour_id       bigint NOT NULL REFERENCES honour(id),
  PRIMARY KEY (award_id, honour_id)
);
