import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { buildTree, type Tree } from '../../test/support/fixtures.js';
import { createOrgUnitRepository } from './org-unit.repository.js';

let t: TestDatabase;
let tree: Tree;

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
});
afterAll(async () => {
  await t.close();
});

describe('children: one page and the total', () => {
  // K1 桦甸市 has: 2 schools, 1 institution, 1 township (ordered by kind, then name, then id)
  it('returns the page in order with the total of all matching children', async () => {
    const repo = createOrgUnitRepository(t.db);
    const all = await repo.children(tree.K1.id, { limit: 20, offset: 0 });
    expect(all.total).toBe(4);
    expect(all.items.map((u) => u.name)).toEqual([
      '桦甸市教师进修学校',
      '桦甸市第一中学',
      '桦甸市第一实验小学',
      '夹皮沟镇中心校',
    ]);
    expect(all.items.find((u) => u.kind === 'township')?.childCount).toBe(1);
    expect(Object.keys(all.items[0]!)).not.toContain('fullCount');

    const page2 = await repo.children(tree.K1.id, { limit: 3, offset: 3 });
    expect(page2).toMatchObject({ total: 4, items: [{ name: '夹皮沟镇中心校' }] });
  });

  it('still counts when the page lies past the end, and counts with filters', async () => {
    const repo = createOrgUnitRepository(t.db);
    expect(await repo.children(tree.K1.id, { limit: 20, offset: 40 })).toEqual({ items: [], total: 4 });
    expect((await repo.children(tree.K1.id, { kind: 'school', limit: 1, offset: 0 })).total).toBe(2);
    expect((await repo.children(tree.K1.id, { kind: 'school', limit: 1, offset: 5 })).total).toBe(2);
    expect((await repo.children(tree.K1.id, { q: '实验', limit: 20, offset: 0 })).items.map((u) => u.name)).toEqual([
      '桦甸市第一实验小学',
    ]);
    expect(await repo.children(tree.S1.id, { limit: 20, offset: 0 })).toEqual({ items: [], total: 0 });
  });
});
