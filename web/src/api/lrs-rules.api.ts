import { apiRequest } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type LrsRule = ApiResponse<'/api/lrs/rules/{id}', 'get'>;
export type LrsRuleDefinition = LrsRule['definition'];
export type LrsRuleInput = ApiBody<'/api/lrs/rules', 'post'>;
export type LrsPreviewInput = ApiBody<'/api/lrs/rules/preview', 'post'>;
export type LrsPreview = ApiResponse<'/api/lrs/rules/preview', 'post'>;
export type LrsPreviewLine = LrsPreview['lines'][number];

/** 学时转换规则: which xAPI statements become ledger hours, with a preview before saving. */
export const lrsRulesApi = {
  list: (orgUnitId?: number) =>
    apiRequest<{ items: LrsRule[] }>('/api/lrs/rules', { query: orgUnitId ? { orgUnitId } : {} }),
  create: (input: LrsRuleInput) => apiRequest<LrsRule>('/api/lrs/rules', { method: 'POST', body: input }),
  update: (id: number, input: Partial<Omit<LrsRuleInput, 'orgUnitId'>>) =>
    apiRequest<LrsRule>(`/api/lrs/rules/${id}`, { method: 'PATCH', body: input }),
  preview: (input: LrsPreviewInput) =>
    apiRequest<LrsPreview>('/api/lrs/rules/preview', { method: 'POST', body: input }),
};

/** Query keys of this module. */
export const lrsRuleKeys = {
  all: ['lrs-rules'] as const,
  list: (orgUnitId?: number) => ['lrs-rules', 'list', orgUnitId ?? null] as const,
};
