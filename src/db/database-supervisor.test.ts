import { describe, expect, it } from 'vitest';
import { createDatabaseSupervisor } from './database-supervisor.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('database supervisor', () => {
  it('restarts an embedded server whose process is gone, with growing waits, and reports the recovery', async () => {
    let running = true;
    let restarts = 0;
    const probes: number[] = [];
    const lines: string[] = [];
    let recoveredCalls = 0;
    const sup = createDatabaseSupervisor({
      log: (l) => lines.push(l),
      watchMs: 20,
      minBackoffMs: 20,
      maxBackoffMs: 80,
      serverRunning: () => running,
      // the first two restarts fail (e.g. the old server's shared memory still in use), the third works
      restart: async () => {
        restarts++;
        if (restarts < 3) throw new Error('pre-existing shared memory block is still in use');
        running = true;
      },
      probe: async () => {
        probes.push(Date.now());
        if (!running) throw refused();
      },
    });
    sup.onRecovered(() => {
      recoveredCalls++;
    });
    sup.start();
    try {
      await sleep(60);
      expect(sup.available).toBe(true);
      expect(probes).toEqual([]); // an embedded server that runs costs a process check, no connection
      running = false;
      await sleep(60);
      expect(sup.available).toBe(false);
      expect(sup.retryAfterSeconds()).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < 50 && !sup.available; i++) await sleep(20);
      expect(sup.available).toBe(true);
      expect(restarts).toBe(3);
      expect(recoveredCalls).toBe(1);
      const gaps = probes.slice(1).map((t, i) => t - probes[i]!);
      expect(gaps[1]!).toBeGreaterThan(gaps[0]! - 5);
      const told = lines.join('\n');
      expect(told).toMatch(/Database unavailable[\s\S]*Restarting the embedded PostgreSQL[\s\S]*did not start/);
      expect(told).toMatch(/available again/);
    } finally {
      await sup.stop();
    }
  });

  it('probes on a reported connection error only, and stays available when the probe succeeds', async () => {
    let probes = 0;
    let up = true;
    const sup = createDatabaseSupervisor({
      log: () => undefined,
      watchMs: 60_000,
      minBackoffMs: 10,
      maxBackoffMs: 20,
      probe: async () => {
        probes++;
        if (!up) throw refused();
      },
    });
    sup.start();
    try {
      sup.notice(Object.assign(new Error('duplicate key'), { code: '23505' }));
      await sleep(30);
      expect(probes).toBe(0);
      // one connection cut (pg_terminate_backend): the probe finds the database there
      sup.notice(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
      await sleep(30);
      expect(probes).toBe(1);
      expect(sup.available).toBe(true);
      up = false;
      sup.notice(refused());
      await sleep(30);
      expect(sup.available).toBe(false);
      up = true;
      for (let i = 0; i < 20 && !sup.available; i++) await sleep(10);
      expect(sup.available).toBe(true);
    } finally {
      await sup.stop();
    }
  });
});
