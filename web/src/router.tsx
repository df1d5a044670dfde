import { type ComponentType, lazy } from 'react';
import { createBrowserRouter } from 'react-router';
import { CHANGE_PASSWORD_PATH, RequireAdmin, RequireAuth, RequireRoles } from './auth/guards';
import { CREDIT_REGISTER_ROLES, LRS_MANAGER_ROLES, MY_CREDITS_PATH } from './auth/roles';
import { wordsReady } from './i18n/i18n';
import { AppShell } from './layout/app-shell';

/**
 * A page's own chunk, drawn once all the Chinese words are here too: the app's script carries only those
 * of the home page and the shell (i18n/first-words.ts).
 */
// biome-ignore lint/suspicious/noExplicitAny: React.lazy's own bound on a component's props
function page<T extends ComponentType<any>>(load: () => Promise<{ default: T }>) {
  return lazy(() => Promise.all([load(), wordsReady]).then(([chunk]) => chunk));
}

// One chunk per page; the home page needs only the words the app's script carries.
const LoginPage = page(() => import('./pages/auth/login.page'));
const ActivatePage = page(() => import('./pages/auth/activate.page'));
const ChangePasswordPage = page(() => import('./pages/auth/change-password.page'));
const OrgLayout = page(() => import('./pages/org/org-layout.page'));
const OrgIndexPage = page(() => import('./pages/org/org-index.page'));
const OrgUnitPage = page(() => import('./pages/org/org-unit.page'));
const UsersPage = page(() => import('./pages/users/users.page'));
const AuditLogPage = page(() => import('./pages/audit/audit-log.page'));
const TeachersPage = page(() => import('./pages/teachers/teachers.page'));
const TeacherPage = page(() => import('./pages/teachers/teacher.page'));
const TeacherImportPage = page(() => import('./pages/teachers/teacher-import.page'));
const FormerTeachersPage = page(() => import('./pages/teachers/former-teachers.page'));
const TeacherCorrectionsPage = page(() => import('./pages/teachers/teacher-corrections.page'));
const MePage = page(() => import('./pages/me/me.page'));
const MyTeacherPage = page(() => import('./pages/me/my-teacher.page'));
const MyCreditsPage = page(() => import('./pages/credits/my-credits.page'));
const CreditRegisterPage = page(() => import('./pages/credits/credit-register.page'));
const CyclesPage = page(() => import('./pages/cycles/cycles.page'));
const CyclePage = page(() => import('./pages/cycles/cycle.page'));
const VerificationsPage = page(() => import('./pages/verifications/verifications.page'));
const VerificationPage = page(() => import('./pages/verifications/verification.page'));
const CreditReportPage = page(() => import('./pages/credit-reports/credit-report.page'));
const CertificatesPage = page(() => import('./pages/certificates/certificates.page'));
const BackbonePage = page(() => import('./pages/backbone/backbone.page'));
const BackboneRoundPage = page(() => import('./pages/backbone/round.page'));
const MyBackbonePage = page(() => import('./pages/backbone/my-backbone.page'));
const CoursesPage = page(() => import('./pages/courses/courses.page'));
const CourseOnlinePage = page(() => import('./pages/courses/course-online.page'));
const QuestionsPage = page(() => import('./pages/questions/questions.page'));
const MyStudyPage = page(() => import('./pages/study/my-study.page'));
const StudyOutlinePage = page(() => import('./pages/study/study-outline.page'));
const TrainersPage = page(() => import('./pages/trainers/trainers.page'));
const TrainerPage = page(() => import('./pages/trainers/trainer.page'));
const MyTrainerPage = page(() => import('./pages/trainers/my-trainer.page'));
const TrainingProjectsPage = page(() => import('./pages/training/projects.page'));
const TrainingProjectPage = page(() => import('./pages/training/project.page'));
const ExamResultsPage = page(() => import('./pages/exam-results/exam-results.page'));
const MyUnitFeesPage = page(() => import('./pages/fees/my-unit-fees.page'));
const SpotChecksPage = page(() => import('./pages/spot-checks/spot-checks.page'));
// mentoring pairs (师徒结对, R-40)
const PairsPage = page(() => import('./pages/pairs/pairs.page'));
const PairPage = page(() => import('./pages/pairs/pair.page'));
const MyPairsPage = page(() => import('./pages/pairs/my-pairs.page'));
const LrsRulesPage = page(() => import('./pages/lrs/lrs-rules.page'));
const SpotCheckPage = page(() => import('./pages/spot-checks/spot-check.page'));
const PublicityListPage = page(() => import('./pages/publicity/publicity-list.page'));
const PublicityPage = page(() => import('./pages/publicity/publicity.page'));
const CommendationsPage = page(() => import('./pages/programmes/commendations.page'));
const CommendationPage = page(() => import('./pages/programmes/commendation.page'));
const HonoursPage = page(() => import('./pages/programmes/honours.page'));
const LrsClientsPage = page(() => import('./pages/lrs/lrs-clients.page'));
const LrsReviewPage = page(() => import('./pages/lrs/lrs-review.page'));
const CompetitionsPage = page(() => import('./pages/competitions/competitions.page'));
const CompetitionPage = page(() => import('./pages/competitions/competition.page'));
const JudgingPage = page(() => import('./pages/competitions/judging.page'));
const JudgeEntryPage = page(() =>
  import('./pages/competitions/judging.page').then((m) => ({ default: m.JudgeEntryPage })),
);
const PanelReviewPage = page(() =>
  import('./pages/competitions/judging.page').then((m) => ({ default: m.PanelReviewPage })),
);
const AvailableTrainingPage = page(() => import('./pages/training/available.page'));
const TimetablePage = page(() => import('./pages/training/timetable.page'));
const PlanPage = page(() => import('./pages/plans/plan.page'));
const PlanReviewPage = page(() => import('./pages/plans/plan-review.page'));
// a teacher's training archive (培训档案) and development plan (个人专业发展规划), R-52
const TeacherArchivePage = page(() => import('./pages/archive/teacher-archive.page'));
const MyArchivePage = page(() => import('./pages/archive/my-archive.page'));
const MyPlanPage = page(() => import('./pages/archive/my-plan.page'));
const DevelopmentPlansPage = page(() => import('./pages/archive/plan-review.page'));
const DevelopmentPlanPage = page(() => import('./pages/archive/plan-detail.page'));
const PlanCalendarPage = page(() => import('./pages/plans/plan-calendar.page'));
const NotFoundPage = page(() => import('./pages/not-found.page'));
const HomePage = lazy(() => import('./pages/home/home.page'));
const SessionQrPage = page(() => import('./pages/attendance/session-qr.page'));
const MySessionsPage = page(() => import('./pages/attendance/my-sessions.page'));
const SurveyAnswerPage = page(() => import('./pages/surveys/survey-answer.page'));
const ClassSurveyResultsPage = page(() => import('./pages/surveys/class-results.page'));
const CheckinPage = page(() => import('./pages/attendance/checkin.page'));
const MyReflectionsPage = page(() => import('./pages/reflections/my-reflections.page'));
const ClassReflectionsPage = page(() => import('./pages/reflections/class-reflections.page'));
const MessagesPage = page(() => import('./pages/messages/messages.page'));
const StudyItemPage = page(() => import('./pages/study/study-item.page'));
const ClassProgressPage = page(() => import('./pages/study/class-progress.page'));
const MyHomeworkPage = page(() => import('./pages/study/my-homework.page'));
const TutorHomeworkPage = page(() => import('./pages/study/tutor-homework.page'));
const ForumPage = page(() => import('./pages/study/forum.page'));
const TutoringPage = page(() => import('./pages/study/tutoring.page'));
const ExamsPage = page(() => import('./pages/exams-admin/exams.page'));
const ExamFormPage = page(() => import('./pages/exams-admin/exam-form.page'));
const ExamManagePage = page(() => import('./pages/exams-admin/exam-manage.page'));
const ExamMarkingPage = page(() => import('./pages/exams-admin/exam-marking.page'));
const MyMarkingPage = page(() => import('./pages/exams-admin/my-marking.page'));
const MyExamsPage = page(() => import('./pages/exams/my-exams.page'));
const ExamEntryPage = page(() => import('./pages/exams/exam-entry.page'));
const ExamSitPage = page(() => import('./pages/exams/exam-sit.page'));
const ExamResultPage = page(() => import('./pages/exams/exam-result.page'));

/**
 * Routes:
 *   /login            log in (public)
 *   /activate         a teacher activates their account with ID number and activation code (public)
 *   /change-password  change own password (forced first when the account requires it)
 *   /                 工作台 (home), where everyone lands: an admin's to-dos with counts, each opening the
 *                     filtered list; a teacher's hours, next session and what is missing; a trainer's sessions today
 *   /org, /org/:id    组织机构: org tree navigator and unit detail (admins)
 *   /teachers         teacher registry: list, /teachers/:id detail, /teachers/import roster import,
 *                     /teachers/former teachers who moved away (admins)
 *   /teacher-corrections  teachers' requests to correct their records (admins)
 *   /users            user management (admins)
 *   /audit            audit log (admins)
 *   /me               my account (everyone)
 *   /messages         消息: the own messages (unread first, each opening its page) and notices; bureaus publish notices (everyone)
 *   /me/teacher       a teacher's own record, postings and correction requests (teachers)
 *   /me/credits       a teacher's own hours in the current cycle, explained; review requests, certificates (teachers)
 *   /me/archive       我的培训档案: the teacher's whole training archive, with its PDF (teachers)
 *   /me/plan          个人专业发展规划: three-year goals and yearly actions, submitted to the school, self-reviews (teachers)
 *   /teachers/:id/archive  a teacher's training archive, PDF and .xlsx (admins of the teacher's current school and above)
 *   /development-plans, /development-plans/:id  the teachers' development plans, approved or returned by the school (admins)
 *   /credits/register register hours, the unit's register with reversals, review requests (school and county admins)
 *   /cycles, /cycles/:id  cycles and their rules: edited by province admins, read by the others
 *   /verifications, /verifications/:id  annual verification of schools' years and reversal requests (admins)
 *   /credit-reports   completion and verification by child unit, teachers behind, exports (admins)
 *   /certificates     certificates of a unit's teachers: issue, revoke, bulk zip (admins)
 *   /training, /training/:id  training projects: classes, sessions, quotas, trainers, enrolments (admins)
 *   /exams/:id/results  成绩与统计 of an exam: by unit against the targets, distribution, question analysis, ranked list (admins)
 *   /fees/my-unit     本单位应缴费用: what the admin's unit owes for the projects above it, with an .xlsx export (admins)
 *   /programmes/backbone  骨干教师: selection rounds, titles with keep/revoke and export, duties to confirm (admins)
 *   /programmes/backbone/:id  a round: quotas, nominations, panel, scores, ranking, publishing (admins; its panel members)
 *   /me/backbone      我的骨干教师: own titles, yearly duties and records, rounds one reviews (teachers, trainers)
 *   /spot-checks, /spot-checks/:id  抽测: draft, publish the list and seed hash, draw, results per person and unit (admins)
 *   /programmes/pairs, /programmes/pairs/:id  师徒结对 / 城乡对口帮扶: the subtree's pairs, recommend, register, review (admins)
 *   /me/pairs, /me/pairs/:id  我的结对: a teacher's pairs, application, agreement, activities (teachers)
 *   /publicity, /publicity/:id      公示: lists in the reader's scope (teachers too), objections, answers, finalising
 *   /programmes/commendations[/:id] 评优表彰: criteria, proposed candidates, review, public notice (bureaus)
 *   /programmes/honours             荣誉: honours of the subtree, export, revocation (admins)
 *   /programmes/competitions[/:id]  评比与比赛: set-up, entries within quotas, panels, aggregation, awards (admins)
 *   /judging[/:id], /judging/panels/:id  评审任务: a judge's blind queue and scoring; the panel lead's review (anyone named)
 *   /lrs/clients      学习记录接口: credentials of the platforms reporting learning records (xAPI), their traffic (bureaus)
 *   /lrs/review       待匹配学习记录: reported statements whose person matched no teacher, mapped or rejected (bureaus)
 *   /lrs/rules        学时转换规则: which learning records become ledger hours, with a preview before saving (bureaus)
 *   /me/training, /me/timetable  a teacher's open training with enrol buttons, and their timetable (teachers)
 *   /courses          course catalogue: inherited from above, own, below; kept by province/city/county admins
 *   /questions        题库: a unit's question bank with those above it (read-only); kept by province/city/county admins
 *                     and the trainers they name (the server decides)
 *   /courses/:id/online  a course's online content (在线内容): chapters, items, videos and documents, study rules (admins)
 *   /me/study         在线学习: a teacher's online classes; /me/study/:classId the course outline of one (its teachers,
 *                     trainers and the organiser's admins; the server decides); each item opens /me/study/:classId/items/:itemId
 *   /plans            the own unit's annual plan (年度计划) for a year: month calendar, submit or publish, versions (admins)
 *   /plan-review      a county's review of its schools' plans: queue of submitted plans, every school's status (county admins)
 *   /plan-calendar    培训行事历: the month calendar of a unit, its own plan and the approved or published ones above it (everyone)
 *   /trainers, /trainers/:id  trainer and expert pool (shared downward), a trainer's classes and own training record (admins)
 *   /me/trainer       a trainer's own pool entry, training record and classes (trainers)
 *   /sessions/:id/qr  a session's rotating check-in/check-out QR code and live attendance list (trainers, organiser admins)
 *   /my-sessions      a trainer's sessions, each opening its QR code
 *   /me/study/:classId/items/:itemId  a teacher studies an item of an online class: video, PDF or text, heartbeats, receipts
 *   /study/classes/:classId/progress  the tutor's table of an online class: minutes, homework, posts, reflections, reminders
 *   /me/surveys/:classId  a teacher answers a class's satisfaction survey (phone form; pending ones listed on /me/timetable)
 *   /surveys/classes/:classId  a class's satisfaction figures (its trainers, the organiser's admins); a project's are on /training/:id
 *   /checkin?t=…      what a teacher's phone opens after scanning: checks in or out (teachers; login returns here)
 *   /me/study/:classId/reflections  a teacher's 研修心得 of an online class: progress, write and edit with a live
 *                     character count, whether each counts or why not with the matched passages (phone-first;
 *                     the teacher's online classes are listed on /me/timetable)
 *   /classes/:classId/reflections  an online class's reflections and 相似聚类 (its trainers, the organiser's admins;
 *                     linked from the class on /training/:id and from a trainer's classes)
 *   /me/study/:classId/homework  研修作业 of an online class on a teacher's phone: status, hand in with files, grades, recommended works
 *   /me/study/:classId/forum[/:topicId]  班级研讨: topics, a topic with replies (live Chinese character count), reports for moderators
 *   /study/tutoring   研修辅导: the online classes one tutors, with work waiting to be graded and reports (trainers, admins)
 *   /study/classes/:classId/homework  a class's assignments, submissions, grading drawer, .xlsx grades (its tutors; the server decides)
 *   /study/classes/:classId/forum[/:topicId]  a class's forum with moderation, reports and moderators (its tutors)
 *   /exams            考试管理: a unit's exams by status (admins); /exams/new and /exams/:id/edit the exam's settings,
 *                     paper, gates, composite and marking options in steps; /exams/:id/manage counts, publish and
 *                     close, markers, invigilation events, component scores, regrade after a key correction
 *   /exams/:id/marking  阅卷: an exam's essay answers by question, one at a time (its admins and named markers;
 *                     the server decides)
 *   /me/exams         我的考试: a teacher's exams (open, upcoming, closed), attempts used and results (teachers)
 *   /exams/:id/entry  an exam's instructions, duration and attempts, every item still missing, the start (teachers)
 *   /exam-attempts/:id  sitting an attempt on a phone, full screen: the server's countdown, answers saved as given
 *                     and kept on the device without network; reopened (or on another device) it resumes
 *   /exam-attempts/:id/result  an attempt's score, level and, when the exam shows them, answers with explanations
 */
export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/activate', element: <ActivatePage /> },
  {
    element: <RequireAuth />,
    children: [
      // a teacher's phone after scanning a session's QR code: full screen, outside the app shell
      { path: '/checkin', element: <CheckinPage /> },
      // sitting an exam: full screen, nothing to tap away to by mistake
      { path: '/exam-attempts/:id', element: <ExamSitPage /> },
      {
        element: <AppShell />,
        children: [
          { index: true, element: <HomePage /> },
          { path: CHANGE_PASSWORD_PATH, element: <ChangePasswordPage /> },
          { path: '/me', element: <MePage /> },
          { path: '/messages', element: <MessagesPage /> },
          // 评审任务: anyone named a judge (teachers, trainers, admins; the server decides by the panels)
          { path: '/judging', element: <JudgingPage /> },
          { path: '/judging/:id', element: <JudgeEntryPage /> },
          { path: '/judging/panels/:id', element: <PanelReviewPage /> },
          // a session's rotating QR code and attendance (its trainers and the organiser's admins; the server decides)
          { path: '/sessions/:id/qr', element: <SessionQrPage /> },
          { path: '/my-sessions', element: <MySessionsPage /> },
          { path: '/me/teacher', element: <MyTeacherPage /> },
          { path: MY_CREDITS_PATH, element: <MyCreditsPage /> },
          { path: '/me/training', element: <AvailableTrainingPage /> },
          { path: '/me/timetable', element: <TimetablePage /> },
          { path: '/me/study', element: <MyStudyPage /> },
          { path: '/me/study/:classId', element: <StudyOutlinePage /> },
          { path: '/plan-calendar', element: <PlanCalendarPage /> },
          { path: '/me/surveys/:classId', element: <SurveyAnswerPage /> },
          { path: '/me/study/:classId/items/:itemId', element: <StudyItemPage /> },
          // an online class's progress table: its trainers and the organiser's admins (the server decides)
          { path: '/study/classes/:classId/progress', element: <ClassProgressPage /> },
          { path: '/surveys/classes/:classId', element: <ClassSurveyResultsPage /> },
          { path: '/me/study/:classId/reflections', element: <MyReflectionsPage /> },
          { path: '/classes/:classId/reflections', element: <ClassReflectionsPage /> },
          { path: '/me/trainer', element: <MyTrainerPage /> },
          // 题库: admins and the trainers named to keep a bank (the server decides)
          { path: '/questions', element: <QuestionsPage /> },
          // online classes: the teachers' pages and the tutors' (trainers and admins; the server decides)
          { path: '/me/study/:classId/homework', element: <MyHomeworkPage /> },
          { path: '/me/study/:classId/forum', element: <ForumPage /> },
          { path: '/me/study/:classId/forum/:topicId', element: <ForumPage /> },
          { path: '/study/tutoring', element: <TutoringPage /> },
          { path: '/study/classes/:classId/homework', element: <TutorHomeworkPage /> },
          { path: '/study/classes/:classId/forum', element: <ForumPage /> },
          { path: '/study/classes/:classId/forum/:topicId', element: <ForumPage /> },
          // an exam's marking: its admins and the markers they named, trainers among them (the server decides)
          { path: '/exams/:id/marking', element: <ExamMarkingPage /> },
          { path: '/marking', element: <MyMarkingPage /> },
          // a teacher's exams (the server decides who is a candidate)
          { path: '/me/exams', element: <MyExamsPage /> },
          // a teacher's pairs (the server decides who is a member)
          { path: '/me/pairs', element: <MyPairsPage /> },
          { path: '/me/pairs/:id', element: <PairPage /> },
          // backbone teachers: a round is opened by its admins and its panel members (the server decides)
          { path: '/programmes/backbone/:id', element: <BackboneRoundPage /> },
          { path: '/me/backbone', element: <MyBackbonePage /> },
          { path: '/me/archive', element: <MyArchivePage /> },
          { path: '/me/plan', element: <MyPlanPage /> },
          { path: '/exams/:id/entry', element: <ExamEntryPage /> },
          { path: '/exam-attempts/:id/result', element: <ExamResultPage /> },
          // 公示: anyone whose unit lies in a list's scope reads it (the server decides)
          { path: '/publicity', element: <PublicityListPage /> },
          { path: '/publicity/:id', element: <PublicityPage /> },
          {
            element: <RequireAdmin />,
            children: [
              {
                path: '/org',
                element: <OrgLayout />,
                children: [
                  { index: true, element: <OrgIndexPage /> },
                  { path: ':id', element: <OrgUnitPage /> },
                ],
              },
              { path: '/teachers', element: <TeachersPage /> },
              { path: '/teachers/import', element: <TeacherImportPage /> },
              { path: '/teachers/former', element: <FormerTeachersPage /> },
              { path: '/teachers/:id', element: <TeacherPage /> },
              { path: '/teachers/:id/archive', element: <TeacherArchivePage /> },
              { path: '/development-plans', element: <DevelopmentPlansPage /> },
              { path: '/development-plans/:id', element: <DevelopmentPlanPage /> },
              { path: '/teacher-corrections', element: <TeacherCorrectionsPage /> },
              { path: '/users', element: <UsersPage /> },
              { path: '/audit', element: <AuditLogPage /> },
              { path: '/cycles', element: <CyclesPage /> },
              { path: '/cycles/:id', element: <CyclePage /> },
              { path: '/verifications', element: <VerificationsPage /> },
              { path: '/verifications/:id', element: <VerificationPage /> },
              { path: '/credit-reports', element: <CreditReportPage /> },
              { path: '/certificates', element: <CertificatesPage /> },
              { path: '/courses', element: <CoursesPage /> },
              { path: '/courses/:id/online', element: <CourseOnlinePage /> },
              { path: '/exams', element: <ExamsPage /> },
              { path: '/exams/new', element: <ExamFormPage /> },
              { path: '/exams/:id/edit', element: <ExamFormPage /> },
              { path: '/exams/:id/manage', element: <ExamManagePage /> },
              { path: '/trainers', element: <TrainersPage /> },
              { path: '/trainers/:id', element: <TrainerPage /> },
              { path: '/training', element: <TrainingProjectsPage /> },
              { path: '/training/:id', element: <TrainingProjectPage /> },
              { path: '/exams/:id/results', element: <ExamResultsPage /> },
              { path: '/plans', element: <PlanPage /> },
              {
                element: <RequireRoles roles={['county_admin']} />,
                children: [{ path: '/plan-review', element: <PlanReviewPage /> }],
              },
              { path: '/fees/my-unit', element: <MyUnitFeesPage /> },
              { path: '/programmes/backbone', element: <BackbonePage /> },
              { path: '/spot-checks', element: <SpotChecksPage /> },
              { path: '/spot-checks/:id', element: <SpotCheckPage /> },
              { path: '/programmes/pairs', element: <PairsPage /> },
              { path: '/programmes/pairs/:id', element: <PairPage /> },
              { path: '/programmes/commendations', element: <CommendationsPage /> },
              { path: '/programmes/commendations/:id', element: <CommendationPage /> },
              { path: '/programmes/honours', element: <HonoursPage /> },
              { path: '/programmes/competitions', element: <CompetitionsPage /> },
              { path: '/programmes/competitions/:id', element: <CompetitionPage /> },
              {
                element: <RequireRoles roles={LRS_MANAGER_ROLES} />,
                children: [
                  { path: '/lrs/clients', element: <LrsClientsPage /> },
                  { path: '/lrs/review', element: <LrsReviewPage /> },
                  { path: '/lrs/rules', element: <LrsRulesPage /> },
                ],
              },
              {
                element: <RequireRoles roles={CREDIT_REGISTER_ROLES} />,
                children: [{ path: '/credits/register', element: <CreditRegisterPage /> }],
              },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
