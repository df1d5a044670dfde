import { apiRequest } from './client';
import type { AuditEntry, AuditQuery, Page } from './types';

export const auditLogApi = {
  list: (query: AuditQuery) => apiRequest<Page<AuditEntry>>('/api/audit-log', { query: { ...query } }),
};
