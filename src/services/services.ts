import type { ServiceDeps } from './context.js';
import { createApiTokenService } from './api-token.service.js';
import { createArchiveService } from './archive.service.js';
import { createDevelopmentPlanService } from './development-plan.service.js';
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
import { createExamStatsService } from './exam-stats.service.js';
import { createTrainingPlanService } from './training-plan.service.js';
import { createSurveyService } from './survey.service.js';
import { createOriginalityService } from './originality.service.js';
import { createReflectionService } from './reflection.service.js';
import { createTrainerService } from './trainer.service.js';
import { createFeeService } from './fee.service.js';
import { countedPostsByTeacher, createForumService } from './forum.service.js';
import { createHomeService } from './home.service.js';
import { createExamAttemptService } from './exam-attempt.service.js';
import { createExamMarkingService } from './exam-marking.service.js';
import { createExamService } from './exam.service.js';
import { createHomeworkService, homeworkPassedByTeacher } from './homework.service.js';
import { createLrsClientService } from './lrs-client.service.js';
import { setLrsMatchCipher } from './lrs-match.js';
import { createLrsReviewService } from './lrs-review.service.js';
import { personalDataCipher } from './personal-data.js';
import { createQuestionBankService } from './question-bank.service.js';
import { createJobService } from './job.service.js';
import { createMessageService } from './message.service.js';
import { createOnlineCourseService } from './online-course.service.js';
import { createOnlineClassService } from './online-class.service.js';
import { createOrgUnitService } from './org-unit.service.js';
import { createPrintFormService } from './print-form.service.js';
import { createSearchService } from './search.service.js';
import { createLrsRuleService } from './lrs-rule.service.js';
import { registerXapiOwn, setOwnStatementStore } from './xapi-own.js';
import { storeOwnStatements } from './xapi-statement.service.js';
import type { JsonObject } from '../domain/xapi-statement.js';
import { createSpotCheckService } from './spot-check.service.js';
import { createPairService } from './pair.service.js';
import { createBackboneService } from './backbone.service.js';
import { createPublicityService } from './publicity.service.js';
import { createCommendationService } from './commendation.service.js';
import { createHonourService } from './honour.service.js';
import { createCompetitionService } from './competition.service.js';
import { createStudySessionService } from './study-session.service.js';
import { createStudyService } from './study.service.js';
import { createTeacherAccountService } from './teacher-account.service.js';
import { createTeacherImportService } from './teacher-import.service.js';
import { createTeacherService } from './teacher.service.js';
import { createUserService } from './user.service.js';
import { createXapiDocumentService } from './xapi-document.service.js';

/** All use cases, wired to one database. Each service builds only the repositories it needs. */
export function createServices(deps: ServiceDeps) {
  // Peixun's own learning records as xAPI statements (a job; the store is wired where it lives)
  registerXapiOwn(deps);
  setOwnStatementStore((db, provinceId, rows) =>
    storeOwnStatements(
      db,
      provinceId,
      rows.map((r) => ({ ...r, statement: r.statement as JsonObject })),
    ),
  );
  const credits = createCreditLedgerService(deps);
  setLrsMatchCipher(() => personalDataCipher(deps.env));
  const originality = createOriginalityService(deps);
  // an online class's completion counts what its parts count: homework passed, posts, original reflections
  const studySessions = createStudySessionService(deps, {
    homeworkPassed: async (classId) => {
      const byTeacher = await homeworkPassedByTeacher(deps.db, classId);
      // a class without assignments asks for none
      const total = Math.max(0, ...[...byTeacher.values()].map((x) => x.total));
      return total === 0 ? null : new Map([...byTeacher].map(([id, x]) => [id, x.all]));
    },
    posts: (classId) => countedPostsByTeacher(deps.db, classId),
    reflections: (classId) => originality.countedReflectionsOfClass(classId),
  });
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
    onlineCourses: createOnlineCourseService(deps),
    study: createStudyService(deps),
    training: createTrainingService(deps),
    trainingStats: createTrainingStatsService(deps),
    examStats: createExamStatsService(deps),
    plans: createTrainingPlanService(deps),
    trainers: createTrainerService(deps),
    enrolments: createEnrolmentService(deps),
    attendance: createAttendanceService(deps, credits, Date.now, (classId) => studySessions.shortfallsOfClass(classId)),
    studySessions,
    surveys: createSurveyService(deps),
    originality,
    reflections: createReflectionService(deps),
    fees: createFeeService(deps),
    messages: createMessageService(deps),
    printForms: createPrintFormService(deps),
    homework: createHomeworkService(deps),
    questionBank: createQuestionBankService(deps),
    // a post counts only when original: checked against the course's texts like a reflection
    forum: createForumService(deps, {
      checkOriginality: async (courseId, text) => originality.check({ courseId, text }),
    }),
    onlineClasses: createOnlineClassService(deps),
    spotChecks: createSpotCheckService(deps),
    // mentoring pairs (师徒结对, R-40): confirmed activities post hours through the ledger
    pairs: createPairService(deps, credits),
    backbone: createBackboneService(deps),
    publicity: createPublicityService(deps),
    commendations: createCommendationService(deps),
    honours: createHonourService(deps),
    competitions: createCompetitionService(deps),
    lrsRules: createLrsRuleService(deps),
    lrsClients: createLrsClientService(deps),
    lrsReview: createLrsReviewService(deps),
    exams: createExamService(deps, credits),
    // the study gate of an exam is the online class's own completion, less nothing
    examAttempts: createExamAttemptService(deps, credits, async (classId, teacherId) => {
      const p = await studySessions.classProgress(classId, [teacherId]);
      return p ? (p.rows[0]?.shortfalls ?? null) : null;
    }),
    examMarking: createExamMarkingService(deps, credits),
    xapiDocuments: createXapiDocumentService(deps),
    // a teacher's training archive and development plan
    archive: createArchiveService(deps),
    developmentPlans: createDevelopmentPlanService(deps),
  };
  // the home page and the header's search read through the use cases above (their checks and audit)
  return {
    ...services,
    home: createHomeService(deps, services),
    search: createSearchService(deps, services),
  };
}

export type Services = ReturnType<typeof createServices>;
