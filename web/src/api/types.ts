/** Types of the HTTP API, kept in step with the server's response schemas. */

export type OrgUnitKind = 'province' | 'city' | 'county' | 'township' | 'school' | 'institution';
export type Stage = 'kindergarten' | 'primary' | 'junior' | 'senior' | 'vocational';
export type Role =
  | 'province_admin'
  | 'city_admin'
  | 'county_admin'
  | 'school_admin'
  | 'trainer'
  | 'teacher';

export const ORG_UNIT_KINDS: readonly OrgUnitKind[] = [
  'province',
  'city',
  'county',
  'township',
  'school',
  'institution',
];
export const STAGES: readonly Stage[] = ['kindergarten', 'primary', 'junior', 'senior', 'vocational'];
export const ROLES: readonly Role[] = [
  'province_admin',
  'city_admin',
  'county_admin',
  'school_admin',
  'trainer',
  'teacher',
];

export interface OrgUnit {
  id: number;
  parentId: number | null;
  kind: OrgUnitKind;
  name: string;
  code: string | null;
  divisionCode: string | null;
  path: string;
  depth: number;
  stages: Stage[];
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  isDemo: boolean;
  childCount: number;
}

export interface OrgUnitRef {
  id: number;
  name: string;
  kind: OrgUnitKind;
}

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  orgUnit: { id: number; name: string; kind: OrgUnitKind; path: string };
  mustChangePassword: boolean;
}

export interface SessionResponse {
  user: Me;
  csrfToken: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Items<T> {
  items: T[];
}

export interface OrgUnitPermissions {
  canEdit: boolean;
  canCreateChild: boolean;
  childKinds: OrgUnitKind[];
  canImportSchools: boolean;
}

export interface OrgUnitDetail {
  unit: OrgUnit;
  breadcrumb: OrgUnitRef[];
  permissions: OrgUnitPermissions;
}

export interface CreateOrgUnitInput {
  parentId: number;
  kind: OrgUnitKind;
  name: string;
  code?: string;
  divisionCode?: string;
  stages?: Stage[];
  address?: string;
  contactName?: string;
  contactPhone?: string;
}

export interface UpdateOrgUnitInput {
  name?: string;
  code?: string | null;
  stages?: Stage[];
  address?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
}

export interface SchoolImportResult {
  created: number;
}

export interface ImportRowError {
  row: number;
  column: string;
  code: string;
  message: string;
}

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  orgUnitId: number;
  orgUnitName: string;
  disabled: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface UserQuery {
  orgUnitId?: number;
  includeDescendants?: boolean;
  q?: string;
  role?: Role;
  page?: number;
  pageSize?: number;
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  role: Role;
  orgUnitId: number;
}

export interface UpdateUserInput {
  displayName?: string;
  disabled?: boolean;
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreateApiTokenInput {
  name: string;
  expiresInDays?: number;
}

export type AuditOutcome = 'success' | 'failure' | 'denied';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

export interface AuditEntry {
  id: number;
  at: string;
  actorUsername: string | null;
  actorRole: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  ip: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditQuery {
  orgUnitId?: number;
  action?: string;
  outcome?: AuditOutcome;
  actor?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

/** Error codes the server sends in `{ error: { code } }`, plus the client's own. */
export type ApiErrorCode =
  | 'VALIDATION_FAILED'
  | 'BAD_REQUEST'
  | 'AUTH_REQUIRED'
  | 'AUTH_INVALID_CREDENTIALS'
  | 'AUTH_ACCOUNT_LOCKED'
  | 'AUTH_PASSWORD_CHANGE_REQUIRED'
  | 'AUTH_SESSION_EXPIRED'
  | 'CSRF_INVALID'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'USERNAME_TAKEN'
  | 'ORG_CODE_TAKEN'
  | 'ORG_KIND_NOT_ALLOWED'
  | 'PASSWORD_TOO_WEAK'
  | 'PASSWORD_WRONG'
  | 'IMPORT_INVALID'
  | 'FILE_TOO_LARGE'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'INVALID_JSON'
  | 'ROLE_NOT_ALLOWED_AT_UNIT'
  | 'DIVISION_CODE_TAKEN'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE'
  | 'NETWORK_ERROR'
  | 'UNEXPECTED_RESPONSE';

export interface ValidationIssue {
  path: string;
  message: string;
}
