import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { CREDENTIAL_TTL_MS, LookupCache } from './lookup-cache.js';

/** How a client's actors are matched to teachers (see migrations/0021_lrs.sql). */
export type LrsIdentity =
  | { kind: 'account'; homePage: string }
  | { kind: 'id_hash'; homePage: string }
  | { kind: 'mbox' };

/** An authenticated reporting platform: the actor of every /xapi request. */
export interface LrsClient {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  name: string;
  identity: LrsIdentity;
  idHashSalt: string | null;
}

const caches = new WeakMap<Database, LookupCache<LrsClient | null>>();
function cacheOf(db: Database): LookupCache<LrsClient | null> {
  let c = caches.get(db);
  if (!c) {
    c = new LookupCache(CREDENTIAL_TTL_MS, 5_000);
    caches.set(db, c);
  }
  return c;
}

/** Forgets what was cached for a client (after its revocation): takes effect here at once, elsewhere within 5 s. */
export function forgetLrsClient(db: Database): void {
  cacheOf(db).clear();
}

/**
 * The client named by an `Authorization: Basic key:secret` header, or null (missing, malformed,
 * unknown, wrong secret, revoked). The secret is compared as SHA-256 digests in constant time; the
 * answer is cached per (key, secret digest) for 5 s, so a storm of statements costs no lookup.
 */
export async function authenticateLrsClient(db: Database, header: string | undefined): Promise<LrsClient | null> {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  const key = decoded.slice(0, colon);
  const digest = crypto
    .createHash('sha256')
    .update(decoded.slice(colon + 1))
    .digest();
  if (!/^[a-z0-9]{8,64}$/.test(key)) return null;
  const cache = cacheOf(db);
  const cacheKey = `${key}:${digest.toString('hex')}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return hit;
  const epoch = cache.epoch();
  const row = await db
    .selectFrom('lrs_client')
    .select(['id', 'province_id', 'org_unit_id', 'org_path', 'name', 'identity', 'id_hash_salt', 'secret_hash'])
    .where('api_key', '=', key)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const ok =
    row !== undefined && row.secret_hash.length === digest.length && crypto.timingSafeEqual(row.secret_hash, digest);
  const client: LrsClient | null = ok
    ? {
        id: Number(row.id),
        provinceId: Number(row.province_id),
        orgUnitId: Number(row.org_unit_id),
        orgPath: row.org_path,
        name: row.name,
        identity: row.identity as LrsIdentity,
        idHashSalt: row.id_hash_salt,
      }
    : null;
  cache.set(cacheKey, client, epoch);
  if (client) {
    // when it was last used: at most one write a minute per client
    void db
      .updateTable('lrs_client')
      .set({ last_used_at: sql`now()` })
      .where('id', '=', client.id)
      .where(sql<boolean>`coalesce(last_used_at < now() - interval '1 minute', true)`)
      .execute()
      .catch(() => undefined);
  }
  return client;
}
