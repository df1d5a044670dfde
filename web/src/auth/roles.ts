import type { OrgUnitKind, Role } from '../api/types';
// The server's own pure rules (no I/O), shared so the UI offers only what the server accepts.
import { ADMIN_ROLES, assignableRoles, roleFitsUnit } from '../../../src/domain/org-tree';

export { ADMIN_ROLES };

export function isAdminRole(role: Role): boolean {
  return ADMIN_ROLES.includes(role);
}

/** Roles an admin may give to accounts they create: strictly below their own. */
export function rolesBelow(role: Role): Role[] {
  return assignableRoles(role);
}

/** Whether an account of `role` may belong to a unit of `kind` (teachers live in schools, …). */
export function roleFitsUnitKind(role: Role, kind: OrgUnitKind): boolean {
  return roleFitsUnit(role, kind);
}

/**
 * Roles that may see teachers' ID numbers and phones in full (and export them so): the units
 * that register credits and keep the archives. The server decides per teacher; this only
 * decides whether the UI offers the choice.
 */
const FULL_IDENTIFIER_ROLES: readonly Role[] = ['school_admin', 'county_admin'];

export function mayExportFullIdentifiers(role: Role): boolean {
  return FULL_IDENTIFIER_ROLES.includes(role);
}

/**
 * Roles that register hours, open and submit annual verifications and issue certificates
 * the school, and the county for its schools). The server decides per unit.
 */
export const CREDIT_REGISTER_ROLES: readonly Role[] = ['school_admin', 'county_admin'];

/** Who keeps the credentials of platforms reporting learning records, and maps what matched nobody (bureaus). */
export const LRS_MANAGER_ROLES: readonly Role[] = ['province_admin', 'city_admin', 'county_admin'];

export function mayRegisterCredits(role: Role): boolean {
  return CREDIT_REGISTER_ROLES.includes(role);
}

/** A teacher's own hours in the current cycle. */
export const MY_CREDITS_PATH = '/me/credits';

/** A teacher's own record; an account not linked to the registry is sent on to /me from there. */
export const MY_TEACHER_PATH = '/me/teacher';

/** 工作台: an admin's to-dos, a teacher's hours and next session, a trainer's sessions of the day. */
export const HOME_PATH = '/';

/** Where a user lands after logging in: every role's home page. */
export function homePath(_role: Role): string {
  return HOME_PATH;
}
