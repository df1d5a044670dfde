/**
 * Types of the HTTP API under the names the pages use. Answers and bodies are aliases of the types generated
 * from the server's OpenAPI document (schema.gen.ts, `npm run gen:api`), so they cannot drift from the routes;
 * what the document does not describe (error details, job results, problem codes) is written here.
 */
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';

// The credit rules' shapes come from the server's pure rules (no I/O), like the role rules in auth/roles.
import type { CycleRules as DomainCycleRules } from '../../../src/domain/cycle-rules';
import type { ProgressStatus as DomainProgressStatus } from '../../../src/domain/credit-progress';

export type OrgUnitKind = OrgUnit['kind'];
export type Stage = Teacher['stage'];
export type Role = Me['role'];

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

export type OrgUnit = OrgUnitDetail['unit'];

export type OrgUnitRef = OrgUnitDetail['breadcrumb'][number];

type SessionUser = ApiResponse<'/api/auth/me', 'get'>['user'];
/** The signed-in account; the server's schema gives its unit's kind as text, it is one of the kinds. */
export type Me = Omit<SessionUser, 'orgUnit'> & {
  orgUnit: Omit<SessionUser['orgUnit'], 'kind'> & { kind: OrgUnitKind };
};

export type SessionResponse = Omit<ApiResponse<'/api/auth/me', 'get'>, 'user'> & { user: Me };

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

export type OrgUnitPermissions = OrgUnitDetail['permissions'];

export type OrgUnitDetail = ApiResponse<'/api/org-units/{id}', 'get'>;

export type CreateOrgUnitInput = ApiBody<'/api/org-units', 'post'>;

export type UpdateOrgUnitInput = ApiBody<'/api/org-units/{id}', 'patch'>;

export type SchoolImportResult = ApiResponse<'/api/org-units/{id}/school-import', 'post'>;

export interface ImportRowError {
  row: number;
  column: string;
  code: string;
  message: string;
}

export type User = ApiResponse<'/api/users', 'get'>['items'][number];

export type UserQuery = ApiQuery<'/api/users', 'get'>;

export type CreateUserInput = ApiBody<'/api/users', 'post'>;

export type UpdateUserInput = ApiBody<'/api/users/{id}', 'patch'>;

export type ApiToken = ApiResponse<'/api/api-tokens', 'get'>['items'][number];

export type CreateApiTokenInput = ApiBody<'/api/api-tokens', 'post'>;

export type AuditOutcome = AuditEntry['outcome'];
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

export type AuditEntry = ApiResponse<'/api/audit-log', 'get'>['items'][number];

export type AuditQuery = ApiQuery<'/api/audit-log', 'get'>;

export type Gender = NonNullable<Teacher['gender']>;
export type IdType = Teacher['idType'];
export type Employment = Teacher['employment'];
export type BackboneLevel = NonNullable<Teacher['backboneLevel']>;
/** What the list can be narrowed to; `backbone` is any backbone level. */
export type TeacherFlag = NonNullable<TeacherQuery['flag']>;

export const GENDERS: readonly Gender[] = ['male', 'female'];
export const ID_TYPES: readonly IdType[] = ['resident', 'hk_macao', 'taiwan', 'passport', 'other'];
export const EMPLOYMENTS: readonly Employment[] = ['staff', 'special_post', 'substitute'];
export const BACKBONE_LEVELS: readonly BackboneLevel[] = ['school', 'county', 'city', 'province'];
export const TEACHER_FLAGS: readonly TeacherFlag[] = [
  'headTeacher',
  'backbone',
  'subjectLeader',
  'masterTeacher',
  'newTeacher',
];

export type Teacher = TeacherDetail['teacher'];

export type TeacherQuery = ApiQuery<'/api/teachers', 'get'>;

export type FormerTeacher = ApiResponse<'/api/teachers/former', 'get'>['items'][number];

export type FormerTeacherQuery = ApiQuery<'/api/teachers/former', 'get'>;

export type TeacherPosting = TeacherDetail['postings'][number];

export type TeacherPermissions = TeacherDetail['permissions'];

export type TeacherDetail = ApiResponse<'/api/teachers/{id}', 'get'>;
/** One class of a teacher's training record (教师档案). */
export type TeacherTrainingRecord = ApiResponse<'/api/teachers/{id}/training', 'get'>['items'][number];

export type TeacherInput = Omit<CreateTeacherInput, 'orgUnitId'>;

export type CreateTeacherInput = ApiBody<'/api/teachers', 'post'>;
export type UpdateTeacherInput = ApiBody<'/api/teachers/{id}', 'patch'>;

export type UnmaskedIdentifiers = ApiResponse<'/api/teachers/{id}/unmask', 'post'>;

export type TransferTeacherInput = ApiBody<'/api/teachers/{id}/transfer', 'post'>;

/** A one-time activation code, as issued; the server keeps only its hash. */
export type ActivationCode = ApiResponse<'/api/org-units/{id}/activation-codes', 'post'>['items'][number];

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

export type TeacherCorrection = ApiResponse<'/api/teacher-corrections', 'get'>['items'][number];

export type CorrectionQuery = ApiQuery<'/api/teacher-corrections', 'get'>;

export type CorrectionInput = ApiBody<'/api/me/teacher/corrections', 'post'>;

/** The logged-in teacher's own record (identifiers masked), postings and requests. */
export type MyTeacherRecord = ApiResponse<'/api/me/teacher', 'get'>;

export type ActivateInput = ApiBody<'/api/auth/activate', 'post'>;

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

export type RosterRowError = TeacherImportReport['errors'][number];

export type TeacherImportStatus = TeacherImportReport['status'];

export type TeacherImportSummary = TeacherImportReport['summary'];

export type TeacherImportTransfer = TeacherImportReport['transfers'][number];

export type TeacherImportResult = NonNullable<TeacherImportReport['result']>;

export type TeacherImportReport = ApiResponse<'/api/teacher-imports/{id}', 'get'>;

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
export const PROGRESS_STATUSES: readonly ProgressStatus[] = [
  'complete',
  'on_track',
  'behind',
  'below_yearly',
  'at_risk',
  'out_of_scope',
];
/** The statuses a report lists as needing attention (需要关注) by default. */
export const ATTENTION_STATUSES: readonly ProgressStatus[] = ['behind', 'below_yearly', 'at_risk'];
export const SOURCE_TYPES: readonly SourceType[] = ['project', 'course', 'school_activity', 'import', 'external'];

export type Cycle = CycleDetail['cycle'];

export type CycleVersion = CycleDetail['versions'][number];

export type CycleDetail = ApiResponse<'/api/cycles/{id}', 'get'>;

export type CreateCycleInput = ApiBody<'/api/cycles', 'post'>;

type JobOut = ApiResponse<'/api/jobs/{id}', 'get'>['job'];
export type JobStatus = JobOut['status'];

/** A background job as its users follow it; `R` is the result its kind leaves (the API does not describe it). */
export type Job<R = unknown> = Omit<JobOut, 'result'> & { result: R | null };

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

export type CreditEntry = ApiResponse<'/api/credits/entries', 'get'>['items'][number];

export type ProgressEntry = CreditProgress['entries'][number];

export type ExplanationLine = CreditProgress['explanation'][number];

export type ReviewStatus = CreditReview['status'];

export type CreditReview = ApiResponse<'/api/credits/reviews', 'get'>['items'][number];

export type VerificationResult = 'verified' | 'not_verified' | 'exempt' | 'not_in_scope';
export type VerificationStatus = Verification['status'];
export const VERIFICATION_STATUSES: readonly VerificationStatus[] = ['open', 'submitted', 'signed_off', 'returned'];
export const VERIFICATION_RESULTS: readonly VerificationResult[] = [
  'verified',
  'not_verified',
  'exempt',
  'not_in_scope',
];

export type ProgressYear = CreditProgress['years'][number];

export type ProgressMinimum = CreditProgress['minima'][number];

export type ProgressCap = CreditProgress['caps'][number];

/** A teacher's progress in a cycle, explained line by line. */
export type CreditProgress = ApiResponse<'/api/credits/progress', 'get'>;

export type RegistrationInput = ApiBody<'/api/credits/entries', 'post'>['entries'][number];

export type RegisterResult = ApiResponse<'/api/credits/entries', 'post'>;
/** The same hours for every teacher matching the registry filters ("all N matching"). */
export type MatchingRegistration = ApiBody<'/api/credits/entries/matching', 'post'>;

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
  /** who the problem is about, when the teachers were picked as "all matching" */
  teacherName?: string | null;
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

export type EvidenceFile = ApiResponse<'/api/credits/evidence', 'post'>;

export type ReverseResult = ApiResponse<'/api/credits/entries/{id}/reverse', 'post'>;

export type Verification = ApiResponse<'/api/verifications', 'get'>['items'][number];
export type SchoolYearList = ApiResponse<'/api/verifications/schools', 'get'>;
/** A school's year in the county's list: `not_started` while the school has not opened it. */
export type SchoolYear = SchoolYearList['items'][number];
export type SchoolYearStatus = SchoolYear['status'];
export const SCHOOL_YEAR_STATUSES: readonly SchoolYearStatus[] = [
  'not_started',
  'open',
  'returned',
  'submitted',
  'signed_off',
];

/** One failed item of a teacher's year (domain `YearFailure`). */
export interface YearFailure {
  item: 'yearly_minimum' | 'cycle_total' | 'minimum';
  id?: string;
  counted: number;
  required: number;
}

export type VerificationItem = VerificationDetail['items'][number];

export type VerificationDetail = ApiResponse<'/api/verifications/{id}', 'get'>;

export type ReversalRequestStatus = ReversalRequest['status'];

export type ReversalRequest = ApiResponse<'/api/reversal-requests', 'get'>['items'][number];

export type CertificateKind = Certificate['kind'];
export type CertificateStatus = Certificate['status'];

export type Certificate = ApiResponse<'/api/certificates', 'get'>['items'][number];

export interface BulkCertificateResult {
  file: string;
  count: number;
  issued: number;
  unitName: string;
}

export type RollupCounts = CreditRollup['total'];

export type RollupRow = CreditRollup['rows'][number];

export type CreditRollup = ApiResponse<'/api/reports/credits', 'get'>;

export type TeacherStatusRow = ApiResponse<'/api/reports/credits/teachers', 'get'>['items'][number];
/** The current year of a report's cycle: its yearly minimum and the days left in it (today included). */
export type ReportThisYear = ApiResponse<'/api/reports/credits/teachers', 'get'>['thisYear'];
