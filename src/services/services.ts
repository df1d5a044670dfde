import type { ServiceDeps } from './context.js';
import { createApiTokenService } from './api-token.service.js';
import { createAuditLogService } from './audit-log.service.js';
import { createAuthService } from './auth.service.js';
import { createCertificateService } from './certificate.service.js';
import { createCreditImportService } from './credit-import.service.js';
import { createCreditLedgerService } from './credit-ledger.service.js';
import { createCreditReportService } from './credit-report.service.js';
import { createCreditRulesService } from './credit-rules.service.js';
import { createCreditVerificationService } from './credit-verification.service.js';
import { createDemoSeedService } from './demo-seed.service.js';
import { createAttendanceService } from './attendance.service.js';
import { createCourseService } from './course.service.js';
import { createDivisionImportService } from './division-import.service.js';
import { createEnrolmentService } from './enrolment.service.js';
import { createTrainingService } from './training.service.js';
import { createTrainingStatsService } from './training-stats.service.js';
import { createTrainingPlanService } from './training-plan.service.js';
import { createSurveyService } from './survey.service.js';
import { createTrainerService } from './trainer.service.js';
import { createFeeService } from './fee.service.js';
import { createForumService } from './forum.service.js';
import { createHomeService } from './home.service.js';
import { createHomeworkService } from './homework.service.js';
import { createJobService } from './job.service.js';
import { createMessageService } from './message.service.js';
import { createOnlineClassService } from './online-class.service.js';
import { createOrgUnitService } from './org-unit.service.js';
import { createPrintFormService } from './print-form.service.js';
import { createSearchService } from './search.service.js';
import { createTeacherAccountService } from './teacher-account.service.js';
import { createTeacherImportService } from './teacher-import.service.js';
import { createTeacherService } from './teacher.service.js';
import { createUserService } from './user.service.js';

/** All use cases, wired to one database. Each service builds only the repositories it needs. */
export function createServices(deps: ServiceDeps) {
  const credits = createCreditLedgerService(deps);
  const services = {
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
    cycles: createCreditRulesService(deps),
    credits,
    creditImports: createCreditImportService(deps, credits),
    verifications: createCreditVerificationService(deps, credits),
    certificates: createCertificateService(deps, credits),
    creditReports: createCreditReportService(deps),
    jobs: createJobService(deps),
    courses: createCourseService(deps),
    training: createTrainingService(deps),
    trainingStats: createTrainingStatsService(deps),
    plans: createTrainingPlanService(deps),
    trainers: createTrainerService(deps),
    enrolments: createEnrolmentService(deps),
    attendance: createAttendanceService(deps, credits),
    surveys: createSurveyService(deps),
    fees: createFeeService(deps),
    messages: createMessageService(deps),
    printForms: createPrintFormService(deps),
    homework: createHomeworkService(deps),
    // the originality check of the course's texts plugs in here: createForumService(deps, { checkOriginality })
    forum: createForumService(deps),
    onlineClasses: createOnlineClassService(deps),
  };
  // the home page and the header's search read through the use cases above (their checks and audit)
  return {
    ...services,
    home: createHomeService(deps, services),
    search: createSearchService(deps, services),
  };
}

export type Services = ReturnType<typeof createServices>;
