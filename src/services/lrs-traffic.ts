import { sql } from 'kysely';
import type { Database } from '../db/database.js';

/** What a client did since the last flush. */
export interface LrsTraffic {
  requests?: number;
  stored?: number;
  read?: number;
}

interface Pending {
  requests: number;
  stored: number;
  read: number;
  lastAt: Date;
}

/** How long counts wait in memory before they are added to lrs_client_traffic. */
export const LRS_TRAFFIC_FLUSH_MS = 3_000;

interface Counter {
  pending: Map<number, Pending>;
  timer: NodeJS.Timeout | null;
  flushing: Promise<void> | null;
}

const counters = new Map<Database, Counter>();

function counterOf(db: Database): Counter {
  let c = counters.get(db);
  if (!c) {
    c = { pending: new Map(), timer: null, flushing: null };
    counters.set(db, c);
  }
  return c;
}

/**
 * Counts a client's traffic in memory; the counts reach the database within a few seconds (and at
 * shutdown, `flushLrsTraffic`), so a storm of requests costs no write per request. `db` is the
 * server's database, not a transaction (the flush runs later on its own).
 * @example countLrsTraffic(db, client.id, { stored: statements.length })
 */
export function countLrsTraffic(db: Database, clientId: number, traffic: LrsTraffic): void {
  const c = counterOf(db);
  const p = c.pending.get(clientId) ?? { requests: 0, stored: 0, read: 0, lastAt: new Date() };
  p.requests += traffic.requests ?? 0;
  p.stored += traffic.stored ?? 0;
  p.read += traffic.read ?? 0;
  p.lastAt = new Date();
  c.pending.set(clientId, p);
  schedule(db, c);
}

function schedule(db: Database, c: Counter): void {
  if (c.timer) return;
  c.timer = setTimeout(() => {
    c.timer = null;
    void flushLrsTraffic(db).catch(() => undefined);
  }, LRS_TRAFFIC_FLUSH_MS);
  c.timer.unref();
}

/**
 * Adds the counts waiting in memory to lrs_client_traffic in one statement. A failed write puts them
 * back, so an outage of the database delays the counts without losing them (while the process lives).
 */
export async function flushLrsTraffic(db: Database): Promise<void> {
  const c = counters.get(db);
  if (!c) return;
  if (c.timer) {
    clearTimeout(c.timer);
    c.timer = null;
  }
  await c.flushing;
  if (c.pending.size === 0) return;
  const batch = [...c.pending.entries()].sort((a, b) => a[0] - b[0]);
  c.pending = new Map();
  c.flushing = (async () => {
    try {
      await sql`
        INSERT INTO lrs_client_traffic AS t (client_id, requests, statements_stored, statements_read, last_request_at)
        SELECT u.client_id, u.requests, u.stored, u.read, u.last_at
          FROM unnest(${batch.map(([id]) => id)}::bigint[], ${batch.map(([, p]) => p.requests)}::bigint[],
                      ${batch.map(([, p]) => p.stored)}::bigint[], ${batch.map(([, p]) => p.read)}::bigint[],
                      ${batch.map(([, p]) => p.lastAt.toISOString())}::timestamptz[])
               AS u(client_id, requests, stored, read, last_at)
          JOIN lrs_client c ON c.id = u.client_id
        ON CONFLICT (client_id) DO UPDATE SET
          requests = t.requests + excluded.requests,
          statements_stored = t.statements_stored + excluded.statements_stored,
          statements_read = t.statements_read + excluded.statements_read,
          last_request_at = greatest(t.last_request_at, excluded.last_request_at)`.execute(db);
    } catch (e) {
      for (const [id, p] of batch) {
        const now = c.pending.get(id);
        if (now) {
          now.requests += p.requests;
          now.stored += p.stored;
          now.read += p.read;
        } else c.pending.set(id, p);
      }
      if (counters.get(db) === c) schedule(db, c);
      throw e;
    } finally {
      c.flushing = null;
    }
  })();
  await c.flushing;
}

/** Flushes what is waiting and forgets the database (the server is closing). */
export async function stopLrsTraffic(db: Database): Promise<void> {
  await flushLrsTraffic(db).catch(() => undefined);
  const c = counters.get(db);
  if (c?.timer) clearTimeout(c.timer);
  counters.delete(db);
}
