import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { LrsIdentity } from '../services/lrs-client-auth.js';

/** A client as its admins see it: never the secret, with what it has done. */
export interface LrsClientRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  orgUnitName: string;
  name: string;
  apiKey: string;
  identity: LrsIdentity;
  idHashSalt: string | null;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  requests: number;
  statementsStored: number;
  statementsRead: number;
}

type Q = Kysely<DB>;

function selectClients(db: Q) {
  return db
    .selectFrom('lrs_client as c')
    .innerJoin('org_unit as o', 'o.id', 'c.org_unit_id')
    .leftJoin('app_user as u', 'u.id', 'c.created_by')
    .leftJoin('lrs_client_traffic as t', 't.client_id', 'c.id')
    .select([
      'c.id',
      'c.province_id as provinceId',
      'c.org_unit_id as orgUnitId',
      'c.org_path as orgPath',
      'o.name as orgUnitName',
      'c.name',
      'c.api_key as apiKey',
      'c.identity',
      'c.id_hash_salt as idHashSalt',
      'c.created_at as createdAt',
      'u.display_name as createdBy',
      'c.revoked_at as revokedAt',
      sql<Date | null>`greatest(c.last_used_at, t.last_request_at)`.as('lastUsedAt'),
      sql<string>`coalesce(t.requests, 0)`.as('requests'),
      sql<string>`coalesce(t.statements_stored, 0)`.as('statementsStored'),
      sql<string>`coalesce(t.statements_read, 0)`.as('statementsRead'),
    ]);
}

type Raw = Awaited<ReturnType<ReturnType<typeof selectClients>['executeTakeFirstOrThrow']>>;

function toRow(r: Raw): LrsClientRow {
  return {
    ...r,
    id: Number(r.id),
    provinceId: Number(r.provinceId),
    orgUnitId: Number(r.orgUnitId),
    identity: r.identity as LrsIdentity,
    requests: Number(r.requests),
    statementsStored: Number(r.statementsStored),
    statementsRead: Number(r.statementsRead),
  };
}

export function createLrsClientRepository(db: Q) {
  return {
    async insert(c: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      name: string;
      apiKey: string;
      secretHash: Buffer;
      identity: LrsIdentity;
      idHashSalt: string | null;
      createdBy: number | null;
    }): Promise<number> {
      const r = await db
        .insertInto('lrs_client')
        .values({
          province_id: c.provinceId,
          org_unit_id: c.orgUnitId,
          org_path: c.orgPath,
          name: c.name,
          api_key: c.apiKey,
          secret_hash: c.secretHash,
          identity: JSON.stringify(c.identity),
          id_hash_salt: c.idHashSalt,
          created_by: c.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(r.id);
    },

    async find(id: number): Promise<LrsClientRow | undefined> {
      const r = await selectClients(db).where('c.id', '=', id).executeTakeFirst();
      return r && toRow(r);
    },

    /** The clients kept at the unit at `path` and below it, live ones first, newest first. */
    async listUnder(path: string, includeRevoked: boolean): Promise<LrsClientRow[]> {
      let q = selectClients(db).where('c.org_path', 'like', `${path}%`);
      if (!includeRevoked) q = q.where('c.revoked_at', 'is', null);
      const rows = await q.orderBy(sql`c.revoked_at IS NOT NULL`).orderBy('c.id', 'desc').limit(500).execute();
      return rows.map(toRow);
    },

    async revoke(id: number, by: number | null): Promise<boolean> {
      const r = await db
        .updateTable('lrs_client')
        .set({ revoked_at: sql`now()`, revoked_by: by })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}

export type LrsClientRepository = ReturnType<typeof createLrsClientRepository>;
