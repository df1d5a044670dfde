import { apiDownload, apiRequest, apiUpload } from './client';
import type { ApiQuery } from './schema.gen';
import type {
  CreateOrgUnitInput,
  Items,
  OrgUnit,
  OrgUnitDetail,
  OrgUnitKind,
  Page,
  SchoolImportResult,
  UpdateOrgUnitInput,
} from './types';

export type ChildrenQuery = ApiQuery<'/api/org-units/{id}/children', 'get'>;

export const orgUnitsApi = {
  roots: () => apiRequest<Items<OrgUnit>>('/api/org-units/roots'),
  search: (q: string, options: { kind?: OrgUnitKind; limit?: number } = {}) =>
    apiRequest<Items<OrgUnit>>('/api/org-units/search', { query: { q, ...options } }),
  get: (id: number) => apiRequest<OrgUnitDetail>(`/api/org-units/${id}`),
  children: (id: number, query: ChildrenQuery = {}) =>
    apiRequest<Page<OrgUnit>>(`/api/org-units/${id}/children`, { query: { ...query } }),
  create: (input: CreateOrgUnitInput) =>
    apiRequest<{ unit: OrgUnit }>('/api/org-units', { method: 'POST', body: input }),
  update: (id: number, input: UpdateOrgUnitInput) =>
    apiRequest<{ unit: OrgUnit }>(`/api/org-units/${id}`, { method: 'PATCH', body: input }),
  downloadSchoolImportTemplate: (id: number) => apiDownload(`/api/org-units/${id}/school-import-template`),
  importSchools: (id: number, file: Blob, onProgress?: (percent: number) => void) =>
    apiUpload<SchoolImportResult>(`/api/org-units/${id}/school-import`, file, { onProgress }),
};
