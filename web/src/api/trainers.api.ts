import { apiDownload, apiRequest, apiUpload, type DownloadedFile, type UploadOptions } from './client';
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';
import type { Stage } from './types';

export const TRAINER_KINDS = ['trainer', 'expert'] as const;
export type TrainerKind = (typeof TRAINER_KINDS)[number];
export const TRAINER_LEVELS = ['school', 'county', 'city', 'province', 'national'] as const;
export type TrainerLevel = (typeof TRAINER_LEVELS)[number];
export const TRAINER_ORIGINS = ['above', 'own', 'below'] as const;
export type TrainerOrigin = (typeof TRAINER_ORIGINS)[number];
export const TRAINER_STATUSES = ['active', 'inactive', 'all'] as const;
export type TrainerStatus = (typeof TRAINER_STATUSES)[number];

/** An entry of the pool (培训者/专家库) as GET /api/trainers answers it. */
type TrainerOut = ApiResponse<'/api/trainers', 'get'>['items'][number];
/** The server's schema gives the stages as text; they are stage codes. */
export type Trainer = Omit<TrainerOut, 'stages'> & { stages: Stage[] };

export type TrainerInput = Omit<ApiBody<'/api/trainers', 'post'>, 'orgUnitId'>;

export type TrainerQuery = ApiQuery<'/api/trainers', 'get'>;

export type TrainerList = Omit<ApiResponse<'/api/trainers', 'get'>, 'items'> & { items: Trainer[] };

/** A class the trainer teaches. */
export type TrainerClass = ApiResponse<'/api/trainers/{id}/classes', 'get'>['items'][number];

/** A line of the trainer's own training record; hours in tenths. */
export type TrainingLine = TrainingRecord['items'][number];
export type TrainingLineInput = ApiBody<'/api/trainers/{id}/training', 'post'>;

export type TrainingRecord = ApiResponse<'/api/trainers/{id}/training', 'get'>;

export type TrainerAccount = ApiResponse<'/api/trainers/accounts', 'get'>['items'][number];

export type TrainerImportResult = ApiResponse<'/api/trainers/import', 'post'>;

/** The columns of a pool sheet, in order (trainer.service.ts TRAINER_COLUMNS). */
export const TRAINER_SHEET_COLUMNS = [
  'unit',
  'kind',
  'name',
  'title',
  'employer',
  'level',
  'subjects',
  'stages',
  'specialties',
  'account',
  'status',
  'hours',
] as const;
export type TrainerSheetColumn = (typeof TRAINER_SHEET_COLUMNS)[number];
export interface TrainerSheetProblem {
  row: number;
  /** the Chinese header of the column */
  column: string;
  code: string;
  value?: string;
}

export const trainerKeys = {
  all: ['trainers'] as const,
  list: (query: TrainerQuery) => ['trainers', 'list', query] as const,
  one: (id: number) => ['trainers', 'one', id] as const,
  classes: (id: number) => ['trainers', 'classes', id] as const,
  training: (id: number) => ['trainers', 'training', id] as const,
  accounts: (q: string) => ['trainers', 'accounts', q] as const,
  mine: ['trainers', 'me'] as const,
};

export const trainersApi = {
  list: (query: TrainerQuery) => apiRequest<TrainerList>('/api/trainers', { query: { ...query } }),
  get: (id: number) => apiRequest<{ trainer: Trainer }>(`/api/trainers/${id}`),
  create: (orgUnitId: number, input: TrainerInput) =>
    apiRequest<{ trainer: Trainer }>('/api/trainers', { method: 'POST', body: { ...input, orgUnitId } }),
  update: (id: number, input: Partial<TrainerInput>) =>
    apiRequest<{ trainer: Trainer }>(`/api/trainers/${id}`, { method: 'PATCH', body: input }),
  exportSheet: (query: Omit<TrainerQuery, 'page' | 'pageSize'>): Promise<DownloadedFile> =>
    apiDownload('/api/trainers/export', { query: { ...query } }),
  importSheet: (orgUnitId: number, file: File, options: UploadOptions = {}) =>
    apiUpload<TrainerImportResult>(`/api/trainers/import?orgUnitId=${orgUnitId}`, file, options),
  accounts: (q?: string) => apiRequest<{ items: TrainerAccount[] }>('/api/trainers/accounts', { query: { q } }),
  classes: (id: number) => apiRequest<{ items: TrainerClass[] }>(`/api/trainers/${id}/classes`),
  training: (id: number) => apiRequest<TrainingRecord>(`/api/trainers/${id}/training`),
  addTraining: (id: number, input: TrainingLineInput) =>
    apiRequest<{ entry: TrainingLine }>(`/api/trainers/${id}/training`, { method: 'POST', body: input }),
  deleteTraining: (id: number, entryId: number) =>
    apiRequest<void>(`/api/trainers/${id}/training/${entryId}`, { method: 'DELETE' }),
  mine: () =>
    apiRequest<{ profile: Trainer | null; record: TrainingRecord | null; classes: TrainerClass[] }>('/api/trainers/me'),
};
