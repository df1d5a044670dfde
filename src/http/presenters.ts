import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import type { UserRow } from '../repositories/user.repository.js';
import type { AuditRow } from '../repositories/audit-log.repository.js';
import type { ApiTokenRow } from '../repositories/api-token.repository.js';

/** A time for a JSON answer, null kept as null. */
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentOrgUnit(u: OrgUnitRow) {
  return {
    id: u.id,
    parentId: u.parentId,
    kind: u.kind,
    name: u.name,
    code: u.code,
    divisionCode: u.divisionCode,
    path: u.path,
    depth: u.depth,
    stages: u.stages,
    address: u.address,
    contactName: u.contactName,
    contactPhone: u.contactPhone,
    isDemo: u.isDemo,
    childCount: u.childCount,
  };
}

export function presentUser(u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    orgUnitId: u.orgUnitId,
    orgUnitName: u.orgUnitName,
    disabled: u.disabled,
    lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > Date.now() ? iso(u.lockedUntil) : null,
    mustChangePassword: u.mustChangePassword,
    lastLoginAt: iso(u.lastLoginAt),
    createdAt: u.createdAt.toISOString(),
  };
}

export function presentAudit(a: AuditRow) {
  return { ...a, at: a.at.toISOString(), details: (a.details ?? null) as Record<string, unknown> | null };
}

export function presentApiToken(t: ApiTokenRow) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}
