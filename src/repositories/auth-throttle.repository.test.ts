import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { createAuthThrottleRepository } from './auth-throttle.repository.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

const limits = { maxFailures: 3, windowMinutes: 15, lockMinutes: 15 };
const age = (subject: string, column: 'last_failure_at' | 'locked_until', minutes: number) =>
  t.db
    .updateTable('auth_throttle')
    .set({ [column]: new Date(Date.now() - minutes * 60_000) })
    .where('subject', '=', subject)
    .execute();

describe('failure counts per account and address', () => {
  it('locks a key at the limit, and only that key', async () => {
    const repo = createAuthThrottleRepository(t.db);
    const key = { kind: 'login' as const, subject: 'user:1', source: '10.0.0.1' };
    expect(await repo.recordFailure(key, limits)).toBeNull();
    expect(await repo.recordFailure(key, limits)).toBeNull();
    const until = await repo.recordFailure(key, limits);
    expect(until!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(await repo.lockedUntil(key)).toEqual(until);
    expect(await repo.lockedUntil({ ...key, source: '10.0.0.2' })).toBeNull();
    expect(await repo.lockedUntil({ ...key, kind: 'activate' })).toBeNull();
    await repo.clearSubject('login', 'user:1');
    expect(await repo.lockedUntil(key)).toBeNull();
  });

  it('starts counting again after the window or after a lock ended', async () => {
    const repo = createAuthThrottleRepository(t.db);
    const key = { kind: 'activate' as const, subject: 'teacher:2', source: '10.0.0.1' };
    await repo.recordFailure(key, limits);
    await repo.recordFailure(key, limits);
    await age(key.subject, 'last_failure_at', 20);
    expect(await repo.recordFailure(key, limits)).toBeNull();
    await repo.recordFailure(key, limits);
    expect(await repo.recordFailure(key, limits)).not.toBeNull();
    await age(key.subject, 'locked_until', 1);
    expect(await repo.lockedUntil(key)).toBeNull();
    expect(await repo.recordFailure(key, limits)).toBeNull();
  });

  it('forgets counts a day old with no lock in force', async () => {
    const repo = createAuthThrottleRepository(t.db);
    const key = { kind: 'login' as const, subject: 'user:3', source: '10.0.0.1' };
    await repo.recordFailure(key, limits);
    await age(key.subject, 'last_failure_at', 25 * 60);
    expect(await repo.deleteStale(24 * 60)).toBe(1);
    expect(
      await t.db.selectFrom('auth_throttle').select('subject').where('subject', '=', key.subject).execute(),
    ).toEqual([]);
  });
});
