import { apiRequest } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type LrsClient = ApiResponse<'/api/lrs/clients/{id}', 'get'>['client'];
export type LrsClientInput = ApiBody<'/api/lrs/clients', 'post'>;
export type LrsCreated = ApiResponse<'/api/lrs/clients', 'post'>;
export type LrsReviewRow = ApiResponse<'/api/lrs/review', 'get'>['items'][number];
export type LrsIdentityKind = LrsClient['identity'];
export const LRS_IDENTITY_KINDS: readonly LrsIdentityKind[] = ['account', 'id_hash', 'mbox'];

/** Learning records from other platforms: their clients (学习记录接口) and the review queue (待匹配学习记录). */
export const lrsApi = {
  clients: () => apiRequest<{ items: LrsClient[] }>('/api/lrs/clients'),
  create: (input: LrsClientInput) => apiRequest<LrsCreated>('/api/lrs/clients', { method: 'POST', body: input }),
  revoke: (id: number) =>
    apiRequest<{ client: LrsClient }>(`/api/lrs/clients/${id}/revoke`, { method: 'POST', body: {} }),
  review: () => apiRequest<{ items: LrsReviewRow[]; total: number }>('/api/lrs/review'),
  map: (input: { clientId: number; actorIfi: string; teacherId: number; remember: boolean }) =>
    apiRequest<{ matched: number }>('/api/lrs/review/map', { method: 'POST', body: input }),
  reject: (input: { clientId: number; actorIfi: string }) =>
    apiRequest<{ rejected: number }>('/api/lrs/review/reject', { method: 'POST', body: input }),
};

/** Query keys of this module. */
export const lrsKeys = {
  all: ['lrs'] as const,
  clients: ['lrs', 'clients'] as const,
  review: ['lrs', 'review'] as const,
};

/** The address a platform sends its statements to. */
export const lrsEndpoint = (): string => `${window.location.origin}/xapi/`;
