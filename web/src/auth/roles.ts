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

/** Where a user lands after logging in. */
export function homePath(role: Role): string {
  return isAdminRole(role) ? '/org' : '/me';
}
