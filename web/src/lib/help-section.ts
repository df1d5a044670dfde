/**
 * The section of the operator's manual (docs/manual, served at /help/<section>) that explains a page:
 * by the page's path, '' for the manual's contents. The sections are the server's
 * (src/services/manual.ts `MANUAL_SECTIONS`).
 * @example helpSectionFor('/verifications/12') // 'verification'
 */
export function helpSectionFor(pathname: string): string {
  const p = pathname.replace(/\/+$/, '') || '/';
  const first = (prefixes: string[]) => prefixes.some((x) => p === x || p.startsWith(`${x}/`));
  if (p === '/' || first(['/messages'])) return 'home';
  if (first(['/me/exams', '/exam-attempts']) || /^\/exams\/\d+\/entry$/.test(p)) return 'exam-taking';
  if (/^\/(?:me\/study|study\/classes)\/\d+\/(?:homework|forum)(?:\/|$)/.test(p) || first(['/study/tutoring']))
    return 'homework';
  // studying an item, and the tutor's table: how the minutes are counted
  if (first(['/study']) || /^\/me\/study\/\d+\/items\//.test(p)) return 'online-study';
  if (/^\/me\/study\/\d+\/reflections$/.test(p) || /^\/classes\/\d+\/reflections$/.test(p)) return 'reflections';
  // an exam's settings, paper, marking and regrades (the candidates' and results' pages name their own)
  if (p === '/exams' || /^\/exams\/(?:new|\d+\/(?:edit|manage|marking))$/.test(p)) return 'exams';
  if (first(['/questions'])) return 'question-bank';
  if (/^\/exams\/\d+\/results$/.test(p)) return 'exam-results';
  // a teacher's training archive and development plan
  if (/^\/teachers\/\d+\/archive$/.test(p) || first(['/me/archive', '/me/plan', '/development-plans']))
    return 'archive';
  if (first(['/teachers', '/teacher-corrections', '/org', '/me/teacher'])) return 'teachers';
  if (first(['/me/study']) || /^\/courses\/\d+\/online$/.test(p)) return 'online';
  if (
    first([
      '/training',
      '/courses',
      '/trainers',
      '/sessions',
      '/my-sessions',
      '/checkin',
      '/me/training',
      '/me/timetable',
      '/me/trainer',
      '/me/surveys',
      '/surveys',
      '/plans',
      '/plan-calendar',
      '/plan-review',
      '/fees',
    ])
  )
    return 'training';
  if (first(['/credits', '/cycles', '/me/credits'])) return 'credits';
  if (first(['/verifications'])) return 'verification';
  if (first(['/certificates'])) return 'certificates';
  if (first(['/credit-reports'])) return 'reports';
  if (first(['/spot-checks'])) return 'spot-check';
  if (first(['/programmes/pairs', '/me/pairs'])) return 'pairs';
  if (first(['/programmes/backbone', '/me/backbone'])) return 'backbone';
  if (first(['/publicity', '/programmes/commendations', '/programmes/honours'])) return 'publicity';
  if (first(['/programmes/competitions', '/judging'])) return 'competitions';
  if (first(['/lrs/rules'])) return 'lrs-rules';
  if (first(['/lrs'])) return 'lrs';
  if (first(['/users', '/audit', '/me', '/change-password', '/activate', '/login'])) return 'accounts';
  return '';
}

/** The address of the manual's section for a page. */
export function helpUrl(pathname: string): string {
  const section = helpSectionFor(pathname);
  return section ? `/help/${section}` : '/help';
}
