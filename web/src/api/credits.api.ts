import { apiDownload, apiRequest, apiUpload } from './client';
import type { ApiQuery, ApiResponse } from './schema.gen';
import type {
  CreateCycleInput,
  CreditEntry,
  CreditProgress,
  CreditReview,
  Cycle,
  CycleDetail,
  CycleRules,
  EvidenceFile,
  Items,
  Job,
  MatchingRegistration,
  RegisterResult,
  RegistrationInput,
  ReverseResult,
} from './types';

export type EntryQuery = ApiQuery<'/api/credits/entries', 'get'>;

/** What registering a sheet did: its data rows, the entries made, and rows registered by an earlier upload of the same file. */
export type SheetImportResult = ApiResponse<'/api/credits/entries/import', 'post'>;

/** Problems of a sheet row found while reading it (`details.problems[]` of ENTRY_INVALID with `details.sheet`). */
export const SHEET_PROBLEM_CODES = [
  'required',
  'teacher_not_found',
  'name_mismatch',
  'bad_hours',
  'bad_date',
  'unknown_category',
  'unknown_source',
  'bad_chars',
  'id_number_in_text',
] as const;
export type SheetProblemCode = (typeof SHEET_PROBLEM_CODES)[number];

/** The columns of a registration sheet, by the server's header names. */
export const SHEET_COLUMNS = [
  'name',
  'idNumber',
  'hours',
  'date',
  'title',
  'categories',
  'source',
  'evidence',
] as const;
export type SheetColumn = (typeof SHEET_COLUMNS)[number];

/**
 * One problem of a sheet: either found while reading the row (`column` is the sheet's header,
 * `value` what was typed), or refused by the cycle rules (`field` of the registration, `params`).
 */
export interface SheetProblem {
  /** the row number as Excel shows it */
  row: number;
  code: string;
  column?: string;
  value?: string;
  /** the value looked like an ID number or a mobile number and is shown masked */
  withheld?: 'id_number' | 'phone';
  field?: string;
  index?: number;
  params?: Record<string, string | number>;
}

export type ReviewQuery = ApiQuery<'/api/credits/reviews', 'get'>;

/** Cycles and their rules (R-10 … R-14), set by province administrators and read by everyone. */
export const cyclesApi = {
  list: () => apiRequest<Items<Cycle>>('/api/cycles'),
  defaults: (startYear: number, endYear: number) =>
    apiRequest<{ rules: CycleRules }>('/api/cycles/defaults', { query: { startYear, endYear } }),
  create: (input: CreateCycleInput) => apiRequest<{ cycle: Cycle }>('/api/cycles', { method: 'POST', body: input }),
  get: (id: number) => apiRequest<CycleDetail>(`/api/cycles/${id}`),
  /** A dry run of new rules; follow the returned job for the transitions. Nothing is saved. */
  previewRules: (id: number, rules: CycleRules) =>
    apiRequest<{ job: Job }>(`/api/cycles/${id}/rules/preview`, { method: 'POST', body: { rules } }),
  /** Saves the rules as a new version; statuses are recomputed by the returned refresh job. */
  saveRules: (id: number, rules: CycleRules, note?: string) =>
    apiRequest<{ cycle: Cycle; refreshJobId: number }>(`/api/cycles/${id}/rules`, {
      method: 'PUT',
      body: note ? { rules, note } : { rules },
    }),
};

/** The credit ledger: registrations, reversals, progress, evidence and review requests. */
export const creditsApi = {
  /** One or many registrations, all or none; hours in tenths. */
  register: (entries: RegistrationInput[]) =>
    apiRequest<RegisterResult>('/api/credits/entries', { method: 'POST', body: { entries } }),
  /** The same hours for every teacher matching the registry filters, less those left out (all or none). */
  registerMatching: (body: MatchingRegistration) =>
    apiRequest<RegisterResult & { teachers: number }>('/api/credits/entries/matching', { method: 'POST', body }),
  /** Entries registered under a unit, newest first. */
  entries: (query: EntryQuery) => apiRequest<Items<CreditEntry>>('/api/credits/entries', { query: { ...query } }),
  /** In a signed-off year the answer carries `requestId`: the county must approve the reversal. */
  reverse: (entryId: number, reason: string) =>
    apiRequest<ReverseResult>(`/api/credits/entries/${entryId}/reverse`, { method: 'POST', body: { reason } }),
  /** A teacher's progress; a teacher leaves out `teacherId` for their own. */
  progress: (query: { teacherId?: number; cycleId?: number } = {}) =>
    apiRequest<CreditProgress>('/api/credits/progress', { query: { ...query } }),
  uploadEvidence: (
    orgUnitId: number,
    file: Blob,
    options: { onProgress?: (percent: number) => void; signal?: AbortSignal } = {},
  ) => apiUpload<EvidenceFile>(`/api/credits/evidence?orgUnitId=${orgUnitId}`, file, options),
  downloadEvidence: (id: number) => apiDownload(`/api/credits/evidence/${id}`),
  /** The .xlsx registration sheet for a unit, with the current cycle's categories. */
  downloadImportTemplate: (orgUnitId: number) => apiDownload('/api/credits/entries/template', { query: { orgUnitId } }),
  /**
   * Registers every row of an .xlsx or .csv sheet, all or none; the same file again registers
   * nothing twice. A refusal is ENTRY_INVALID with `details.problems` ({@link SheetProblem}).
   */
  importSheet: (
    orgUnitId: number,
    file: Blob,
    options: { onProgress?: (percent: number) => void; signal?: AbortSignal } = {},
  ) => apiUpload<SheetImportResult>(`/api/credits/entries/import?orgUnitId=${orgUnitId}`, file, options),
  requestReview: (input: { cycleId?: number; topic: string; message: string }) =>
    apiRequest<{ review: CreditReview }>('/api/credits/reviews', { method: 'POST', body: input }),
  reviews: (query: ReviewQuery) => apiRequest<Items<CreditReview>>('/api/credits/reviews', { query: { ...query } }),
  answerReview: (id: number, answer: string) =>
    apiRequest<{ review: CreditReview }>(`/api/credits/reviews/${id}/answer`, { method: 'POST', body: { answer } }),
};

export const jobsApi = {
  get: <R = unknown>(id: number) => apiRequest<{ job: Job<R> }>(`/api/jobs/${id}`),
};
