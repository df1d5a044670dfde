-- What the programmes (R-40 pairs, R-41 backbone teachers, R-42 competitions, R-44 commendations,
-- R-52 archives) share: the public notice (公示) with its objections (异议), the honours a unit or a
-- person received, and backbone titles. Each programme's own tables come in the migrations after this one.
-- Written for PostgreSQL 15+.

-- A list published for a set period to the units under scope_path (公示): a backbone round's selection,
-- a competition round's awards or advancement, a batch of commendations. kind + source_id name the
-- programme's own row; the programme finalises its list through the hook it registered for the kind
-- (services/publicity.ts). One open or finalised notice per source; a withdrawn one may be published again.
CREATE TABLE publicity (
  id            bigserial PRIMARY KEY,
  province_id   bigint NOT NULL,
  org_unit_id   bigint NOT NULL REFERENCES org_unit(id),
  org_path      text NOT NULL,
  scope_path    text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('backbone_round','competition_round','commendation','pair_award')),
  source_id     bigint NOT NULL,
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body          text CHECK (body IS NULL OR length(body) <= 5000),
  starts_at     timestamptz NOT NULL,
  ends_at       timestamptz NOT NULL,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open','finalised','withdrawn')),
  finalised_at  timestamptz,
  finalised_by  bigint REFERENCES app_user(id),
  withdrawn_reason text,
  created_by    bigint REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE UNIQUE INDEX publicity_source_idx ON publicity (kind, source_id) WHERE status <> 'withdrawn';
CREATE INDEX publicity_scope_idx ON publicity (province_id, scope_path text_pattern_ops, id);
CREATE INDEX publicity_org_idx ON publicity (province_id, org_path text_pattern_ops, id);

-- One line of the list. ref_id is the programme's row (a nomination, an entry, a candidate);
-- scorecard is what the programme publishes beside it (raw scores, the dropped ones, the normalised
-- value, the rank) so an objection can point at one step. outcome is set when the list is finalised:
-- kept, or removed because an objection to it was upheld.
CREATE TABLE publicity_item (
  id            bigserial PRIMARY KEY,
  publicity_id  bigint NOT NULL REFERENCES publicity(id),
  position      integer NOT NULL,
  ref_id        bigint NOT NULL,
  title         text NOT NULL,
  subtitle      text,
  scorecard     jsonb,
  outcome       text CHECK (outcome IS NULL OR outcome IN ('kept','removed')),
  UNIQUE (publicity_id, ref_id)
);
CREATE INDEX publicity_item_list_idx ON publicity_item (publicity_id, position);

-- An objection (异议) to one line, lodged by anyone in scope under their own name, answered by the organiser.
CREATE TABLE publicity_objection (
  id              bigserial PRIMARY KEY,
  province_id     bigint NOT NULL,
  publicity_id    bigint NOT NULL REFERENCES publicity(id),
  item_id         bigint NOT NULL REFERENCES publicity_item(id),
  author_id       bigint NOT NULL REFERENCES app_user(id),
  author_path     text NOT NULL,
  body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open','upheld','dismissed')),
  answer          text CHECK (answer IS NULL OR length(answer) <= 2000),
  answered_by     bigint REFERENCES app_user(id),
  answered_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'open') = (answer IS NULL))
);
CREATE INDEX publicity_objection_idx ON publicity_objection (publicity_id, status, id);

-- An honour: an award of a competition (一/二/三等奖, 优秀组织奖), a commendation (advanced unit,
-- outstanding administrator, outstanding trainee), an award of a pair. A person's honours name the
-- teacher (teacher_id) or the administrator (user_id); a unit's name only org_unit_id. org_path is the
-- honoured unit's path, or the teacher's school's when awarded (for scoping). code is checked on the
-- public /verify/<code> page like a credit certificate's; revoking keeps the row and the page says so.
CREATE TABLE honour (
  id                  bigserial PRIMARY KEY,
  province_id         bigint NOT NULL,
  kind                text NOT NULL CHECK (kind IN (
                        'competition_award','organisation_award','advanced_unit','outstanding_admin',
                        'outstanding_trainee','pair_award')),
  teacher_id          bigint REFERENCES teacher(id),
  user_id             bigint REFERENCES app_user(id),
  org_unit_id         bigint NOT NULL REFERENCES org_unit(id),
  org_path            text NOT NULL,
  recipient_name      text NOT NULL,
  awarded_by_unit_id  bigint NOT NULL REFERENCES org_unit(id),
  awarded_by_path     text NOT NULL,
  title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  grade               text CHECK (grade IS NULL OR grade IN ('first','second','third','excellent','organisation')),
  year                integer NOT NULL,
  source_kind         text NOT NULL CHECK (source_kind IN ('competition','commendation','pair')),
  source_id           bigint NOT NULL,
  code                text NOT NULL UNIQUE,
  awarded_on          date NOT NULL,
  revoked_at          timestamptz,
  revoked_by          bigint REFERENCES app_user(id),
  revoke_reason       text,
  created_by          bigint REFERENCES app_user(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL))
);
CREATE INDEX honour_teacher_idx ON honour (teacher_id) WHERE teacher_id IS NOT NULL;
CREATE INDEX honour_path_idx ON honour (province_id, org_path text_pattern_ops, id);
CREATE INDEX honour_source_idx ON honour (source_kind, source_id);

-- A backbone title (骨干教师) of a level, certified by a unit for a term. granted_path is the certifying
-- unit's path; org_path the teacher's school's when granted. status: active, expired (term over without
-- re-review), revoked (with a reason; the row stays). flagged_*: a duty or a pairing agreement not
-- fulfilled, waiting for the certifying unit to decide (keep or revoke). teacher.backbone_level is
-- the highest active title's level, kept in step by the service that writes this table.
CREATE TABLE backbone_title (
  id                bigserial PRIMARY KEY,
  province_id       bigint NOT NULL,
  teacher_id        bigint NOT NULL REFERENCES teacher(id),
  org_path          text NOT NULL,
  level             text NOT NULL CHECK (level IN ('school','county','city','province')),
  granted_by_unit_id bigint NOT NULL REFERENCES org_unit(id),
  granted_path      text NOT NULL,
  round_id          bigint,
  term_start        date NOT NULL,
  term_end          date NOT NULL,
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active','expired','revoked')),
  flagged_at        timestamptz,
  flag_reason       text,
  flag_source_kind  text CHECK (flag_source_kind IS NULL OR flag_source_kind IN ('duty','pair','admin')),
  flag_source_id    bigint,
  revoked_at        timestamptz,
  revoked_by        bigint REFERENCES app_user(id),
  revoke_reason     text,
  created_by        bigint REFERENCES app_user(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (term_end > term_start),
  CHECK ((status = 'revoked') = (revoke_reason IS NOT NULL))
);
CREATE INDEX backbone_title_teacher_idx ON backbone_title (teacher_id, status);
CREATE INDEX backbone_title_path_idx ON backbone_title (province_id, org_path text_pattern_ops, id);
CREATE INDEX backbone_title_granted_idx ON backbone_title (province_id, granted_path text_pattern_ops, id);

-- Every change of a title, kept for the archive and the verification of its history.
CREATE TABLE backbone_title_event (
  id          bigserial PRIMARY KEY,
  title_id    bigint NOT NULL REFERENCES backbone_title(id),
  kind        text NOT NULL CHECK (kind IN ('granted','flagged','flag_cleared','renewed','expired','revoked')),
  reason      text,
  actor_id    bigint REFERENCES app_user(id),
  at          timestamptz NOT NULL DEFAULT now(),
  details     jsonb
);
CREATE INDEX backbone_title_event_idx ON backbone_title_event (title_id, id);
