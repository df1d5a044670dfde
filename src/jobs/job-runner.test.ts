import net from 'node:net';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { createKysely, createPool } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { createJobRepository, type JobRepository } from '../repositories/job.repository.js';
import {
  createJobRunner,
  jobHandlers,
  kickJobs,
  registerJobHandler,
  runJobsUntilIdle,
  type JobHandler,
  type JobRunner,
} from './job-runner.js';

let t: TestDatabase;
let jobs: JobRepository;

beforeAll(async () => {
  t = await createTestDatabase();
  jobs = createJobRepository(t.db);
});
afterAll(() => t.close());

const enqueue = (kind: string, params: Record<string, unknown> = {}, orgPath = '/1/2/') =>
  jobs.enqueue({ kind, provinceId: 1, orgPath, params, createdBy: null });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(fn: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(20);
  }
}
const settled = (id: number) =>
  waitFor(async () => {
    const j = await jobs.get(id);
    return j && (j.status === 'done' || j.status === 'failed') ? j : undefined;
  });

describe('job runner', () => {
  it('runs a job and stores its result and progress, writing progress a few times a second at most', async () => {
    // a second connection pool that counts the progress writes
    let progressWrites = 0;
    const pool = createPool(t.url, 4);
    const counted = new Kysely<DB>({
      dialect: new PostgresDialect({ pool }),
      log: (e) => {
        if (/^update "job" set "progress"/.test(e.query.sql)) progressWrites++;
      },
    });
    const handler: JobHandler = async (job, { progress }) => {
      for (let i = 1; i <= 1000; i++) await progress(i, 1000);
      return { counted: 1000, echo: job.params['x'] };
    };
    const runner = createJobRunner({ db: counted, handlers: { 'test.count': handler }, pollMs: 20 });
    const id = await enqueue('test.count', { x: '甲' });
    runner.start();
    try {
      const j = await settled(id);
      expect(j).toMatchObject({
        status: 'done',
        progress: 1000,
        total: 1000,
        result: { counted: 1000, echo: '甲' },
        errorCode: null,
        attempts: 1,
      });
      expect(j.startedAt).toBeInstanceOf(Date);
      expect(j.finishedAt!.getTime()).toBeGreaterThanOrEqual(j.startedAt!.getTime());
      expect(progressWrites).toBeGreaterThanOrEqual(1);
      expect(progressWrites).toBeLessThanOrEqual(4);
    } finally {
      await runner.stop();
      await counted.destroy();
    }
  });

  it('writes the latest progress of a handler that pauses after a throttled report', async () => {
    let release!: () => void;
    const paused = new Promise<void>((r) => {
      release = r;
    });
    const runner = createJobRunner({
      db: t.db,
      handlers: {
        'test.pause': async (_j, { progress }) => {
          await progress(1, 10);
          await progress(2, 10);
          await paused;
          return null;
        },
      },
      pollMs: 20,
    });
    const id = await enqueue('test.pause');
    runner.start();
    try {
      const j = await waitFor(async () => {
        const r = await jobs.get(id);
        return r?.progress === 2 ? r : undefined;
      }, 3_000);
      expect(j).toMatchObject({ status: 'running', progress: 2, total: 10 });
      release();
      expect(await settled(id)).toMatchObject({ status: 'done', result: null });
    } finally {
      release();
      await runner.stop();
    }
  });

  it('marks a job failed with the AppError code, or INTERNAL with the message logged', async () => {
    const lines: string[] = [];
    const runner = createJobRunner({
      db: t.db,
      log: (l) => lines.push(l),
      pollMs: 20,
      handlers: {
        'test.refused': async () => {
          throw new AppError('CYCLE_RULES_INVALID', { details: { problems: [] } });
        },
        'test.broken': async () => {
          throw new Error('disk on fire');
        },
      },
    });
    const refused = await enqueue('test.refused');
    const broken = await enqueue('test.broken');
    runner.start();
    try {
      expect(await settled(refused)).toMatchObject({
        status: 'failed',
        errorCode: 'CYCLE_RULES_INVALID',
        result: { details: { problems: [] } },
      });
      expect(await settled(broken)).toMatchObject({
        status: 'failed',
        errorCode: 'INTERNAL',
        result: null,
        attempts: 1,
      });
      expect(lines.some((l) => l.includes(`job ${broken} `) && l.includes('disk on fire'))).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('two runners on the same table never run the same job twice', async () => {
    const calls = new Map<number, number>();
    const by = { a: 0, b: 0 };
    const handler =
      (who: 'a' | 'b'): JobHandler =>
      async (job) => {
        calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
        by[who]++;
        await sleep(Math.random() * 3);
        return { who };
      };
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) ids.push(await enqueue('test.many', { i }));
    // the second runner has its own pool, as a second server would
    const otherPool = createPool(t.url, 4);
    const other = createKysely(otherPool);
    const runners: JobRunner[] = [
      createJobRunner({ db: t.db, handlers: { 'test.many': handler('a') }, pollMs: 10, concurrency: 5 }),
      createJobRunner({ db: other, handlers: { 'test.many': handler('b') }, pollMs: 10, concurrency: 5 }),
    ];
    runners.forEach((r) => r.start());
    try {
      await waitFor(async () => {
        const r = await t.db
          .selectFrom('job')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('kind', '=', 'test.many')
          .where('status', '=', 'done')
          .executeTakeFirstOrThrow();
        return r.n === 50;
      }, 20_000);
      expect([...calls.keys()].sort((x, y) => x - y)).toEqual(ids);
      expect([...calls.values()].every((n) => n === 1)).toBe(true);
      expect(by.a).toBeGreaterThan(0);
      expect(by.b).toBeGreaterThan(0);
      const rows = await t.db.selectFrom('job').select(['attempts']).where('kind', '=', 'test.many').execute();
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
      await other.destroy();
    }
  });

  it('takes again a running job whose lease ran out, and fails one whose lease ran out three times', async () => {
    const seen: Array<{ id: number; attempts: number }> = [];
    const handlers: Record<string, JobHandler> = {
      'test.lease': async (job) => {
        seen.push({ id: job.id, attempts: job.attempts });
        return 'ok';
      },
    };
    const died = await enqueue('test.lease');
    const alive = await enqueue('test.lease');
    const hopeless = await enqueue('test.lease');
    // the server that took them died: leases in the past; one still holds its lease
    await t.db
      .updateTable('job')
      .set({
        status: 'running',
        attempts: 1,
        started_at: sql`now() - interval '2 minutes'`,
        lease_until: sql`now() - interval '1 second'`,
      })
      .where('id', '=', died)
      .execute();
    await t.db
      .updateTable('job')
      .set({ status: 'running', attempts: 1, started_at: sql`now()`, lease_until: sql`now() + interval '1 minute'` })
      .where('id', '=', alive)
      .execute();
    await t.db
      .updateTable('job')
      .set({
        status: 'running',
        attempts: 3,
        started_at: sql`now() - interval '2 minutes'`,
        lease_until: sql`now() - interval '1 second'`,
      })
      .where('id', '=', hopeless)
      .execute();

    const lines: string[] = [];
    expect(await runJobsUntilIdle(t.db, (l) => lines.push(l), handlers)).toEqual({ done: 1, failed: 1 });
    expect(seen).toEqual([{ id: died, attempts: 2 }]);
    expect(await jobs.get(died)).toMatchObject({ status: 'done', result: 'ok', attempts: 2 });
    expect(await jobs.get(alive)).toMatchObject({ status: 'running', attempts: 1 });
    expect(await jobs.get(hopeless)).toMatchObject({
      status: 'failed',
      errorCode: 'INTERNAL',
      result: { reason: 'lease_expired', attempts: 3 },
    });
    expect(lines.some((l) => l.includes(`job ${hopeless} `))).toBe(true);
    await t.db.updateTable('job').set({ status: 'failed' }).where('id', '=', alive).execute();
  });

  it('a write by a runner that lost its lease is refused', async () => {
    const id = await enqueue('test.stale');
    const first = (await jobs.claim(['test.stale'], 60))!;
    await t.db.updateTable('job').set({ lease_until: sql`now() - interval '1 second'` }).where('id', '=', id).execute();
    const second = (await jobs.claim(['test.stale'], 60))!;
    expect([first.attempts, second.attempts]).toEqual([1, 2]);
    expect(await jobs.progress(id, 5, 10, { attempt: first.attempts })).toBe(false);
    expect(await jobs.finish(id, { by: 'first' }, { attempt: first.attempts })).toBe(false);
    expect(await jobs.finish(id, { by: 'second' }, { attempt: second.attempts })).toBe(true);
    expect(await jobs.get(id)).toMatchObject({ status: 'done', result: { by: 'second' } });
  });

  it('stop() aborts a long handler through its signal and gives the job back to the queue', async () => {
    let started = false;
    let abortedWith: unknown;
    const handler: JobHandler = (_job, { signal }) =>
      new Promise((_resolve, reject) => {
        started = true;
        signal.addEventListener(
          'abort',
          () => {
            abortedWith = signal.reason;
            reject(new Error('aborted'));
          },
          { once: true },
        );
      });
    const runner = createJobRunner({ db: t.db, handlers: { 'test.long': handler }, pollMs: 20 });
    const id = await enqueue('test.long');
    runner.start();
    await waitFor(async () => started);
    const t0 = Date.now();
    await runner.stop();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(abortedWith).toBeInstanceOf(Error);
    expect(await jobs.get(id)).toMatchObject({ status: 'queued', attempts: 0, startedAt: null });
    // the next server runs it
    expect(await runJobsUntilIdle(t.db, undefined, { 'test.long': async () => 'finally' })).toEqual({
      done: 1,
      failed: 0,
    });
    expect(await jobs.get(id)).toMatchObject({ status: 'done', result: 'finally', attempts: 1 });
  });

  it('kickJobs() starts a queued job at once instead of at the next poll', async () => {
    kickJobs(); // no runner yet: nothing happens
    const runner = createJobRunner({ db: t.db, handlers: { 'test.kick': async () => 'kicked' }, pollMs: 60_000 });
    runner.start();
    try {
      await sleep(50); // the first poll found nothing; the next is a minute away
      const id = await enqueue('test.kick');
      kickJobs();
      expect(
        await waitFor(async () => {
          const j = await jobs.get(id);
          return j?.status === 'done' ? j : undefined;
        }, 2_000),
      ).toMatchObject({ result: 'kicked' });
    } finally {
      await runner.stop();
    }
  });

  it('waits longer and longer while the database is away, and runs the job once it is back', async () => {
    // the runner reaches the database through a relay that first drops every connection it accepts
    const target = new URL(t.url);
    let forward = false;
    let connections = 0;
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      connections++;
      sockets.add(client);
      client.on('error', () => undefined);
      if (!forward) return void client.destroy();
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      upstream.on('error', () => undefined);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const viaRelay = new URL(t.url);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String((relay.address() as net.AddressInfo).port);
    const away = createKysely(createPool(viaRelay.toString(), 2));
    const lines: string[] = [];
    const runner = createJobRunner({
      db: away,
      handlers: { 'test.outage': async () => ({ ran: true }) },
      pollMs: 20,
      log: (l) => lines.push(l),
    });
    const id = await enqueue('test.outage');
    runner.start();
    try {
      await sleep(1_500);
      // polling every 20 ms would have tried some 75 times; backing off it tries a handful
      expect(connections).toBeGreaterThanOrEqual(3);
      expect(connections).toBeLessThanOrEqual(10);
      expect(lines.filter((l) => /could not claim a job/.test(l)).length).toBeLessThanOrEqual(4);
      expect(lines.at(-1)).toMatch(/next try in \d+ ms/);
      expect((await jobs.get(id))?.status).toBe('queued');
      forward = true;
      const j = await waitFor(async () => {
        const row = await jobs.get(id);
        return row?.status === 'done' ? row : undefined;
      }, 10_000);
      expect(j).toMatchObject({ status: 'done', result: { ran: true }, attempts: 1 });
      expect(lines.at(-1)).toMatch(/claiming jobs again/);
    } finally {
      await runner.stop();
      await away.destroy();
      for (const s of sockets) s.destroy();
      await new Promise((r) => relay.close(r));
    }
  });

  it('keeps registered handlers by kind; the services wired last own the kind', () => {
    const h: JobHandler = async () => null;
    const later: JobHandler = async () => 1;
    registerJobHandler('test.registered', h);
    expect(jobHandlers()['test.registered']).toBe(h);
    registerJobHandler('test.registered', later);
    expect(jobHandlers()['test.registered']).toBe(later);
  });
});

describe('job repository', () => {
  it('finds an active job by kind and params, and lists jobs under a unit newest first', async () => {
    const a = await enqueue('test.find', { cycleId: 7, rules: { x: 1 } }, '/9/91/');
    await enqueue('test.find', { cycleId: 8 }, '/9/92/');
    await enqueue('test.other', { cycleId: 7 }, '/9/91/');
    expect((await jobs.activeFor('test.find', { cycleId: 7 }))?.id).toBe(a);
    expect(await jobs.activeFor('test.find', { cycleId: 9 })).toBeUndefined();
    await t.db.updateTable('job').set({ status: 'done' }).where('id', '=', a).execute();
    expect(await jobs.activeFor('test.find', { cycleId: 7 })).toBeUndefined();

    const under = await jobs.listUnder('/9/91/', undefined, 10);
    expect(under.map((j) => j.kind)).toEqual(['test.other', 'test.find']);
    expect((await jobs.listUnder('/9/', 'test.find', 10)).map((j) => j.params['cycleId'])).toEqual([8, 7]);
    expect(await jobs.listUnder('/9/93/', undefined, 10)).toEqual([]);
  });
});
