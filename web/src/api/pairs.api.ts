import { apiDownload, apiRequest, apiUpload } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type Pair = ApiResponse<'/api/pairs', 'get'>['items'][number];
export type PairDetail = ApiResponse<'/api/pairs/{id}', 'get'>;
export type PairView = PairDetail['pair'];
export type PairActivity = PairDetail['activities'][number];
export type PairStatus = Pair['status'];
export type PairKind = Pair['kind'];
export type ActivityKind = PairActivity['kind'];
export type ReviewStage = PairView['reviews'][number]['stage'];
export type EndKind = NonNullable<Pair['endKind']>;
export type CreatePairInput = ApiBody<'/api/pairs', 'post'>;
export type AgreementInput = ApiBody<'/api/pairs/{id}/agreement', 'put'>;
export type PairRuleInput = ApiBody<'/api/pairs/rules/{id}', 'put'>;
export type PairRule = NonNullable<ApiResponse<'/api/pairs/rules/{id}', 'get'>['rule']>;
export type PairCandidate = ApiResponse<'/api/pairs/candidates', 'get'>['items'][number];

export const PAIR_STATUSES: readonly PairStatus[] = [
  'applied',
  'returned',
  'recommended',
  'refused',
  'registered',
  'active',
  'ended',
];
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['observation', 'guidance', 'coteaching', 'other'];
export const END_KINDS: readonly EndKind[] = ['completed', 'not_fulfilled', 'other'];
export const REVIEW_STAGES: readonly ReviewStage[] = ['midterm', 'yearend'];

export interface PairListQuery {
  status?: PairStatus;
  kind?: PairKind;
  q?: string;
  page?: number;
  pageSize?: number;
}

/** Mentoring pairs (师徒结对) and urban–rural school pairing (城乡对口帮扶), R-40. */
export const pairsApi = {
  list: (query: PairListQuery) => apiRequest<{ items: Pair[]; total: number }>('/api/pairs', { query: { ...query } }),
  exportXlsx: (query: PairListQuery) => apiDownload('/api/pairs/export.xlsx', { query: { ...query } }),
  mine: () => apiRequest<{ items: PairView[] }>('/api/pairs/mine'),
  candidates: (q: string) => apiRequest<{ items: PairCandidate[] }>('/api/pairs/candidates', { query: { q } }),
  create: (input: CreatePairInput) => apiRequest<{ pair: PairView }>('/api/pairs', { method: 'POST', body: input }),
  get: (id: number) => apiRequest<PairDetail>(`/api/pairs/${id}`),
  resubmit: (id: number, note: string | null) =>
    apiRequest<PairDetail>(`/api/pairs/${id}/resubmit`, { method: 'POST', body: { note } }),
  recommend: (id: number, partnerTeacherId: number | null) =>
    apiRequest<PairDetail>(`/api/pairs/${id}/recommend`, { method: 'POST', body: { partnerTeacherId } }),
  returnIt: (id: number, reason: string) =>
    apiRequest<PairDetail>(`/api/pairs/${id}/return`, { method: 'POST', body: { reason } }),
  register: (id: number) => apiRequest<PairDetail>(`/api/pairs/${id}/register`, { method: 'POST', body: {} }),
  refuse: (id: number, reason: string) =>
    apiRequest<PairDetail>(`/api/pairs/${id}/refuse`, { method: 'POST', body: { reason } }),
  saveAgreement: (id: number, input: AgreementInput) =>
    apiRequest<PairDetail>(`/api/pairs/${id}/agreement`, { method: 'PUT', body: input }),
  confirm: (id: number) => apiRequest<PairDetail>(`/api/pairs/${id}/confirm`, { method: 'POST', body: {} }),
  agreementPdf: (id: number) => apiDownload(`/api/pairs/${id}/agreement.pdf`),
  logActivity: (id: number, input: ApiBody<'/api/pairs/{id}/activities', 'post'>) =>
    apiRequest<{ activityId: number; detail: PairDetail }>(`/api/pairs/${id}/activities`, {
      method: 'POST',
      body: input,
    }),
  uploadFile: (activityId: number, file: Blob) =>
    apiUpload<{ file: { id: number; fileName: string } }>(`/api/pairs/activities/${activityId}/files`, file),
  file: (id: number) => apiDownload(`/api/pairs/files/${id}`),
  decide: (activityId: number, decision: 'confirm' | 'reject', reason: string | null) =>
    apiRequest<PairDetail>(`/api/pairs/activities/${activityId}/decision`, {
      method: 'POST',
      body: { decision, reason },
    }),
  score: (id: number, stage: ReviewStage, score: number, comment: string | null) =>
    apiRequest<PairDetail>(`/api/pairs/${id}/reviews/${stage}`, { method: 'POST', body: { score, comment } }),
  award: (id: number, title: string | null) =>
    apiRequest<PairDetail>(`/api/pairs/${id}/award`, { method: 'POST', body: { title } }),
  end: (id: number, endKind: EndKind, reason: string) =>
    apiRequest<PairDetail & { flaggedTitles: number }>(`/api/pairs/${id}/end`, {
      method: 'POST',
      body: { endKind, reason },
    }),
  rule: (countyId: number) => apiRequest<{ rule: PairRule | null }>(`/api/pairs/rules/${countyId}`),
  saveRule: (countyId: number, input: PairRuleInput) =>
    apiRequest<{ rule: PairRule }>(`/api/pairs/rules/${countyId}`, { method: 'PUT', body: input }),
};

/** Query keys of this module. */
export const pairKeys = {
  all: ['pairs'] as const,
  list: (query: PairListQuery) => ['pairs', 'list', query] as const,
  mine: ['pairs', 'mine'] as const,
  detail: (id: number) => ['pairs', 'detail', id] as const,
  rule: (countyId: number) => ['pairs', 'rule', countyId] as const,
  candidates: (q: string) => ['pairs', 'candidates', q] as const,
};
