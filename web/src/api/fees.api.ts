import { apiDownload, apiRequest } from './client';

export type FeeKind = 'registration' | 'textbook' | 'other';
export type FeeStatus = 'unpaid' | 'partial' | 'paid' | 'overpaid';
export const FEE_KINDS: readonly FeeKind[] = ['registration', 'textbook', 'other'];
export const FEE_STATUSES: readonly FeeStatus[] = ['unpaid', 'partial', 'paid', 'overpaid'];

/** Money is integer fen everywhere (8050 = ¥80.50). */
export interface FeeItem {
  id: number;
  projectId: number;
  name: string;
  kind: FeeKind;
  amountFen: number;
  archived: boolean;
  paymentCount: number;
  createdAt: string;
  updatedAt: string;
}
export interface FeeItemInput { name: string; kind: FeeKind; amountFen: number }

export interface FeeTotals { dueFen: number; paidFen: number; balanceFen: number }
export interface DueLine extends FeeTotals {
  itemId: number;
  unitId: number;
  unitName: string;
  unitKind: string;
  unitCode: string | null;
  divisionCode: string | null;
  teachers: number;
  overrideFen: number | null;
  overrideReason: string | null;
  payments: number;
  status: FeeStatus;
}
export interface ItemTotals extends FeeTotals { itemId: number; teachers: number; units: number; byStatus: Record<FeeStatus, number> }
export interface ProjectDues {
  project: { id: number; title: string; orgUnitId: number; orgUnitName: string; status: string; year: number };
  items: FeeItem[];
  lines: DueLine[];
  itemTotals: ItemTotals[];
  total: FeeTotals;
  /** 'own': the caller is below the organiser and sees their own unit's lines only */
  scope: 'all' | 'own';
  canManage: boolean;
}
export interface Payment {
  id: number;
  amountFen: number;
  paidOn: string;
  receiptNo: string | null;
  note: string | null;
  createdByName: string | null;
  createdAt: string;
}
export interface PaymentInput { amountFen: number; paidOn: string; receiptNo?: string | null; note?: string | null }
export interface OwnDueLine extends FeeTotals {
  projectId: number;
  projectTitle: string;
  projectYear: number;
  organiserName: string;
  itemId: number;
  itemName: string;
  kind: FeeKind;
  amountFen: number;
  teachers: number;
  overrideFen: number | null;
  overrideReason: string | null;
  status: FeeStatus;
}

/** Fees of training projects: items, dues per paying unit, payments, sheets. */
export const feesApi = {
  dues: (projectId: number, includeArchived = false) =>
    apiRequest<ProjectDues>(`/api/training/projects/${projectId}/fees/units`, { query: { includeArchived: includeArchived || undefined } }),
  createItem: (projectId: number, input: FeeItemInput) => apiRequest<{ item: FeeItem }>(`/api/training/projects/${projectId}/fees`, { method: 'POST', body: input }),
  updateItem: (itemId: number, patch: Partial<FeeItemInput>) => apiRequest<{ item: FeeItem }>(`/api/fees/${itemId}`, { method: 'PATCH', body: patch }),
  archive: (itemId: number, archived: boolean) => apiRequest<{ item: FeeItem }>(`/api/fees/${itemId}/${archived ? 'archive' : 'unarchive'}`, { method: 'POST', body: {} }),
  deleteItem: (itemId: number) => apiRequest<void>(`/api/fees/${itemId}`, { method: 'DELETE' }),
  setOverride: (itemId: number, unitId: number, input: { dueFen: number; reason: string }) =>
    apiRequest<void>(`/api/fees/${itemId}/units/${unitId}/override`, { method: 'PUT', body: input }),
  clearOverride: (itemId: number, unitId: number) => apiRequest<void>(`/api/fees/${itemId}/units/${unitId}/override`, { method: 'DELETE' }),
  recordPayment: (itemId: number, unitId: number, input: PaymentInput) =>
    apiRequest<{ payment: Payment; paidFen: number }>(`/api/fees/${itemId}/units/${unitId}/payments`, { method: 'POST', body: input }),
  payments: (itemId: number, unitId: number) =>
    apiRequest<{ items: Payment[]; paidFen: number; unit: { id: number; name: string }; item: FeeItem }>(`/api/fees/${itemId}/units/${unitId}/payments`),
  exportProject: (projectId: number) => apiDownload(`/api/training/projects/${projectId}/fees/export.xlsx`),
  myUnit: (year?: number) => apiRequest<{ unit: { id: number; name: string }; lines: OwnDueLine[]; total: FeeTotals }>('/api/fees/my-unit', { query: { year } }),
  exportMyUnit: (year?: number) => apiDownload('/api/fees/my-unit/export.xlsx', { query: { year } }),
};

/** Query keys of this module. */
export const feeKeys = {
  all: ['fees'] as const,
  dues: (projectId: number, includeArchived: boolean) => ['fees', 'dues', projectId, includeArchived] as const,
  payments: (itemId: number, unitId: number) => ['fees', 'payments', itemId, unitId] as const,
  myUnit: (year: number | undefined) => ['fees', 'my-unit', year ?? null] as const,
};
