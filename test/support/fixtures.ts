import type { Database } from '../../src/db/database.js';
import type { OrgUnitKind, Role } from '../../src/domain/org-tree.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../../src/repositories/org-unit.repository.js';
import { createUserRepository } from '../../src/repositories/user.repository.js';
import type { RequestContext } from '../../src/services/context.js';
import { hashPassword } from '../../src/services/password-hasher.js';

export const TEST_PASSWORD = 'Correct-horse-42';

/**
 * The tree every access test stands on:
 *
 *   P1 吉林省 ─ C1 吉林市 ─ K1 桦甸市 ─ S1 第一实验小学, S2 第一中学, I1 教师进修学校, T1 夹皮沟镇中心校 ─ S4 夹皮沟镇中心小学
 *            │          └ K2 蛟河市 ─ S3 蛟河市实验小学
 *            └ C2 长春市 ─ K4 南关区 ─ S6 南关区小学
 *   P2 辽宁省 ─ C3 沈阳市 ─ K3 和平区 ─ S5 和平区第一小学
 */
export interface Tree {
  P1: OrgUnitRow;
  C1: OrgUnitRow;
  C2: OrgUnitRow;
  K1: OrgUnitRow;
  K2: OrgUnitRow;
  K4: OrgUnitRow;
  S1: OrgUnitRow;
  S2: OrgUnitRow;
  S3: OrgUnitRow;
  S4: OrgUnitRow;
  S6: OrgUnitRow;
  I1: OrgUnitRow;
  T1: OrgUnitRow;
  P2: OrgUnitRow;
  C3: OrgUnitRow;
  K3: OrgUnitRow;
  S5: OrgUnitRow;
}

export async function buildTree(db: Database): Promise<Tree> {
  const repo = createOrgUnitRepository(db);
  const add = (parent: OrgUnitRow | null, kind: OrgUnitKind, name: string, divisionCode?: string) =>
    repo.insert(
      { parentId: parent?.id ?? null, kind, name, divisionCode: divisionCode ?? null, code: divisionCode ?? null },
      parent,
    );
  const P1 = await add(null, 'province', '吉林省', '220000');
  const C1 = await add(P1, 'city', '吉林市', '220200');
  const C2 = await add(P1, 'city', '长春市', '220100');
  const K1 = await add(C1, 'county', '桦甸市', '220282');
  const K2 = await add(C1, 'county', '蛟河市', '220281');
  const K4 = await add(C2, 'county', '南关区', '220102');
  const S1 = await add(K1, 'school', '桦甸市第一实验小学');
  const S2 = await add(K1, 'school', '桦甸市第一中学');
  const I1 = await add(K1, 'institution', '桦甸市教师进修学校');
  const T1 = await add(K1, 'township', '夹皮沟镇中心校');
  const S4 = await add(T1, 'school', '夹皮沟镇中心小学');
  const S3 = await add(K2, 'school', '蛟河市实验小学');
  const S6 = await add(K4, 'school', '南关区小学');
  const P2 = await add(null, 'province', '辽宁省', '210000');
  const C3 = await add(P2, 'city', '沈阳市', '210100');
  const K3 = await add(C3, 'county', '和平区', '210102');
  const S5 = await add(K3, 'school', '和平区第一小学');
  return { P1, C1, C2, K1, K2, K4, S1, S2, S3, S4, S6, I1, T1, P2, C3, K3, S5 };
}

let cachedHash: Promise<string> | undefined;

/** Creates an account with TEST_PASSWORD (no first-login change pending unless asked). */
export async function addUser(
  db: Database,
  unit: OrgUnitRow,
  role: Role,
  username: string,
  opts: { mustChangePassword?: boolean; password?: string } = {},
): Promise<number> {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  const passwordHash = opts.password ? await hashPassword(opts.password) : await cachedHash;
  return createUserRepository(db).insert({
    username,
    displayName: username,
    role,
    orgUnitId: unit.id,
    orgPath: unit.path,
    provinceId: unit.provinceId,
    passwordHash,
    mustChangePassword: opts.mustChangePassword ?? false,
  });
}

/** A new account at `unit` and the request context a service sees when it is logged in. */
export async function actorAt(db: Database, unit: OrgUnitRow, role: Role, username: string): Promise<RequestContext> {
  const userId = await addUser(db, unit, role, username);
  return {
    actor: { userId, username, role, orgUnitId: unit.id, orgPath: unit.path, provinceId: unit.provinceId },
    ip: '127.0.0.1',
  };
}
