import type { Env } from '../config/env.js';
import type { Database } from '../db/database.js';
import type { Services } from '../services/services.js';
import { buildApp } from './app.js';

/**
 * Stands in for the services and the database: routes may keep references to them while registering
 * (`services.orgUnits`), but nothing is called until a request comes, and none comes here.
 */
function unreachable(name: string): never {
  const target = () => undefined;
  return new Proxy(target, {
    get(_target, key) {
      if (key === 'then') return undefined;
      return unreachable(`${name}.${String(key)}`);
    },
    apply() {
      throw new Error(`${name}() was called while only the OpenAPI document was being built`);
    },
  }) as never;
}

/**
 * The OpenAPI document of the API, as `/api/openapi.json` serves it, built by registering every route
 * without a database or a listening port. `scripts/gen-api-types.mjs` makes the web UI's API types from it.
 */
export async function buildOpenApiDocument(env: Env): Promise<unknown> {
  const services: Services = unreachable('services');
  const db: Database = unreachable('db');
  const app = await buildApp({ services, db, env, databaseMode: 'embedded', serveWeb: false });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
  }
}
