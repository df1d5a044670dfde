import { apiDownload, apiRequest } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type PublicityList = ApiResponse<'/api/publicity', 'get'>['items'][number];
export type PublicityDetail = ApiResponse<'/api/publicity/{id}', 'get'>;
export type PublicityItem = PublicityDetail['items'][number];
export type Objection = PublicityDetail['objections'][number];
export type Scorecard = NonNullable<PublicityItem['scorecard']>;
export type CommendationBatch = ApiResponse<'/api/commendations', 'get'>['items'][number];
export type CommendationDetail = ApiResponse<'/api/commendations/{id}', 'get'>;
export type Candidate = CommendationDetail['candidates'][number];
export type CommendationCriteria = CommendationBatch['criteria'];
export type CommendationKind = Candidate['kind'];
export type AddCandidateInput = ApiBody<'/api/commendations/{id}/candidates', 'post'>;
export type Honour = ApiResponse<'/api/honours', 'get'>['items'][number];
export type HonourKind = Honour['kind'];

export const COMMENDATION_KINDS: readonly CommendationKind[] = [
  'advanced_unit',
  'outstanding_admin',
  'outstanding_trainee',
];
export const HONOUR_KINDS: readonly HonourKind[] = [
  'competition_award',
  'organisation_award',
  'advanced_unit',
  'outstanding_admin',
  'outstanding_trainee',
  'pair_award',
];

export interface HonourQuery {
  orgUnitId?: number;
  kind?: HonourKind;
  year?: number;
  q?: string;
  state?: 'active' | 'revoked';
}

/** The public notice (公示): lists in the reader's scope, objections, answers, finalising. */
export const publicityApi = {
  list: (query: { status?: 'open' | 'finalised' | 'withdrawn' | 'all'; page?: number; pageSize?: number }) =>
    apiRequest<{ items: PublicityList[]; total: number }>('/api/publicity', { query }),
  running: () => apiRequest<{ running: number }>('/api/publicity/running'),
  get: (id: number) => apiRequest<PublicityDetail>(`/api/publicity/${id}`),
  object: (id: number, body: { itemId: number; step: string | null; body: string }) =>
    apiRequest<PublicityDetail>(`/api/publicity/${id}/objections`, { method: 'POST', body }),
  answer: (objectionId: number, body: { decision: 'upheld' | 'dismissed'; answer: string }) =>
    apiRequest<PublicityDetail>(`/api/publicity/objections/${objectionId}/answer`, { method: 'POST', body }),
  finalise: (id: number) => apiRequest<PublicityDetail>(`/api/publicity/${id}/finalise`, { method: 'POST', body: {} }),
  withdraw: (id: number, reason: string) =>
    apiRequest<PublicityDetail>(`/api/publicity/${id}/withdraw`, { method: 'POST', body: { reason } }),
  file: (id: number, format: 'pdf' | 'xlsx') => apiDownload(`/api/publicity/${id}/list`, { query: { format } }),
};

/** Commendations: criteria, proposed candidates, review, publishing. */
export const commendationsApi = {
  list: (query: { year?: number; page?: number; pageSize?: number }) =>
    apiRequest<{ items: CommendationBatch[]; total: number }>('/api/commendations', { query }),
  get: (id: number) => apiRequest<CommendationDetail>(`/api/commendations/${id}`),
  create: (body: ApiBody<'/api/commendations', 'post'>) =>
    apiRequest<CommendationDetail>('/api/commendations', { method: 'POST', body }),
  update: (id: number, body: ApiBody<'/api/commendations/{id}', 'patch'>) =>
    apiRequest<CommendationDetail>(`/api/commendations/${id}`, { method: 'PATCH', body }),
  propose: (id: number) =>
    apiRequest<CommendationDetail>(`/api/commendations/${id}/propose`, { method: 'POST', body: {} }),
  add: (id: number, body: AddCandidateInput) =>
    apiRequest<CommendationDetail>(`/api/commendations/${id}/candidates`, { method: 'POST', body }),
  remove: (id: number, candidateId: number, reason: string) =>
    apiRequest<CommendationDetail>(`/api/commendations/${id}/candidates/${candidateId}/remove`, {
      method: 'POST',
      body: { reason },
    }),
  restore: (id: number, candidateId: number) =>
    apiRequest<CommendationDetail>(`/api/commendations/${id}/candidates/${candidateId}/restore`, {
      method: 'POST',
      body: {},
    }),
  publish: (id: number, body: { startsOn?: string; endsOn?: string }) =>
    apiRequest<CommendationDetail>(`/api/commendations/${id}/publish`, { method: 'POST', body }),
};

/** Honours (荣誉): the list of a subtree, its export, revocation. */
export const honoursApi = {
  list: (query: HonourQuery & { page?: number; pageSize?: number }) =>
    apiRequest<{ items: Honour[]; total: number }>('/api/honours', { query: { ...query } }),
  xlsx: (query: HonourQuery) => apiDownload('/api/honours.xlsx', { query: { ...query } }),
  revoke: (id: number, reason: string) =>
    apiRequest<Honour>(`/api/honours/${id}/revoke`, { method: 'POST', body: { reason } }),
};

export const programmeKeys = {
  publicity: ['publicity'] as const,
  publicityList: (q: { status?: string; page: number }) => ['publicity', 'list', q] as const,
  publicityDetail: (id: number) => ['publicity', 'detail', id] as const,
  commendations: ['commendations'] as const,
  commendationList: (q: { year?: number; page: number }) => ['commendations', 'list', q] as const,
  commendationDetail: (id: number) => ['commendations', 'detail', id] as const,
  honours: ['honours'] as const,
  honourList: (q: HonourQuery & { page: number }) => ['honours', 'list', q] as const,
};
