import type { AuditQuery, CorrectionQuery, FormerTeacherQuery, TeacherQuery, UserQuery } from './types';
import type { ChildrenQuery } from './org-units.api';

/** TanStack Query keys, one place so invalidation matches what was cached. */
export const queryKeys = {
  session: ['session'] as const,
  orgUnits: ['org-units'] as const,
  orgRoots: () => ['org-units', 'roots'] as const,
  orgUnit: (id: number) => ['org-units', 'detail', id] as const,
  orgChildren: (id: number, query: ChildrenQuery) => ['org-units', 'children', id, query] as const,
  orgSearch: (q: string, kind?: string) => ['org-units', 'search', q, kind ?? null] as const,
  users: ['users'] as const,
  userList: (query: UserQuery) => ['users', 'list', query] as const,
  apiTokens: ['api-tokens'] as const,
  auditLog: (query: AuditQuery) => ['audit-log', query] as const,
  teachers: ['teachers'] as const,
  teacherList: (query: TeacherQuery) => ['teachers', 'list', query] as const,
  formerTeachers: (query: FormerTeacherQuery) => ['teachers', 'former', query] as const,
  teacher: (id: number) => ['teachers', 'detail', id] as const,
  teacherImport: (id: number) => ['teacher-imports', id] as const,
  myTeacher: ['me', 'teacher'] as const,
  teacherCorrections: ['teacher-corrections'] as const,
  teacherCorrectionList: (query: CorrectionQuery) => ['teacher-corrections', 'list', query] as const,
};
