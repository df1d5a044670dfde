import type { Role } from '../../src/domain/org-tree.js';
import { buildApp } from '../../src/http/app.js';
import { createServices } from '../../src/services/services.js';
import { createTestDatabase } from './db.js';
import { addUser, buildTree } from './fixtures.js';

/** A real HTTP server on a free port over a fresh test database, serving the built web UI. */
export async function startTestServer() {
  const t = await createTestDatabase();
  const tree = await buildTree(t.db);
  const services = createServices({ db: t.db, env: t.env });
  const app = await buildApp({
    services,
    db: t.db,
    env: t.env,
    databaseMode: 'embedded',
    logger: false,
    serveWeb: true,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    baseUrl: address,
    tree,
    orgs: {
      provinceId: tree.P1.id,
      cityId: tree.C1.id,
      countyId: tree.K1.id,
      schoolId: tree.S1.id,
      countyName: tree.K1.name,
      schoolName: tree.S1.name,
    },
    async createUser(o: {
      username: string;
      password?: string;
      role: Role;
      orgUnitId: number;
      mustChangePassword?: boolean;
    }) {
      const unit = Object.values(tree).find((u) => u.id === o.orgUnitId);
      if (!unit) throw new Error(`unknown unit ${o.orgUnitId}`);
      await addUser(t.db, unit, o.role, o.username, { mustChangePassword: o.mustChangePassword, password: o.password });
    },
    async close() {
      await app.close();
      await t.close();
    },
  };
}
