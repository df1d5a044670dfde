import type { AuditQuery, CorrectionQuery, FormerTeacherQuery, TeacherQuery, UserQuery } from './types';
import type { ChildrenQuery } from './org-units.api';
import type { EntryQuery, ReviewQuery } from './credits.api';
import type { RollupQuery, TeacherStatusQuery } from './credit-reports.api';
import type { SchoolYearQuery, VerificationQuery } from './verifications.api';

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
  teacherTraining: (id: number) => ['teachers', 'training', id] as const,
  teacherImport: (id: number) => ['teacher-imports', id] as const,
  myTeacher: ['me', 'teacher'] as const,
  teacherCorrections: ['teacher-corrections'] as const,
  teacherCorrectionList: (query: CorrectionQuery) => ['teacher-corrections', 'list', query] as const,
  cycles: ['cycles'] as const,
  cycleList: () => ['cycles', 'list'] as const,
  cycle: (id: number) => ['cycles', 'detail', id] as const,
  cycleDefaults: (startYear: number, endYear: number) => ['cycles', 'defaults', startYear, endYear] as const,
  job: (id: number) => ['jobs', id] as const,
  /** everything that depends on the ledger: entries, progress, verifications, certificates, reports */
  credits: ['credits'] as const,
  myProgress: ['credits', 'progress', 'me'] as const,
  teacherProgress: (teacherId: number) => ['credits', 'progress', teacherId] as const,
  creditEntries: (query: EntryQuery) => ['credits', 'entries', query] as const,
  creditReviews: (query: ReviewQuery) => ['credits', 'reviews', query] as const,
  verifications: (query: VerificationQuery) => ['credits', 'verifications', query] as const,
  verificationSchools: (query: SchoolYearQuery) => ['credits', 'verifications', 'schools', query] as const,
  verification: (id: number) => ['credits', 'verification', id] as const,
  reversalRequests: (query: object) => ['credits', 'reversal-requests', query] as const,
  myCertificates: ['credits', 'certificates', 'me'] as const,
  teacherCertificates: (teacherId: number) => ['credits', 'certificates', 'teacher', teacherId] as const,
  unitCertificates: (query: object) => ['credits', 'certificates', 'unit', query] as const,
  creditRollup: (query: RollupQuery) => ['credits', 'rollup', query] as const,
  creditTeachers: (query: TeacherStatusQuery) => ['credits', 'report-teachers', query] as const,
};
