import { apiDownload, apiRequest, apiUpload, type DownloadedFile, type UploadOptions } from './client';
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
export interface Trainer {
  id: number;
  orgUnitId: number;
  orgUnitName: string;
  kind: TrainerKind;
  name: string;
  title: string | null;
  employer: string | null;
  level: TrainerLevel;
  subjects: string[];
  stages: Stage[];
  specialties: string | null;
  active: boolean;
  user: { id: number; username: string; displayName: string; orgUnitName: string } | null;
  teacher: { id: number; name: string; orgUnitName: string } | null;
  /** the reader may edit it and its training record */
  canManage: boolean;
  /** it comes from a unit above the reader (read-only) */
  inherited: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TrainerInput {
  kind: TrainerKind;
  name: string;
  title: string | null;
  employer: string | null;
  level: TrainerLevel;
  subjects: string[];
  stages: Stage[];
  specialties: string | null;
  active: boolean;
  userId: number | null;
  teacherId: number | null;
}

export interface TrainerQuery {
  orgUnitId?: number;
  q?: string;
  kind?: TrainerKind;
  level?: TrainerLevel;
  subject?: string;
  stage?: Stage;
  origin?: TrainerOrigin;
  account?: 'linked' | 'none';
  status?: TrainerStatus;
  page?: number;
  pageSize?: number;
}

export interface TrainerList {
  items: Trainer[];
  total: number;
  canCreate: boolean;
  unit: { id: number; name: string; kind: string };
}

/** A class the trainer teaches. */
export interface TrainerClass {
  classId: number;
  className: string;
  classStatus: string;
  enrolled: number;
  capacity: number;
  projectId: number;
  projectTitle: string;
  projectStatus: string;
  projectYear: number;
  orgUnitName: string;
  sessionCount: number;
  firstSession: string | null;
  lastSession: string | null;
}

/** A line of the trainer's own training record; hours in tenths. */
export interface TrainingLine {
  id: number;
  title: string;
  organiser: string | null;
  startsOn: string;
  endsOn: string;
  hours: number;
  notes: string | null;
  createdAt: string;
}
export type TrainingLineInput = Omit<TrainingLine, 'id' | 'createdAt'>;

export interface TrainingRecord {
  items: TrainingLine[];
  years: Array<{ year: number; hours: number; count: number }>;
  totalHours: number;
  teacher: null | {
    id: number;
    name: string;
    enrolments: Array<{ enrolmentId: number; status: string; outcome: string | null; classId: number; className: string; projectId: number; projectTitle: string; projectYear: number; hours: number }>;
    ledger: { cycleName: string; countedHours: number; status: string } | null;
  };
}

export interface TrainerAccount {
  userId: number;
  username: string;
  displayName: string;
  orgUnitName: string;
  /** the entry the account is already linked to */
  trainerId: number | null;
}

export interface TrainerImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** The columns of a pool sheet, in order (trainer.service.ts TRAINER_COLUMNS). */
export const TRAINER_SHEET_COLUMNS = ['unit', 'kind', 'name', 'title', 'employer', 'level', 'subjects', 'stages', 'specialties', 'account', 'status', 'hours'] as const;
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
  create: (orgUnitId: number, input: TrainerInput) => apiRequest<{ trainer: Trainer }>('/api/trainers', { method: 'POST', body: { ...input, orgUnitId } }),
  update: (id: number, input: Partial<TrainerInput>) => apiRequest<{ trainer: Trainer }>(`/api/trainers/${id}`, { method: 'PATCH', body: input }),
  exportSheet: (query: Omit<TrainerQuery, 'page' | 'pageSize'>): Promise<DownloadedFile> => apiDownload('/api/trainers/export', { query: { ...query } }),
  importSheet: (orgUnitId: number, file: File, options: UploadOptions = {}) => apiUpload<TrainerImportResult>(`/api/trainers/import?orgUnitId=${orgUnitId}`, file, options),
  accounts: (q?: string) => apiRequest<{ items: TrainerAccount[] }>('/api/trainers/accounts', { query: { q } }),
  classes: (id: number) => apiRequest<{ items: TrainerClass[] }>(`/api/trainers/${id}/classes`),
  training: (id: number) => apiRequest<TrainingRecord>(`/api/trainers/${id}/training`),
  addTraining: (id: number, input: TrainingLineInput) => apiRequest<{ entry: TrainingLine }>(`/api/trainers/${id}/training`, { method: 'POST', body: input }),
  deleteTraining: (id: number, entryId: number) => apiRequest<void>(`/api/trainers/${id}/training/${entryId}`, { method: 'DELETE' }),
  mine: () => apiRequest<{ profile: Trainer | null; record: TrainingRecord | null; classes: TrainerClass[] }>('/api/trainers/me'),
};
