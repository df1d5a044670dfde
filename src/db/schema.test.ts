import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { listMigrations, migrate, MIGRATIONS_DIR } from './migrate.js';
import { generateSchemaTypes } from './schema-codegen.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe('schema and migrations', () => {
  it('has committed table types that match the migrated schema (regenerate with `npx peixun db types`)', async () => {
    const generated = await generateSchemaTypes(t.pool);
    expect(fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'schema.ts'), 'utf8')).toBe(
      generated,
    );
  });

  it('numbers migrations without gaps', () => {
    const versions = listMigrations().map((m) => Number(m.version));
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });

  it('refuses to run when a landed migration was edited', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-mig-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    const first = fs.readdirSync(dir).sort()[0]!;
    fs.appendFileSync(path.join(dir, first), '\n-- edited\n');
    await expect(migrate(t.pool, dir)).rejects.toThrow(/changed after it was applied/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is a no-op the second time', async () => {
    expect(await migrate(t.pool)).toEqual([]);
  });
});
