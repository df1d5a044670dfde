/**
 * The organisation tree: province → city → county → (township centre school) → school,
 * with training institutions beside the tree. Pure rules, no I/O.
 */
export const ORG_UNIT_KINDS = ['province', 'city', 'county', 'township', 'school', 'institution'] as const;
export type OrgUnitKind = (typeof ORG_UNIT_KINDS)[number];

export const STAGES = ['kindergarten', 'primary', 'junior', 'senior', 'vocational'] as const;
export type Stage = (typeof STAGES)[number];

export const ROLES = ['province_admin', 'city_admin', 'county_admin', 'school_admin', 'trainer', 'teacher'] as const;
export type Role = (typeof ROLES)[number];

export const ADMIN_ROLES: readonly Role[] = ['province_admin', 'city_admin', 'county_admin', 'school_admin'];

const CHILD_KINDS: Record<OrgUnitKind, readonly OrgUnitKind[]> = {
  province: ['city', 'institution'],
  city: ['county', 'institution'],
  county: ['township', 'school', 'institution'],
  township: ['school'],
  school: [],
  institution: [],
};

/** Kinds of unit that may be created directly under a unit of `parent` kind. */
export function childKindsOf(parent: OrgUnitKind): readonly OrgUnitKind[] {
  return CHILD_KINDS[parent];
}

/** Units at which an account of each role may live. */
const ROLE_UNIT_KINDS: Record<Role, readonly OrgUnitKind[]> = {
  province_admin: ['province'],
  city_admin: ['city'],
  county_admin: ['county'],
  school_admin: ['school', 'township'],
  trainer: ['province', 'city', 'county', 'township', 'school', 'institution'],
  teacher: ['school', 'township'],
};

/**
 * Units whose teachers the registry keeps: schools, and township centre schools (乡镇中心校),
 * which teach classes of their own besides leading the village schools under them.
 */
export const TEACHER_UNIT_KINDS: readonly OrgUnitKind[] = ['school', 'township'];

export function holdsTeachers(kind: OrgUnitKind): boolean {
  return TEACHER_UNIT_KINDS.includes(kind);
}

export function roleFitsUnit(role: Role, kind: OrgUnitKind): boolean {
  return ROLE_UNIT_KINDS[role].includes(kind);
}

/** Higher rank manages lower rank; equal ranks do not manage each other. */
const RANK: Record<Role, number> = {
  province_admin: 5,
  city_admin: 4,
  county_admin: 3,
  school_admin: 2,
  trainer: 1,
  teacher: 0,
};

export function isAdmin(role: Role): boolean {
  return ADMIN_ROLES.includes(role);
}

export function outranks(actor: Role, target: Role): boolean {
  return RANK[actor] > RANK[target];
}

/** Roles an admin of `role` may give to the accounts they create. */
export function assignableRoles(role: Role): Role[] {
  return isAdmin(role) ? ROLES.filter((r) => outranks(role, r)) : [];
}

/** Materialized path of a child: parent '/1/7/' + id 42 → '/1/7/42/'. */
export function childPath(parentPath: string | null, id: number): string {
  return `${parentPath ?? '/'}${id}/`;
}

/** True when `path` is `ancestorPath` itself or lies below it. */
export function isWithin(ancestorPath: string, path: string): boolean {
  return path.startsWith(ancestorPath);
}

/** Ids along a path, root first: '/1/7/42/' → [1, 7, 42]. */
export function pathIds(path: string): number[] {
  return path.split('/').filter(Boolean).map(Number);
}
