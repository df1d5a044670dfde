import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanUp,
  freePort,
  makeDataDir,
  runCli,
  startHealthy,
  stopServer,
  type ServerProcess,
} from '../support/server-process.js';

/**
 * `npx peixun lrs client create` as an operator runs it beside the running server (a conformance run
 * does the same): the command joins the server's embedded cluster, prints a key and a secret once, and
 * the server's /xapi takes those credentials at once.
 */
const dataDir = makeDataDir('peixun-lrs-cli-');
let server: ServerProcess | undefined;

afterAll(async () => {
  if (server) await stopServer(server);
  await cleanUp([dataDir]);
}, 60_000);

const about = (port: number, auth?: string) =>
  fetch(`http://127.0.0.1:${port}/xapi/nothing-here`, {
    headers: { 'x-experience-api-version': '2.0.0', ...(auth ? { authorization: auth } : {}) },
  });

describe('lrs client create', () => {
  it('prints credentials the running server accepts, and refuses bad arguments', async () => {
    server = await startHealthy(dataDir, await freePort());
    // the demo county 桦甸市 (220282) is seeded on first start
    const r = await runCli(dataDir, [
      'lrs',
      'client',
      'create',
      '--org-code',
      '220282',
      '--name',
      '一致性测试',
      '--identity',
      'account',
      '--home-page',
      'https://conformance.example.cn',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const key = /^key: ([a-z0-9]+)$/m.exec(r.stdout)?.[1];
    const secret = /^secret: (\S+)$/m.exec(r.stdout)?.[1];
    expect(key).toMatch(/^[a-z0-9]{20}$/);
    expect(secret).toBeTruthy();
    expect(r.stdout).toMatch(/endpoint: http:\/\/\S+\/xapi\//);
    const auth = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    // authenticated: past the credentials check to "not found"; without them: 401
    expect((await about(server.port, auth)).status).toBe(404);
    expect((await about(server.port)).status).toBe(401);
    expect(server.isRunning()).toBe(true);

    const missing = await runCli(dataDir, ['lrs', 'client', 'create', '--name', '无单位']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--org-code');
    const unknown = await runCli(dataDir, ['lrs', 'client', 'create', '--org-code', '999999', '--name', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('999999');
    const bad = await runCli(dataDir, [
      'lrs',
      'client',
      'create',
      '--org-code',
      '220282',
      '--name',
      'x',
      '--identity',
      'id_hash',
      '--home-page',
      'https://x.cn',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('LRS_CLIENT_INVALID');
  }, 180_000);
});
