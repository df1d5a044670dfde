import type { Database } from '../db/database.js';

/**
 * A bounded in-process map with a time to live, for lookups every request makes (its session,
 * the path of the unit it names). Entries are dropped explicitly by the writes that change them;
 * the time to live bounds how long a change made by *another* process (a second server on the
 * same external database) can go unseen.
 *
 * A read that started before a drop must not put the old value back: callers take `epoch()`
 * before their query and pass it to `set`, which ignores the value if anything was dropped since.
 *
 * @example
 *   const e = cache.epoch();
 *   const row = cache.get(key) ?? (await repo.find(key));
 *   if (row) cache.set(key, row, e);
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, { value: V; until: number; owner: number | null }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  epoch(): number {
    return this.generation;
  }

  get(key: string, now = Date.now()): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores `value` unless something was dropped since `epoch` was taken; `owner` is the user it belongs to. */
  set(key: string, value: V, epoch: number, owner: number | null = null, now = Date.now()): void {
    if (epoch !== this.generation) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // the oldest insertion goes first (a Map iterates in insertion order)
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: now + this.ttlMs, owner });
  }

  /** Replaces the value of a present entry without extending its life. */
  update(key: string, value: V): void {
    const e = this.entries.get(key);
    if (e) e.value = value;
  }

  delete(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  /** Drops every entry that belongs to `owner` (their sessions and tokens). */
  deleteOwner(owner: number): void {
    this.generation++;
    for (const [k, e] of this.entries) if (e.owner === owner) this.entries.delete(k);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** How long another process's revocation of a session or token can go unseen here. */
export const CREDENTIAL_TTL_MS = 5_000;

export interface LookupCaches {
  /** resolved sessions and API tokens, keyed by 's:' or 't:' + the hex SHA-256 of the secret */
  credentials: LookupCache<unknown>;
  /** org unit id → materialized path (never changes once a unit exists) */
  unitPaths: LookupCache<string>;
}

const byDatabase = new WeakMap<Database, LookupCaches>();

/** The caches of one database, shared by every service built on it in this process. */
export function lookupCaches(db: Database): LookupCaches {
  let c = byDatabase.get(db);
  if (!c) {
    c = {
      credentials: new LookupCache(CREDENTIAL_TTL_MS, 20_000),
      unitPaths: new LookupCache(365 * 86_400_000, 200_000),
    };
    byDatabase.set(db, c);
  }
  return c;
}
