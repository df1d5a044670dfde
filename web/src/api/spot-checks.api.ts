import { apiDownload, apiRequest } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type SpotCheck = ApiResponse<'/api/spot-checks/{id}', 'get'>['spotCheck'];
export type SpotCheckDetail = ApiResponse<'/api/spot-checks/{id}', 'get'>;
export type SpotCheckUnit = SpotCheckDetail['units'][number];
export type SpotCheckInput = ApiBody<'/api/spot-checks', 'post'>;
export type SpotCheckResults = ApiResponse<'/api/spot-checks/{id}/results', 'get'>;
export type PersonResult = SpotCheckResults['people'][number];
export type UnitResult = SpotCheckResults['units'][number];
export type SpotCheckStatus = SpotCheck['status'];
export const SPOT_CHECK_STEPS: readonly SpotCheckStatus[] = ['draft', 'committed', 'drawn', 'published'];

/** The spot-check draw (抽测, R-34): draft, publish the list and the seed's hash, draw, publish results. */
export const spotChecksApi = {
  list: (query: { year?: number; page?: number; pageSize?: number }) =>
    apiRequest<{ items: SpotCheck[]; total: number }>('/api/spot-checks', { query }),
  get: (id: number) => apiRequest<SpotCheckDetail>(`/api/spot-checks/${id}`),
  create: (input: SpotCheckInput) =>
    apiRequest<{ spotCheck: SpotCheck }>('/api/spot-checks', { method: 'POST', body: input }),
  update: (id: number, input: Omit<SpotCheckInput, 'orgUnitId'>) =>
    apiRequest<{ spotCheck: SpotCheck }>(`/api/spot-checks/${id}`, { method: 'PUT', body: input }),
  step: (id: number, step: 'commit' | 'draw' | 'publish-results') =>
    apiRequest<{ spotCheck: SpotCheck }>(`/api/spot-checks/${id}/${step}`, { method: 'POST', body: {} }),
  results: (id: number) => apiRequest<SpotCheckResults>(`/api/spot-checks/${id}/results`),
  listJson: (id: number) => apiDownload(`/api/spot-checks/${id}/list.json`),
  listXlsx: (id: number) => apiDownload(`/api/spot-checks/${id}/list.xlsx`),
  resultsXlsx: (id: number) => apiDownload(`/api/spot-checks/${id}/results.xlsx`),
};

/** Query keys of this module. */
export const spotCheckKeys = {
  all: ['spot-checks'] as const,
  list: (query: { year?: number; page: number }) => ['spot-checks', 'list', query] as const,
  detail: (id: number) => ['spot-checks', 'detail', id] as const,
  results: (id: number) => ['spot-checks', 'results', id] as const,
};
