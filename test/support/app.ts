import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { createServices } from '../../src/services/services.js';
import { TEST_PASSWORD } from './fixtures.js';
import type { TestDatabase } from './db.js';

export interface Session {
  cookie: string;
  csrf: string;
}

/** The real app on a test database, for in-memory route tests with `inject()`. */
export async function buildTestApp(t: TestDatabase): Promise<FastifyInstance> {
  const services = createServices({ db: t.db, env: t.env });
  const app = await buildApp({
    services,
    db: t.db,
    env: t.env,
    databaseMode: 'external',
    logger: false,
    serveWeb: false,
  });
  await app.ready();
  return app;
}

export async function login(app: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0]! : setCookie!;
  return { cookie: raw.split(';')[0]!, csrf: (res.json() as { csrfToken: string }).csrfToken };
}

/** inject() as a logged-in user: cookie always, CSRF header on writes. */
export function as(app: FastifyInstance, s: Session) {
  return (opts: InjectOptions) =>
    app.inject({
      ...opts,
      headers: {
        ...(opts.headers ?? {}),
        cookie: s.cookie,
        ...(opts.method && opts.method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}),
      },
    });
}
