/** Every error a user can meet has a code; the code decides the HTTP status and the message. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  PATH_NOT_CANONICAL: 400,
  INVALID_JSON: 400,
  ORG_KIND_NOT_ALLOWED: 400,
  ROLE_NOT_ALLOWED_AT_UNIT: 400,
  PASSWORD_TOO_WEAK: 400,
  PASSWORD_WRONG: 400,
  TEACHER_INVALID: 400,
  TEACHER_UNIT_NOT_SCHOOL: 400,
  TRANSFER_SAME_SCHOOL: 400,
  ACTIVATION_INVALID: 400,
  CYCLE_RULES_INVALID: 400,
  CYCLE_NOT_FOUND_FOR_YEAR: 400,
  ENTRY_INVALID: 400,
  ENTRY_ABOVE_LIMIT: 400,
  EVIDENCE_TYPE_NOT_ALLOWED: 415,
  CHECKIN_TOKEN_INVALID: 400,
  CHECKIN_TOKEN_EXPIRED: 400,
  CHECKIN_WRONG_SESSION: 400,
  CHECKIN_OUTSIDE_WINDOW: 400,
  AUTH_REQUIRED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  AUTH_SESSION_EXPIRED: 401,
  AUTH_PASSWORD_CHANGE_REQUIRED: 403,
  CSRF_INVALID: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  USERNAME_TAKEN: 409,
  ORG_CODE_TAKEN: 409,
  DIVISION_CODE_TAKEN: 409,
  TEACHER_ID_TAKEN: 409,
  IMPORT_STALE: 409,
  IMPORT_NOT_OPEN: 409,
  IMPORT_EXPIRED: 409,
  CYCLE_OVERLAP: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  YEAR_LOCKED: 409,
  ENTRY_ALREADY_REVERSED: 409,
  VERIFICATION_STATE: 409,
  CERTIFICATE_STATE: 409,
  COURSE_TITLE_TAKEN: 409,
  COURSE_INVALID: 400,
  COURSE_SHEET_INVALID: 422,
  TRAINER_INVALID: 400,
  TRAINER_ACCOUNT_TAKEN: 409,
  TRAINER_TEACHER_TAKEN: 409,
  TRAINER_SHEET_INVALID: 422,
  REGISTRATION_CLOSED: 409,
  QUOTA_EXHAUSTED: 409,
  SELECTION_TOO_LARGE: 400,
  CLASS_CLOSED: 409,
  CLASS_NOT_ENDED: 409,
  CHECKIN_CLASS_CLOSED: 409,
  PROJECT_STATE: 409,
  NOT_ENROLLED: 409,
  ALREADY_ENROLLED: 409,
  CAPACITY_BELOW_ENROLLED: 409,
  FEE_ITEM_NAME_TAKEN: 409,
  FEE_ITEM_ARCHIVED: 409,
  FEE_ITEM_HAS_PAYMENTS: 409,
  FEE_PAID_BELOW_ZERO: 409,
  FEE_UNIT_NOT_PAYING: 400,
  PLAN_IN_REVIEW: 409,
  PLAN_APPROVED: 409,
  PLAN_STATE: 409,
  PLAN_LEVEL_MISMATCH: 400,
  PLAN_INVALID: 400,
  PLAN_EMPTY: 422,
  SURVEY_ALREADY_ANSWERED: 409,
  SURVEY_NOT_OPEN: 409,
  SURVEY_LOCKED: 409,
  CLASS_NOT_ONLINE: 409,
  REFLECTION_NOT_OPEN: 409,
  REFLECTION_WITHDRAWN: 409,
  REFLECTION_LIMIT: 409,
  PAYLOAD_TOO_LARGE: 413,
  FILE_TOO_LARGE: 413,
  IMPORT_UNPACKED_TOO_LARGE: 413,
  IMPORT_TOO_MANY_ROWS: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IMPORT_INVALID: 422,
  IMPORT_FILE_UNREADABLE: 422,
  IMPORT_NO_ROSTER_SHEET: 422,
  IMPORT_MISSING_COLUMNS: 422,
  REGISTRATION_SHEET_INVALID: 422,
  ENROLMENT_NOT_ELIGIBLE: 422,
  QUOTA_INVALID: 422,
  AUTH_ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  IDENTIFIER_LOOKUP_LIMIT: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details?: Record<string, unknown>;
  /** values interpolated into the localized message, e.g. { field: 'name' } */
  readonly params?: Record<string, string | number>;

  constructor(
    code: AppErrorCode,
    opts: { details?: Record<string, unknown>; params?: Record<string, string | number>; cause?: unknown } = {},
  ) {
    super(code, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = opts.details;
    this.params = opts.params;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** Access was refused (outside the subtree, or not allowed): audited as "denied". */
  get isDenial(): boolean {
    return this.code === 'FORBIDDEN' || this.details?.['denied'] === true;
  }
}

/** Outside the actor's subtree the answer is "not found": existence is not revealed. */
export function notFoundDenied(): AppError {
  return new AppError('NOT_FOUND', { details: { denied: true } });
}
