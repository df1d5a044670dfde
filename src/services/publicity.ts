import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Actor } from '../policies/access.policy.js';
import { notify } from './notify.js';

/**
 * The public notice (公示) the programmes share: a list published to the units under a scope for a set
 * period, objections (异议) to single lines answered by the organiser, then finalised. A programme
 * publishes its list with `publishList` inside its own transaction and registers, once per kind, the
 * hook the finalising calls with the lines kept and removed (an upheld objection removes its line).
 */
export type PublicityKind = 'backbone_round' | 'competition_round' | 'commendation' | 'pair_award';

export interface PublicityItemInput {
  /** the programme's own row (a nomination, an entry, a candidate): unique within the list */
  refId: number;
  /** the line as published: the person's or unit's name */
  title: string;
  /** school, level, award … */
  subtitle?: string | null;
  /** what the line's figures were made of (raw scores, dropped ones, normalised value, rank): shown as published */
  scorecard?: unknown;
}

export interface PublishInput {
  kind: PublicityKind;
  sourceId: number;
  provinceId: number;
  /** the organiser: its admins answer objections and finalise */
  orgUnitId: number;
  orgPath: string;
  /** the units concerned: anyone whose unit lies under this path reads the list and may object */
  scopePath: string;
  title: string;
  body?: string | null;
  /** first and last day of the period, China time ('YYYY-MM-DD'), both inclusive */
  startsOn: string;
  endsOn: string;
  items: PublicityItemInput[];
}

export interface PublicityHook {
  /**
   * Called inside the finalising transaction (audited by the publicity service) with the programme's
   * refIds kept and removed. The programme makes its list final here (titles, awards, advancement).
   */
  finalise(
    trx: Kysely<DB>,
    ctx: { actor: Actor; publicityId: number; sourceId: number },
    outcome: { kept: number[]; removed: number[] },
  ): Promise<void>;
  /** Called when the organiser withdraws the list before it is final: the programme may publish again. */
  withdrawn?(trx: Kysely<DB>, ctx: { actor: Actor; publicityId: number; sourceId: number }): Promise<void>;
}

const hooks = new Map<PublicityKind, PublicityHook>();

/** Registers a programme's finalising hook; a second registration of the same kind replaces the first. */
export function registerPublicityKind(kind: PublicityKind, hook: PublicityHook): void {
  hooks.set(kind, hook);
}

export function publicityHook(kind: PublicityKind): PublicityHook | undefined {
  return hooks.get(kind);
}

/** The period's bounds as instants: from the start of the first day to the end of the last, China time. */
export function periodBounds(startsOn: string, endsOn: string): { startsAt: Date; endsAt: Date } {
  return {
    startsAt: new Date(`${startsOn}T00:00:00+08:00`),
    endsAt: new Date(Date.parse(`${endsOn}T00:00:00+08:00`) + 86_400_000),
  };
}

/**
 * Publishes a list inside the caller's transaction (the caller checks access and audits); the
 * administrators of the units in scope get a message that it is open. A source
 * with an open or finalised list already is refused by the unique index (a PostgreSQL 23505 the
 * caller turns into its own conflict). Answers the new list's id.
 *
 * @example await publishList(trx, actor, { kind: 'backbone_round', sourceId: round.id, ..., items })
 */
export async function publishList(trx: Kysely<DB>, actor: Actor, p: PublishInput): Promise<{ id: number }> {
  const { startsAt, endsAt } = periodBounds(p.startsOn, p.endsOn);
  const row = await trx
    .insertInto('publicity')
    .values({
      province_id: p.provinceId,
      org_unit_id: p.orgUnitId,
      org_path: p.orgPath,
      scope_path: p.scopePath,
      kind: p.kind,
      source_id: p.sourceId,
      title: p.title,
      body: p.body ?? null,
      starts_at: startsAt,
      ends_at: endsAt,
      created_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  if (p.items.length > 0)
    await trx
      .insertInto('publicity_item')
      .values(
        p.items.map((it, i) => ({
          publicity_id: id,
          position: i + 1,
          ref_id: it.refId,
          title: it.title,
          subtitle: it.subtitle ?? null,
          scorecard: it.scorecard === undefined ? null : JSON.stringify(it.scorecard),
        })),
      )
      .execute();
  await notify(trx, {
    to: { adminsUnder: p.scopePath },
    kind: 'publicity_opened',
    params: { title: p.title, startsOn: p.startsOn, endsOn: p.endsOn },
    link: `/publicity/${id}`,
    senderId: actor.userId,
  });
  return { id };
}

/** The latest list of a programme's source (open, finalised or withdrawn), for its page to link to. */
export async function publicityOf(
  db: Kysely<DB>,
  kind: PublicityKind,
  sourceId: number,
): Promise<{ id: number; status: 'open' | 'finalised' | 'withdrawn'; endsAt: Date } | null> {
  const row = await db
    .selectFrom('publicity')
    .select(['id', 'status', 'ends_at'])
    .where('kind', '=', kind)
    .where('source_id', '=', sourceId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row
    ? { id: Number(row.id), status: row.status as 'open' | 'finalised' | 'withdrawn', endsAt: row.ends_at as Date }
    : null;
}
