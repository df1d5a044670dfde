import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { LrsClient } from './lrs-client-auth.js';
import type { PersonalDataCipher } from './personal-data.js';

/** A stored statement's actor, as the matcher sees it. */
export interface ActorToMatch {
  seq: number;
  /** the statement's actor object as sent */
  actor: Record<string, unknown>;
}

/** The teacher a statement is about, when the client's identity rule finds one inside the client's unit. */
export interface MatchedTeacher {
  teacherId: number;
  teacherPath: string;
}

let cipherOf: (() => PersonalDataCipher) | null = null;

/**
 * The cipher of personal data the matcher uses (the keyed lookup hash of an ID number given as an
 * account name; decrypting ID numbers for id_hash clients), asked for when first needed. Set when the
 * services are created; the signature of matchActors is the statement store's.
 */
export function setLrsMatchCipher(cipher: () => PersonalDataCipher): void {
  cipherOf = cipher;
}

/** hex SHA-256 of the salt followed by the ID number, as an id_hash platform computes it. */
export function saltedIdHash(salt: string, idNumber: string): string {
  return crypto
    .createHash('sha256')
    .update(salt + idNumber, 'utf8')
    .digest('hex');
}

/** An ID number as the registry keeps it (upper-case X), or null when the text is none. */
function idNumberOf(name: string): string | null {
  const v = name.trim().toUpperCase();
  return /^[0-9A-Z()-]{6,30}$/.test(v) && /[0-9]{6}/.test(v) ? v : null;
}

function sameHomePage(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const norm = (s: string) => s.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/** The account of an agent actor whose homePage is the rule's, or null. */
function accountOf(actor: Record<string, unknown>, homePage: string): string | null {
  if (actor.objectType !== undefined && actor.objectType !== 'Agent') return null;
  const account = actor.account as { homePage?: unknown; name?: unknown } | undefined;
  if (!account || typeof account.name !== 'string' || !sameHomePage(account.homePage, homePage)) return null;
  return account.name;
}

/**
 * Brings an id_hash client's table of salted ID-number hashes up to date with its unit's registry:
 * teachers without a row, or whose ID number changed since theirs was computed (their keyed lookup
 * hash differs), are decrypted and hashed now, in one batch. At creation that is every teacher of the
 * unit (10k teachers: 0.27 s measured here); afterwards only the few
 * added or changed. Returns how many rows it wrote.
 */
export async function syncClientIdHashes(
  db: Database,
  cipher: PersonalDataCipher,
  client: { id: number; orgPath: string; idHashSalt: string | null },
): Promise<number> {
  if (client.idHashSalt === null) return 0;
  const stale = await sql<{ id: string; id_number_enc: Buffer; id_number_hash: Buffer }>`
    SELECT t.id, t.id_number_enc, t.id_number_hash
      FROM teacher t
      LEFT JOIN lrs_client_id_hash h ON h.client_id = ${client.id} AND h.teacher_id = t.id
     WHERE t.org_path LIKE ${`${client.orgPath}%`}
       AND (h.teacher_id IS NULL OR h.id_number_hash <> t.id_number_hash)
     ORDER BY t.id`.execute(db);
  if (stale.rows.length === 0) return 0;
  const salt = client.idHashSalt;
  for (let i = 0; i < stale.rows.length; i += 5_000) {
    const part = stale.rows.slice(i, i + 5_000);
    await sql`
      INSERT INTO lrs_client_id_hash (client_id, teacher_id, id_number_hash, salted_hash)
      SELECT ${client.id}, u.teacher_id, u.id_number_hash, u.salted_hash
        FROM unnest(${part.map((r) => r.id)}::bigint[], ${part.map((r) => r.id_number_hash)}::bytea[],
                    ${part.map((r) => saltedIdHash(salt, cipher.decrypt(r.id_number_enc)))}::text[])
             AS u(teacher_id, id_number_hash, salted_hash)
      ON CONFLICT (client_id, teacher_id) DO UPDATE
        SET id_number_hash = excluded.id_number_hash, salted_hash = excluded.salted_hash`.execute(db);
  }
  return stale.rows.length;
}

interface Keys {
  username: Array<string | null>;
  idNumberHash: Array<Buffer | null>;
  salted: Array<string | null>;
}

/** What each actor may be found by under the client's rule (any of them may be null). */
function keysOf(client: LrsClient, actors: ActorToMatch[]): Keys {
  const keys: Keys = { username: [], idNumberHash: [], salted: [] };
  for (const { actor } of actors) {
    let username: string | null = null;
    let idHash: Buffer | null = null;
    let salted: string | null = null;
    const rule = client.identity;
    if (rule.kind === 'account') {
      const name = accountOf(actor, rule.homePage);
      if (name !== null) {
        username = name.trim().toLowerCase();
        const idNumber = idNumberOf(name);
        if (idNumber && cipherOf) idHash = cipherOf().lookupHash(idNumber);
      }
    } else if (rule.kind === 'id_hash') {
      const name = accountOf(actor, rule.homePage);
      if (name !== null && /^[0-9a-fA-F]{64}$/.test(name.trim())) salted = name.trim().toLowerCase();
    }
    // mbox: the registry keeps no e-mail addresses, so such actors match only a remembered mapping
    keys.username.push(username);
    keys.idNumberHash.push(idHash);
    keys.salted.push(salted);
  }
  return keys;
}

async function findTeachers(trx: Database, client: LrsClient, actors: ActorToMatch[], keys: Keys) {
  const r = await sql<{ idx: number; teacher_id: string; org_path: string }>`
    SELECT a.idx, m.teacher_id, m.org_path
      FROM unnest(${actors.map((a) => a.seq)}::bigint[], ${keys.username}::text[], ${keys.idNumberHash}::bytea[],
                  ${keys.salted}::text[]) WITH ORDINALITY AS a(seq, username, id_hash, salted, idx)
      CROSS JOIN LATERAL (
        SELECT x.teacher_id, x.org_path FROM (
          SELECT 1 AS pri, t.id AS teacher_id, t.org_path
            FROM xapi_statement s
            JOIN lrs_actor_mapping am ON am.client_id = ${client.id} AND am.actor_ifi = s.actor_ifi
            JOIN teacher t ON t.id = am.teacher_id
           WHERE s.seq = a.seq
          UNION ALL
          SELECT 2, t.id, t.org_path
            FROM app_user u JOIN teacher t ON t.user_id = u.id
           WHERE a.username IS NOT NULL AND lower(u.username) = a.username
          UNION ALL
          SELECT 3, t.id, t.org_path FROM teacher t WHERE a.id_hash IS NOT NULL AND t.id_number_hash = a.id_hash
          UNION ALL
          SELECT 4, t.id, t.org_path
            FROM lrs_client_id_hash h JOIN teacher t ON t.id = h.teacher_id
           WHERE a.salted IS NOT NULL AND h.client_id = ${client.id} AND h.salted_hash = a.salted
        ) x
        WHERE x.org_path LIKE ${`${client.orgPath}%`}
        ORDER BY x.pri
        LIMIT 1
      ) m`.execute(trx);
  const out: Array<MatchedTeacher | null> = actors.map(() => null);
  for (const row of r.rows) out[Number(row.idx) - 1] = { teacherId: Number(row.teacher_id), teacherPath: row.org_path };
  return out;
}

/**
 * Matches the actors of newly stored statements to teachers of the client's unit by the client's
 * identity rule, in the transaction that stores them; null where nobody matches (the statement then
 * waits in the review queue). A teacher outside the client's unit is never matched (nor revealed).
 *
 * One query per batch finds, for each actor, the first of: a mapping an admin remembered for this
 * client and actor (any rule); for `account`, the teacher whose login account has that user name, or
 * whose ID number it is (through the keyed lookup hash); for `id_hash`, the teacher whose salted
 * ID-number hash it is. An id_hash batch with actors left unmatched first brings the client's hash
 * table up to date (teachers added or changed since) and asks once more.
 */
export async function matchActors(
  trx: Database,
  client: LrsClient,
  actors: ActorToMatch[],
): Promise<Array<MatchedTeacher | null>> {
  if (actors.length === 0) return [];
  const keys = keysOf(client, actors);
  const found = await findTeachers(trx, client, actors, keys);
  const missed = found.some((m, i) => m === null && keys.salted[i] !== null);
  if (missed && cipherOf && (await syncClientIdHashes(trx, cipherOf(), client)) > 0)
    return findTeachers(trx, client, actors, keys);
  return found;
}
