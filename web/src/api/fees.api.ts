import { apiDownload, apiRequest } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type FeeKind = 'registration' | 'textbook' | 'other';
export type FeeStatus = 'unpaid' | 'partial' | 'paid' | 'overpaid';
export const FEE_KINDS: readonly FeeKind[] = ['registration', 'textbook', 'other'];
export const FEE_STATUSES: readonly FeeStatus[] = ['unpaid', 'partial', 'paid', 'overpaid'];

/** Money is integer fen everywhere (8050 = ¥80.50). */
export type FeeItem = ProjectDues['items'][number];
export type FeeItemInput = ApiBody<'/api/training/projects/{id}/fees', 'post'>;

export type FeeTotals = ProjectDues['total'];
export type DueLine = ProjectDues['lines'][number];
export type ItemTotals = ProjectDues['itemTotals'][number];
export type ProjectDues = ApiResponse<'/api/training/projects/{id}/fees/units', 'get'>;
export type Payment = ApiResponse<'/api/fees/{itemId}/units/{unitId}/payments', 'get'>['items'][number];
export type PaymentInput = ApiBody<'/api/fees/{itemId}/units/{unitId}/payments', 'post'>;
export type OwnDueLine = ApiResponse<'/api/fees/my-unit', 'get'>['lines'][number];

/** Fees of training projects: items, dues per paying unit, payments, sheets. */
export const feesApi = {
  dues: (projectId: number, includeArchived = false) =>
    apiRequest<ProjectDues>(`/api/training/projects/${projectId}/fees/units`, {
      query: { includeArchived: includeArchived || undefined },
    }),
  createItem: (projectId: number, input: FeeItemInput) =>
    apiRequest<{ item: FeeItem }>(`/api/training/projects/${projectId}/fees`, { method: 'POST', body: input }),
  updateItem: (itemId: number, patch: Partial<FeeItemInput>) =>
    apiRequest<{ item: FeeItem }>(`/api/fees/${itemId}`, { method: 'PATCH', body: patch }),
  archive: (itemId: number, archived: boolean) =>
    apiRequest<{ item: FeeItem }>(`/api/fees/${itemId}/${archived ? 'archive' : 'unarchive'}`, {
      method: 'POST',
      body: {},
    }),
  deleteItem: (itemId: number) => apiRequest<void>(`/api/fees/${itemId}`, { method: 'DELETE' }),
  setOverride: (itemId: number, unitId: number, input: { dueFen: number; reason: string }) =>
    apiRequest<void>(`/api/fees/${itemId}/units/${unitId}/override`, { method: 'PUT', body: input }),
  clearOverride: (itemId: number, unitId: number) =>
    apiRequest<void>(`/api/fees/${itemId}/units/${unitId}/override`, { method: 'DELETE' }),
  recordPayment: (itemId: number, unitId: number, input: PaymentInput) =>
    apiRequest<{ payment: Payment; paidFen: number }>(`/api/fees/${itemId}/units/${unitId}/payments`, {
      method: 'POST',
      body: input,
    }),
  payments: (itemId: number, unitId: number) =>
    apiRequest<{ items: Payment[]; paidFen: number; unit: { id: number; name: string }; item: FeeItem }>(
      `/api/fees/${itemId}/units/${unitId}/payments`,
    ),
  exportProject: (projectId: number) => apiDownload(`/api/training/projects/${projectId}/fees/export.xlsx`),
  myUnit: (year?: number) =>
    apiRequest<{ unit: { id: number; name: string }; lines: OwnDueLine[]; total: FeeTotals }>('/api/fees/my-unit', {
      query: { year },
    }),
  exportMyUnit: (year?: number) => apiDownload('/api/fees/my-unit/export.xlsx', { query: { year } }),
};

/** Query keys of this module. */
export const feeKeys = {
  all: ['fees'] as const,
  dues: (projectId: number, includeArchived: boolean) => ['fees', 'dues', projectId, includeArchived] as const,
  payments: (itemId: number, unitId: number) => ['fees', 'payments', itemId, unitId] as const,
  myUnit: (year: number | undefined) => ['fees', 'my-unit', year ?? null] as const,
};
