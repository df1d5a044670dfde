/** Types of the HTTP API, kept in step with the server's response schemas. */

// The credit rules' shapes come from the server's pure rules (no I/O), like the role rules in auth/roles.
import type { CycleRules as DomainCycleRules } from '../../../src/domain/cycle-rules';
import type { ProgressStatus as DomainProgressStatus } from '../../../src/domain/credit-progress';

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
  | 'DATABASE_UNAVAILABLE'
  | 'CYCLE_RULES_INVALID'
  | 'CYCLE_NOT_FOUND_FOR_YEAR'
  | 'ENTRY_INVALID'
  | 'ENTRY_ABOVE_LIMIT'
  | 'EVIDENCE_TYPE_NOT_ALLOWED'
  | 'CYCLE_OVERLAP'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'YEAR_LOCKED'
  | 'ENTRY_ALREADY_REVERSED'
  | 'VERIFICATION_STATE'
  | 'CERTIFICATE_STATE'
  | 'NETWORK_ERROR'
  | 'UNEXPECTED_RESPONSE';

export interface ValidationIssue {
  path: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Continuing-education credits (R-10 … R-17): cycles and rules, the ledger, progress, annual
// verification, certificates and unit reports. Hours travel as integers in tenths of an hour
// (2415 = 241.5 学时); show them with `formatHours` from lib/hours, never with float arithmetic.
// The enumerations come from the server's own pure rules so the UI cannot drift from them.


export type CycleRules = DomainCycleRules;
export type RuleCondition = CycleRules['minima'][number]['appliesTo'] extends (infer C)[] | null ? C : never;
export type MinimumRule = CycleRules['minima'][number];
export type CapRule = CycleRules['caps'][number];
export type CategoryDef = CycleRules['categories'][number];
export type ProgressStatus = DomainProgressStatus;
export type SourceType = 'project' | 'course' | 'school_activity' | 'import' | 'external';
export const PROGRESS_STATUSES: readonly ProgressStatus[] = ['complete', 'on_track', 'behind', 'at_risk', 'out_of_scope'];
export const SOURCE_TYPES: readonly SourceType[] = ['project', 'course', 'school_activity', 'import', 'external'];

export interface Cycle {
  id: number;
  name: string;
  startYear: number;
  endYear: number;
  currentVersion: number;
  /** the cycle that contains the current year */
  current: boolean;
  rules: CycleRules;
  createdAt: string;
}

export interface CycleVersion {
  version: number;
  note: string | null;
  createdAt: string;
  createdByName: string | null;
}

export interface CycleDetail {
  cycle: Cycle;
  versions: CycleVersion[];
  /** the actor may change the rules (province administrators) */
  canManage: boolean;
}

export interface CreateCycleInput {
  name: string;
  startYear: number;
  endYear: number;
  rules?: CycleRules;
  note?: string;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** A background job as its users follow it. */
export interface Job<R = unknown> {
  id: number;
  kind: string;
  status: JobStatus;
  progress: number;
  total: number;
  result: R | null;
  errorCode: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StatusTransition {
  from: ProgressStatus;
  to: ProgressStatus;
  count: number;
}

/** The result of a rules preview job: who would move between which statuses. */
export interface RulesPreviewResult {
  teachers: number;
  changed: number;
  transitions: StatusTransition[];
  sample: Array<{
    teacherId: number;
    name: string;
    orgUnitId: number;
    from: ProgressStatus;
    to: ProgressStatus;
    countedFrom: number;
    countedTo: number;
  }>;
}

export interface CreditEntry {
  id: number;
  teacherId: number;
  teacherName?: string;
  cycleId: number;
  orgUnitName: string;
  year: number;
  /** tenths of an hour; negative for a reversal */
  hours: number;
  categories: string[];
  sourceType: SourceType;
  sourceRef: string | null;
  title: string;
  occurredOn: string;
  evidenceId: number | null;
  evidenceRef: string | null;
  evidenceName: string | null;
  /** set on a reversal: the entry it cancels */
  reversesId: number | null;
  reason: string | null;
  /** posted after the county signed the year off (an approved reversal) */
  afterLock: boolean;
  createdAt: string;
  createdByName: string | null;
}

export interface ProgressEntry extends CreditEntry {
  counted: number;
  /** the cap that held back (part of) the entry */
  cappedBy: string | null;
  cancelled: 'reversed' | 'reversal' | null;
}

export interface ExplanationLine {
  key: string;
  params: Record<string, string | number>;
  entryIds?: number[];
  /** the line in words, in the request's language */
  text: string;
}

export type ReviewStatus = 'open' | 'answered';

export interface CreditReview {
  id: number;
  teacherId: number;
  teacherName: string;
  orgUnitName: string;
  cycleId: number;
  topic: string;
  message: string;
  status: ReviewStatus;
  answer: string | null;
  answeredByName: string | null;
  answeredAt: string | null;
  createdAt: string;
}

export type VerificationResult = 'verified' | 'not_verified' | 'exempt' | 'not_in_scope';
export type VerificationStatus = 'open' | 'submitted' | 'signed_off' | 'returned';
export const VERIFICATION_STATUSES: readonly VerificationStatus[] = ['open', 'submitted', 'signed_off', 'returned'];
export const VERIFICATION_RESULTS: readonly VerificationResult[] = ['verified', 'not_verified', 'exempt', 'not_in_scope'];

export interface ProgressYear {
  year: number;
  counted: number;
  minimum: number | null;
  /** null: no yearly minimum, or the year has not ended */
  met: boolean | null;
  verification: VerificationResult | null;
  verificationStatus: VerificationStatus | null;
  exceptionReason: string | null;
}

export interface ProgressMinimum {
  id: string;
  name: string;
  category: string;
  required: number;
  counted: number;
  applies: boolean;
  met: boolean;
  /** why it applies or not, in words */
  why: string;
}

export interface ProgressCap {
  id: string;
  name: string;
  limit: number;
  matched: number;
  counted: number;
}

/** A teacher's progress in a cycle, explained line by line. */
export interface CreditProgress {
  teacher: { id: number; name: string; orgUnitName: string; idNumberMasked: string };
  cycle: Cycle;
  status: ProgressStatus;
  inScope: boolean;
  required: number;
  raw: number;
  counted: number;
  credits: string;
  expectedByNow: number;
  asOfYear: number;
  years: ProgressYear[];
  minima: ProgressMinimum[];
  caps: ProgressCap[];
  entries: ProgressEntry[];
  explanation: ExplanationLine[];
  reviews: CreditReview[];
}

export interface RegistrationInput {
  teacherId: number;
  /** tenths of an hour */
  hours: number;
  occurredOn: string;
  title: string;
  categories: string[];
  sourceType: SourceType;
  sourceRef?: string | null;
  evidenceId?: number | null;
  evidenceRef?: string | null;
  /** the same key twice is one entry: a double click or a retry registers once */
  idemKey: string;
}

export interface RegisterResult {
  created: number;
  replayed: number;
  entries: Array<{ index: number; id: number; replayed: boolean }>;
}

/** `details.problems[]` of ENTRY_INVALID: one row of the batch and what is wrong with it. */
export const REGISTRATION_PROBLEM_CODES = [
  'teacher_not_found',
  'no_cycle',
  'above_limit',
  'unknown_category',
  'future_date',
  'bad_date',
  'year_locked',
  'evidence_not_found',
  'duplicate_key_in_batch',
] as const;
export type RegistrationProblemCode = (typeof REGISTRATION_PROBLEM_CODES)[number];

export interface RegistrationProblem {
  index: number;
  field: string;
  code: RegistrationProblemCode | string;
  params?: Record<string, string | number>;
}

/** `details.problems[]` of CYCLE_RULES_INVALID: the field (by path) and what is wrong. */
export const RULE_PROBLEM_CODES = [
  'positive_tenths',
  'yearly_above_total',
  'out_of_range',
  'category_code_format',
  'duplicate',
  'unknown_category',
  'minimum_above_total',
  'date_format',
  'date_outside_cycle',
  'empty_condition',
  'age_range_empty',
  'cap_matches_nothing',
  'cycle_years',
] as const;

export interface RuleProblem {
  path: string;
  code: string;
  params?: Record<string, string | number>;
}

export interface EvidenceFile {
  id: number;
  fileName: string;
  sizeBytes: number;
  mimeType: string;
}

export interface ReverseResult {
  /** the reversal entry, when posted at once */
  reversalId: number | null;
  /** the request the county must approve, when the year is signed off */
  requestId: number | null;
}

export interface Verification {
  id: number;
  cycleId: number;
  year: number;
  orgUnitId: number;
  orgUnitName: string;
  status: VerificationStatus;
  teachers: number;
  verified: number;
  openedAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
  decidedByName: string | null;
  decisionNote: string | null;
}

/** One failed item of a teacher's year (domain `YearFailure`). */
export interface YearFailure {
  item: 'yearly_minimum' | 'cycle_total' | 'minimum';
  id?: string;
  counted: number;
  required: number;
}

export interface VerificationItem {
  teacherId: number;
  teacherName: string;
  idNumberMasked: string;
  computed: 'passed' | 'failed' | 'not_in_scope';
  failures: unknown[];
  yearHours: number;
  exception: 'exempt' | 'failed' | null;
  exceptionReason: string | null;
  result: VerificationResult;
}

export interface VerificationDetail {
  verification: Verification;
  items: VerificationItem[];
}

export type ReversalRequestStatus = 'pending' | 'approved' | 'rejected';

export interface ReversalRequest {
  id: number;
  entryId: number;
  reason: string;
  status: ReversalRequestStatus;
  requestedAt: string;
  decidedAt: string | null;
  decisionNote: string | null;
  requestedByName: string | null;
  teacherName: string;
  orgUnitName: string;
  title: string;
  hours: number;
  year: number;
  occurredOn: string;
}

export type CertificateKind = 'cycle' | 'year';
export type CertificateStatus = 'valid' | 'revoked' | 'superseded';

export interface Certificate {
  id: number;
  code: string;
  teacherId: number;
  teacherName: string;
  cycleId: number;
  kind: CertificateKind;
  year: number | null;
  status: CertificateStatus;
  totalHours: number;
  issuedAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

export interface BulkCertificateResult {
  file: string;
  count: number;
  issued: number;
  unitName: string;
}

export interface RollupCounts {
  teachers: number;
  inScope: number;
  complete: number;
  onTrack: number;
  behind: number;
  atRisk: number;
  rawHours: number;
  countedHours: number;
  entryCount: number;
  /** teachers in submitted or signed-off verifications of the year */
  verificationTeachers: number;
  verified: number;
  schoolsSignedOff: number;
}

export interface RollupRow extends RollupCounts {
  orgUnitId: number;
  name: string;
  kind: OrgUnitKind;
}

export interface CreditRollup {
  unit: { id: number; name: string; kind: OrgUnitKind };
  cycle: { id: number; name: string; startYear: number; endYear: number };
  year: number;
  rows: RollupRow[];
  total: RollupCounts;
}

export interface TeacherStatusRow {
  teacherId: number;
  name: string;
  idNumberMasked: string;
  orgUnitId: number;
  orgUnitName: string;
  status: ProgressStatus;
  countedHours: number;
  rawHours: number;
  /** counted hours per year of the cycle, from its start year */
  yearHours: number[];
  minimaUnmet: number;
}
