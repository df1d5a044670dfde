import type { QuestionKey, QuestionKind, QuestionProblem } from '../../../src/domain/question';
import { apiDownload, apiRequest, apiUpload, type DownloadedFile, type UploadOptions } from './client';
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';

export {
  QUESTION_KINDS,
  type QuestionKind,
  type QuestionKey,
  type QuestionProblem,
} from '../../../src/domain/question';

export const QUESTION_STATUSES = ['active', 'archived', 'all'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];
export const DIFFICULTIES = [1, 2, 3, 4, 5] as const;

type QuestionOut = ApiResponse<'/api/questions', 'get'>['items'][number];
/** A question as the bank lists it; the key's shape follows its kind (see QuestionKey). */
export type Question = Omit<QuestionOut, 'answer' | 'kind'> & { kind: QuestionKind; answer: QuestionKey };
type VersionOut = ApiResponse<'/api/questions/{id}', 'get'>['versions'][number];
export type QuestionVersion = Omit<VersionOut, 'answer' | 'kind'> & { kind: QuestionKind; answer: QuestionKey };

export type QuestionQuery = ApiQuery<'/api/questions', 'get'>;
export type QuestionList = Omit<ApiResponse<'/api/questions', 'get'>, 'items'> & { items: Question[] };
export type QuestionInput = Omit<ApiBody<'/api/questions', 'post'>, 'unitId'>;
export type QuestionImportResult = ApiResponse<'/api/questions/import', 'post'>;
export type QuestionTags = ApiResponse<'/api/questions/tags', 'get'>;
export type BankEditors = ApiResponse<'/api/question-bank/{unitId}/editors', 'get'>;

/** The columns of a bank sheet, in order (question-bank.service.ts QUESTION_COLUMNS). */
export const QUESTION_SHEET_COLUMNS = [
  'kind',
  'stem',
  ...'ABCDEFGHIJ'.split('').map((k) => `option${k}`),
  'answer',
  'explanation',
  'module',
  'subject',
  'stage',
  'difficulty',
] as const;

/** What can be wrong with a row of a bank sheet (question-bank.service.ts QuestionSheetProblemCode). */
export const QUESTION_SHEET_PROBLEM_CODES = [
  'required',
  'too_long',
  'bad_chars',
  'unknown_kind',
  'option_gap',
  'options_count',
  'essay_options',
  'answer_missing',
  'answer_format',
  'answer_not_an_option',
  'multiple_needs_two',
  'true_false_answer',
  'blank_empty',
  'blanks_mismatch',
  'unknown_stage',
  'bad_difficulty',
  'duplicate_in_file',
] as const;

/** Every problem `questionProblems` names, for the editor's live checks and the server's answer. */
export const QUESTION_PROBLEMS: readonly QuestionProblem[] = [
  'options_count',
  'option_keys',
  'option_empty',
  'answer_missing',
  'answer_not_an_option',
  'multiple_needs_two',
  'true_false_answer',
  'blanks_mismatch',
  'blank_empty',
  'essay_options',
];

export const questionKeys = {
  all: ['questions'] as const,
  list: (query: QuestionQuery) => ['questions', 'list', query] as const,
  one: (id: number) => ['questions', 'one', id] as const,
  tags: (unitId: number | undefined) => ['questions', 'tags', unitId ?? null] as const,
  editors: (unitId: number) => ['questions', 'editors', unitId] as const,
};

export const questionsApi = {
  list: (query: QuestionQuery) => apiRequest<QuestionList>('/api/questions', { query: { ...query } }),
  get: (id: number) => apiRequest<{ question: Question; versions: QuestionVersion[] }>(`/api/questions/${id}`),
  tags: (unitId: number | undefined) =>
    apiRequest<QuestionTags>('/api/questions/tags', { query: unitId ? { unitId } : {} }),
  create: (unitId: number | undefined, input: QuestionInput) =>
    apiRequest<{ question: Question }>('/api/questions', { method: 'POST', body: { ...input, unitId } }),
  update: (id: number, input: QuestionInput) =>
    apiRequest<{ question: Question; newVersion: boolean }>(`/api/questions/${id}`, { method: 'PUT', body: input }),
  archive: (id: number) => apiRequest<{ question: Question }>(`/api/questions/${id}/archive`, { method: 'POST' }),
  restore: (id: number) => apiRequest<{ question: Question }>(`/api/questions/${id}/restore`, { method: 'POST' }),
  downloadTemplate: (unitId: number | undefined): Promise<DownloadedFile> =>
    apiDownload('/api/questions/template.xlsx', { query: unitId ? { unitId } : {} }),
  exportSheet: (query: Omit<QuestionQuery, 'page' | 'pageSize'>): Promise<DownloadedFile> =>
    apiDownload('/api/questions/export.xlsx', { query: { ...query } }),
  importSheet: (unitId: number | undefined, file: File, options: UploadOptions = {}) =>
    apiUpload<QuestionImportResult>(`/api/questions/import${unitId ? `?unitId=${unitId}` : ''}`, file, options),
  editors: (unitId: number) => apiRequest<BankEditors>(`/api/question-bank/${unitId}/editors`),
  setEditors: (unitId: number, userIds: number[]) =>
    apiRequest<{ editors: BankEditors['editors'] }>(`/api/question-bank/${unitId}/editors`, {
      method: 'PUT',
      body: { userIds },
    }),
};
