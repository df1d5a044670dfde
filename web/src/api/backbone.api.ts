import { apiDownload, apiRequest, apiUpload } from './client';
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';

export type BackboneRound = ApiResponse<'/api/backbone/rounds/{id}', 'get'>['round'];
export type BackboneRoundDetail = ApiResponse<'/api/backbone/rounds/{id}', 'get'>;
export type BackboneQuota = BackboneRoundDetail['quotas'][number];
export type BackboneNomination = BackboneRoundDetail['nominations'][number];
export type BackboneRoundInput = ApiBody<'/api/backbone/rounds', 'post'>;
export type BackboneRanking = ApiResponse<'/api/backbone/rounds/{id}/ranking', 'get'>;
export type BackboneRanked = BackboneRanking['items'][number];
export type BackboneTitleRow = ApiResponse<'/api/backbone/titles', 'get'>['items'][number];
export type BackboneTitle = ApiResponse<'/api/backbone/titles/{id}', 'get'>;
export type BackboneDuty = ApiResponse<'/api/backbone/duties', 'get'>['items'][number];
export type BackboneTitleQuery = ApiQuery<'/api/backbone/titles', 'get'>;
export type BackboneMine = ApiResponse<'/api/backbone/me', 'get'>;
export type BackboneDutyInput = ApiBody<'/api/backbone/me/duties', 'post'>;
export type BackboneRoundStatus = BackboneRound['status'];
export type BackboneLevel = BackboneRound['level'];

export const ROUND_STEPS: readonly BackboneRoundStatus[] = ['nominating', 'scoring', 'publicised', 'finalised'];

/** Backbone teachers (骨干教师, R-41): rounds, nominations, the panel's scores, titles and yearly duties. */
export const backboneApi = {
  rounds: (query: { status?: BackboneRoundStatus; page?: number; pageSize?: number }) =>
    apiRequest<{ items: BackboneRound[]; total: number }>('/api/backbone/rounds', { query }),
  round: (id: number) => apiRequest<BackboneRoundDetail>(`/api/backbone/rounds/${id}`),
  createRound: (input: BackboneRoundInput) =>
    apiRequest<{ round: BackboneRound }>('/api/backbone/rounds', { method: 'POST', body: input }),
  step: (id: number, step: 'close' | 'reopen' | 'cancel') =>
    apiRequest<{ round: BackboneRound }>(`/api/backbone/rounds/${id}/${step}`, { method: 'POST' }),
  setPanel: (id: number, userIds: number[]) =>
    apiRequest<{ panel: BackboneRoundDetail['panel'] }>(`/api/backbone/rounds/${id}/panel`, {
      method: 'PUT',
      body: { userIds },
    }),
  nominate: (id: number, body: { teacherId: number; statement: string }) =>
    apiRequest<{ id: number; status: 'proposed' | 'nominated' }>(`/api/backbone/rounds/${id}/nominations`, {
      method: 'POST',
      body,
    }),
  forward: (id: number) => apiRequest<{ id: number }>(`/api/backbone/nominations/${id}/forward`, { method: 'POST' }),
  withdraw: (id: number) => apiRequest<{ id: number }>(`/api/backbone/nominations/${id}/withdraw`, { method: 'POST' }),
  uploadFile: (id: number, file: Blob) =>
    apiUpload<{ id: number; fileName: string }>(`/api/backbone/nominations/${id}/files`, file),
  file: (id: number) => apiDownload(`/api/backbone/files/${id}`),
  score: (id: number, body: { score: number; comment: string | null }) =>
    apiRequest<{ score: number }>(`/api/backbone/nominations/${id}/score`, { method: 'PUT', body }),
  ranking: (id: number) => apiRequest<BackboneRanking>(`/api/backbone/rounds/${id}/ranking`),
  publish: (id: number, body: { nominationIds: number[]; days?: number; body?: string | null }) =>
    apiRequest<{ publicityId: number }>(`/api/backbone/rounds/${id}/publish`, { method: 'POST', body }),
  titles: (query: BackboneTitleQuery) =>
    apiRequest<{ items: BackboneTitleRow[]; total: number }>('/api/backbone/titles', { query }),
  titlesXlsx: (query: Omit<BackboneTitleQuery, 'page' | 'pageSize'>) =>
    apiDownload('/api/backbone/titles.xlsx', { query }),
  title: (id: number) => apiRequest<BackboneTitle>(`/api/backbone/titles/${id}`),
  keep: (id: number, reason: string) =>
    apiRequest<{ id: number }>(`/api/backbone/titles/${id}/keep`, { method: 'POST', body: { reason } }),
  revoke: (id: number, reason: string) =>
    apiRequest<{ id: number }>(`/api/backbone/titles/${id}/revoke`, { method: 'POST', body: { reason } }),
  duties: () => apiRequest<{ items: BackboneDuty[] }>('/api/backbone/duties'),
  decideDuty: (id: number, body: { confirm: boolean; note: string | null }) =>
    apiRequest<BackboneDuty>(`/api/backbone/duties/${id}/decide`, { method: 'POST', body }),
  dutyFile: (id: number) => apiDownload(`/api/backbone/duties/${id}/file`),
  sweep: () =>
    apiRequest<{ expired: number; reminded: number; flagged: number }>('/api/backbone/sweep', { method: 'POST' }),
  panel: () => apiRequest<{ items: BackboneRound[] }>('/api/backbone/panel'),
  mine: () => apiRequest<BackboneMine>('/api/backbone/me'),
  recordDuty: (body: BackboneDutyInput) =>
    apiRequest<BackboneDuty>('/api/backbone/me/duties', { method: 'POST', body }),
  attachDutyFile: (id: number, file: Blob) => apiUpload<BackboneDuty>(`/api/backbone/me/duties/${id}/file`, file),
};

/** Query keys of this module. */
export const backboneKeys = {
  all: ['backbone'] as const,
  rounds: (query: { status?: string; page: number }) => ['backbone', 'rounds', query] as const,
  round: (id: number) => ['backbone', 'round', id] as const,
  ranking: (id: number) => ['backbone', 'ranking', id] as const,
  titles: (query: object) => ['backbone', 'titles', query] as const,
  title: (id: number) => ['backbone', 'title', id] as const,
  duties: ['backbone', 'duties'] as const,
  panel: ['backbone', 'panel'] as const,
  mine: ['backbone', 'mine'] as const,
};
