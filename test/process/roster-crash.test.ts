import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRoster, rosterXlsx } from '../support/roster.js';
import {
  changePassword,
  cleanUp,
  freePort,
  killServer,
  login,
  makeDataDir,
  oneTimePassword,
  spawnServer,
  waitHealthy,
  type HttpSession,
  type ServerProcess,
} from '../support/server-process.js';

/**
 * A roster commit is one transaction: a server killed with SIGKILL while committing leaves the
 * registry with every row of the upload or none of them, and the upload can be committed after
 * the restart if it was not.
 */
const ROWS = 20_000;
const dataDir = makeDataDir('peixun-roster-crash-');
let server: ServerProcess | undefined;

afterAll(async () => {
  if (server) await killServer(server).catch(() => undefined);
  await cleanUp([dataDir]);
}, 60_000);

async function count(): Promise<number> {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'peixun', password, database: 'peixun' });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM teacher WHERE NOT is_demo')).rows[0]!.n);
  } finally {
    await c.end();
  }
}

async function api(
  port: number,
  s: HttpSession,
  method: string,
  url: string,
  body?: string | FormData,
  headers: Record<string, string> = {},
) {
  return fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    body,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...headers },
  });
}

describe('a server killed during a roster commit', () => {
  it('leaves all rows or none, and the upload commits whole after the restart', async () => {
    const port = await freePort();
    server = spawnServer(dataDir, port);
    await waitHealthy(server, 90_000);
    await server.waitFor(/One-time password[^\n]*\n/, 10_000);
    const otp = oneTimePassword(server.output())!;
    const first = await login(port, 'demo-school', otp);
    await changePassword(port, first.session!, otp, 'Crash-test-2026');
    let s = (await login(port, 'demo-school', 'Crash-test-2026')).session!;
    const schoolId = (
      (await (await api(port, s, 'GET', '/api/auth/me')).json()) as { user: { orgUnit: { id: number } } }
    ).user.orgUnit.id;

    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(await rosterXlsx(makeRoster(ROWS, { seed: 31, region: '110105' })))]),
      'roster.xlsx',
    );
    const checked = (await (await api(port, s, 'POST', `/api/org-units/${schoolId}/teacher-imports`, form)).json()) as {
      importId: number;
      summary: { create: number };
    };
    expect(checked.summary.create).toBe(ROWS);

    // the commit starts; the server dies while it runs
    const commit = api(port, s, 'POST', `/api/teacher-imports/${checked.importId}/commit`, JSON.stringify({}), {
      'content-type': 'application/json',
    }).catch(() => null);
    await new Promise((r) => setTimeout(r, 150));
    await killServer(server);
    await commit;
    const afterKill = await count();
    expect([0, ROWS]).toContain(afterKill);

    server = spawnServer(dataDir, port);
    await waitHealthy(server, 90_000);
    expect([0, ROWS]).toContain(await count());
    s = (await login(port, 'demo-school', 'Crash-test-2026')).session!;
    const state = (await (await api(port, s, 'GET', `/api/teacher-imports/${checked.importId}`)).json()) as {
      status: string;
    };
    if (afterKill === 0) {
      expect(state.status).toBe('validated');
      const done = await api(port, s, 'POST', `/api/teacher-imports/${checked.importId}/commit`, JSON.stringify({}), {
        'content-type': 'application/json',
      });
      expect(done.status).toBe(200);
    } else {
      expect(state.status).toBe('committed');
    }
    expect(await count()).toBe(ROWS);
  }, 180_000);
});
