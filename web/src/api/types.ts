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

/** A page whose total may be a lower bound: true when there are more matches than `total`. */
export interface CappedPage<T> extends Page<T> {
  totalCapped: boolean;
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

export type Gender = 'male' | 'female';
export type IdType = 'resident' | 'hk_macao' | 'taiwan' | 'passport' | 'other';
export type Employment = 'staff' | 'special_post' | 'substitute';
export type BackboneLevel = 'school' | 'county' | 'city' | 'province';
/** What the list can be narrowed to; `backbone` is any backbone level. */
export type TeacherFlag = 'headTeacher' | 'subjectLeader' | 'masterTeacher' | 'newTeacher' | 'backbone';

export const GENDERS: readonly Gender[] = ['male', 'female'];
export const ID_TYPES: readonly IdType[] = ['resident', 'hk_macao', 'taiwan', 'passport', 'other'];
export const EMPLOYMENTS: readonly Employment[] = ['staff', 'special_post', 'substitute'];
export const BACKBONE_LEVELS: readonly BackboneLevel[] = ['school', 'county', 'city', 'province'];
export const TEACHER_FLAGS: readonly TeacherFlag[] = ['headTeacher', 'backbone', 'subjectLeader', 'masterTeacher', 'newTeacher'];

export interface Teacher {
  id: number;
  orgUnitId: number;
  orgUnitName: string;
  name: string;
  idType: IdType;
  idNumberMasked: string;
  gender: Gender | null;
  /** YYYY-MM-DD */
  birthDate: string | null;
  phoneMasked: string | null;
  stage: Stage;
  subject: string | null;
  title: string | null;
  teachingStartYear: number | null;
  employment: Employment;
  headTeacher: boolean;
  backboneLevel: BackboneLevel | null;
  subjectLeader: boolean;
  masterTeacher: boolean;
  newTeacher: boolean;
  hasAccount: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TeacherQuery {
  orgUnitId?: number;
  directOnly?: boolean;
  q?: string;
  stage?: Stage;
  subject?: string;
  employment?: Employment;
  flag?: TeacherFlag;
  backboneLevel?: BackboneLevel;
  hasAccount?: boolean;
  page?: number;
  pageSize?: number;
}

export interface FormerTeacher {
  id: number;
  name: string;
  idNumberMasked: string;
  /** the unit in the asker's area where the teacher last served */
  lastUnitName: string;
  startedOn: string;
  endedOn: string;
}

export interface FormerTeacherQuery {
  orgUnitId?: number;
  page?: number;
  pageSize?: number;
}

export interface TeacherPosting {
  orgUnitId: number;
  orgUnitName: string;
  startedOn: string;
  endedOn: string | null;
  reason: string | null;
}

export interface TeacherPermissions {
  canEdit: boolean;
  canUnmask: boolean;
  canTransfer: boolean;
}

export interface TeacherDetail {
  teacher: Teacher;
  /** the teacher has moved out of the asker's area: read only, current school hidden */
  former: boolean;
  postings: TeacherPosting[];
  permissions: TeacherPermissions;
}

export interface TeacherInput {
  name: string;
  idType: IdType;
  idNumber: string;
  gender?: Gender | null;
  birthDate?: string | null;
  phone?: string | null;
  stage: Stage;
  subject?: string | null;
  title?: string | null;
  teachingStartYear?: number | null;
  employment: Employment;
  headTeacher: boolean;
  backboneLevel?: BackboneLevel | null;
  subjectLeader: boolean;
  masterTeacher: boolean;
  newTeacher: boolean;
}

export type CreateTeacherInput = TeacherInput & { orgUnitId: number };
export type UpdateTeacherInput = Partial<TeacherInput>;

export interface UnmaskedIdentifiers {
  idNumber: string;
  phone: string | null;
}

export interface TransferTeacherInput {
  toOrgUnitId: number;
  reason?: string;
}

/** A one-time activation code, as issued; the server keeps only its hash. */
export interface ActivationCode {
  teacherId: number;
  name: string;
  idNumberMasked: string;
  orgUnitName: string;
  code: string;
  expiresAt: string;
  /** the teacher had an account, which now needs activating again */
  hadAccount: boolean;
}

/** Fields of their own record a teacher may ask the school to correct. */
export const CORRECTABLE_FIELDS = [
  'name',
  'idNumber',
  'gender',
  'birthDate',
  'phone',
  'stage',
  'subject',
  'title',
  'teachingStartYear',
  'employment',
] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

export type CorrectionStatus = 'open' | 'accepted' | 'rejected';
export const CORRECTION_STATUSES: readonly CorrectionStatus[] = ['open', 'accepted', 'rejected'];

export interface TeacherCorrection {
  id: number;
  teacherId: number;
  teacherName: string;
  orgUnitName: string;
  field: CorrectableField;
  /** null when hidden: ID numbers and phones stay encrypted until the school accepts */
  proposed: string | null;
  proposedHidden: boolean;
  reason: string;
  status: CorrectionStatus;
  createdAt: string;
  decidedAt: string | null;
  decisionNote: string | null;
}

export interface CorrectionQuery {
  orgUnitId?: number;
  status?: CorrectionStatus;
}

export interface CorrectionInput {
  field: CorrectableField;
  proposed: string;
  reason: string;
}

/** The logged-in teacher's own record (identifiers masked), postings and requests. */
export interface MyTeacherRecord {
  teacher: Teacher;
  postings: TeacherPosting[];
  corrections: TeacherCorrection[];
}

export interface ActivateInput {
  idNumber: string;
  code: string;
  password: string;
}

/** Columns of the roster file, as the import reports them (`file`: the file as a whole). */
export type RosterColumn =
  | 'name'
  | 'idType'
  | 'idNumber'
  | 'gender'
  | 'birthDate'
  | 'phone'
  | 'school'
  | 'stage'
  | 'subject'
  | 'title'
  | 'teachingStartYear'
  | 'employment'
  | 'headTeacher'
  | 'backboneLevel'
  | 'subjectLeader'
  | 'masterTeacher'
  | 'newTeacher';

export const ROSTER_COLUMNS: readonly RosterColumn[] = [
  'name',
  'idType',
  'idNumber',
  'gender',
  'birthDate',
  'phone',
  'school',
  'stage',
  'subject',
  'title',
  'teachingStartYear',
  'employment',
  'headTeacher',
  'backboneLevel',
  'subjectLeader',
  'masterTeacher',
  'newTeacher',
];

/**
 * Problem codes of a teacher field or a roster cell (`details.problems` of TEACHER_INVALID,
 * `errors[].code` of an import report); each has a text under `teacherProblems.` in the UI.
 */
export const TEACHER_PROBLEM_CODES = [
  'required',
  'bad_chars',
  'invalid_choice',
  'invalid_yes_no',
  'text_too_long',
  'name_blank',
  'name_too_long',
  'name_characters',
  'id_blank',
  'id_length',
  'id_characters',
  'id_region',
  'id_birth_date',
  'id_future_birth_date',
  'id_check_digit',
  'id_too_long',
  'id_characters_other',
  'id_stored_as_number',
  'gender_mismatch',
  'birth_date_mismatch',
  'birth_date_invalid',
  'phone_invalid',
  'teaching_start_year_invalid',
  'school_unknown',
  'school_ambiguous',
  'school_mismatch',
  'duplicate_in_file',
] as const;
export type TeacherProblemCode = (typeof TEACHER_PROBLEM_CODES)[number];

export interface RosterRowError {
  /** spreadsheet row number as users see it */
  row: number;
  column: RosterColumn | 'file' | string;
  code: string;
  /** the offending value, shortened; never an identifier in full */
  value?: string;
  /** the server's own wording, in the request's language */
  message: string;
}

export type TeacherImportStatus = 'validated' | 'committed' | 'discarded';

export interface TeacherImportSummary {
  total: number;
  create: number;
  update: number;
  unchanged: number;
  transfer: number;
  /** rows with at least one problem */
  error: number;
}

export interface TeacherImportTransfer {
  row: number;
  name: string;
  idNumberMasked: string;
  fromUnitName: string | null;
  toUnitName: string;
}

export interface TeacherImportResult {
  created?: number;
  updated?: number;
  unchanged?: number;
  transferred?: number;
  transfersNotConfirmed?: number;
  errorRowsLeftOut?: number;
  [key: string]: number | undefined;
}

export interface TeacherImportReport {
  importId: number;
  status: TeacherImportStatus;
  fileName: string;
  summary: TeacherImportSummary;
  errors: RosterRowError[];
  /** headers that name no known column (ignored) */
  extraColumns: string[];
  transfers: TeacherImportTransfer[];
  result: TeacherImportResult | null;
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
  | 'IMPORT_STALE'
  | 'IMPORT_NOT_OPEN'
  | 'IMPORT_UNPACKED_TOO_LARGE'
  | 'IMPORT_TOO_MANY_ROWS'
  | 'IMPORT_FILE_UNREADABLE'
  | 'IMPORT_NO_ROSTER_SHEET'
  | 'IMPORT_MISSING_COLUMNS'
  | 'TEACHER_INVALID'
  | 'TEACHER_UNIT_NOT_SCHOOL'
  | 'TEACHER_ID_TAKEN'
  | 'TRANSFER_SAME_SCHOOL'
  | 'ACTIVATION_INVALID'
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
