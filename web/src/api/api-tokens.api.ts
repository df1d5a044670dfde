import { apiRequest } from './client';
import type { ApiToken, CreateApiTokenInput, Items } from './types';

export const apiTokensApi = {
  list: () => apiRequest<Items<ApiToken>>('/api/api-tokens'),
  create: (input: CreateApiTokenInput) =>
    apiRequest<{ token: string; apiToken: ApiToken }>('/api/api-tokens', { method: 'POST', body: input }),
  revoke: (id: number) => apiRequest<void>(`/api/api-tokens/${id}`, { method: 'DELETE' }),
};
