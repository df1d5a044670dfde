import type { ServiceDeps } from './context.js';
import { createApiTokenService } from './api-token.service.js';
import { createAuditLogService } from './audit-log.service.js';
import { createAuthService } from './auth.service.js';
import { createDemoSeedService } from './demo-seed.service.js';
import { createDivisionImportService } from './division-import.service.js';
import { createOrgUnitService } from './org-unit.service.js';
import { createTeacherAccountService } from './teacher-account.service.js';
import { createTeacherImportService } from './teacher-import.service.js';
import { createTeacherService } from './teacher.service.js';
import { createUserService } from './user.service.js';

/** All use cases, wired to one database. Each service builds only the repositories it needs. */
export function createServices(deps: ServiceDeps) {
  return {
    auth: createAuthService(deps),
    orgUnits: createOrgUnitService(deps),
    users: createUserService(deps),
    auditLog: createAuditLogService(deps),
    apiTokens: createApiTokenService(deps),
    divisions: createDivisionImportService(deps),
    demo: createDemoSeedService(deps),
    teachers: createTeacherService(deps),
    teacherImports: createTeacherImportService(deps),
    teacherAccounts: createTeacherAccountService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
