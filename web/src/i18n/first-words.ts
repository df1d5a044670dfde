/**
 * The Chinese words a first page needs, and the split of zh-CN.json into them and the rest.
 *
 * A phone on a 3G link waits for every byte of the app's script before it shows anything, and all the
 * words are a third of the script's compressed size. The app's script carries only these (the shell,
 * the menu, the home page and the messages); the rest come in their own file, asked for as the app starts,
 * and every page but the home page waits for them before it is drawn (router.tsx). The build makes both
 * halves from zh-CN.json (vite.config.ts), so the words are written in one place.
 */

type Words = { [key: string]: string | Words };

/** Namespaces, or dotted paths into one, that the app's script carries. */
export const FIRST_WORDS: readonly string[] = [
  'app',
  'nav',
  'common',
  'search',
  'help',
  'home',
  'messages',
  // the errors a first page can meet; any other code shows the server's own (already translated) message
  // until the rest of the words have come (lib/error-message.ts)
  'errors.VALIDATION_FAILED',
  'errors.BAD_REQUEST',
  'errors.PATH_NOT_CANONICAL',
  'errors.AUTH_REQUIRED',
  'errors.AUTH_INVALID_CREDENTIALS',
  'errors.AUTH_ACCOUNT_LOCKED',
  'errors.AUTH_PASSWORD_CHANGE_REQUIRED',
  'errors.AUTH_SESSION_EXPIRED',
  'errors.CSRF_INVALID',
  'errors.FORBIDDEN',
  'errors.NOT_FOUND',
  'errors.RATE_LIMITED',
  'errors.INTERNAL',
  'errors.SERVICE_UNAVAILABLE',
  'errors.DATABASE_UNAVAILABLE',
  'errors.NETWORK_ERROR',
  'errors.UNKNOWN',
  'validation',
  'account',
  'roles',
  'kinds',
  'stages',
  'credits',
  'myCredits',
  'jobs',
  // the menu's entries and the home page's cards
  'training.nav',
  'training.session',
  'training.my',
  'attendance.mySessions',
  'courses.nav',
  'questions.nav',
  'courseOnline.crumb',
  'study.nav',
  'study.tutoringNav',
  'studyProgress.open',
  'study.outline.crumb',
  'plans.nav',
  'trainers.nav',
  'trainers.my.title',
  'fees.nav',
  'teachers.import.title',
  'teachers.former.title',
  'surveys.answer.title',
  'surveys.results.classTitle',
  'study.nav',
  'study.tutoringNav',
  'studyProgress.open',
  'study.outline.crumb',
  'courseOnline.crumb',
  'reflections.my.title',
  'reflections.class.title',
  'study.homework.title',
  'study.forum.title',
  'examAdmin.nav',
  'examAdmin.crumbs',
  'examResults.link',
  // backbone teachers (骨干教师): the menu's entries and a round's crumb
  'backbone.nav',
  'backbone.my.nav',
  'backbone.my.panelNav',
  'backbone.round.crumb',
  'myExams.nav',
  'examAdmin.myMarking.nav',
  'myExams.entry.title',
  'myExams.result.title',
  // the training archive and development plan
  'archive.title',
  'archive.myNav',
  'archive.plan.nav',
  'archive.review.nav',
  // the labels of statuses and problems (components/credit-labels.tsx, the search's results)
  'verification.statuses',
  'verification.provisional',
  'verification.results',
  'verification.reversalStatuses',
  'verification.failures',
  'certificates.statuses',
  'creditRegister.problems',
  'cycles.problems',
];

function isWords(value: unknown): value is Words {
  return typeof value === 'object' && value !== null;
}

/** `all` split into the words under `paths` and the others; merged deeply, the two give `all` again. */
export function splitWords(all: Words, paths: readonly string[]): { first: Words; rest: Words } {
  const first: Words = {};
  const rest: Words = structuredClone(all);
  for (const path of paths) {
    const parts = path.split('.');
    let from: Words | string | undefined = all;
    let restParent: Words | undefined = rest;
    let into = first;
    parts.forEach((part, i) => {
      if (!isWords(from)) throw new Error(`words: ${path} is not in zh-CN.json`);
      from = from[part];
      if (from === undefined) throw new Error(`words: ${path} is not in zh-CN.json`);
      const last = i === parts.length - 1;
      if (last) {
        into[part] = structuredClone(from);
        if (restParent) delete restParent[part];
      } else {
        const next: string | Words = into[part] ?? {};
        if (!isWords(next)) throw new Error(`words: ${path} overlaps another path`);
        into[part] = next;
        into = next;
        const r: string | Words | undefined = restParent?.[part];
        restParent = isWords(r) ? r : undefined;
      }
    });
  }
  return { first, rest: pruned(rest) };
}

/** without the objects left empty by the split */
function pruned(words: Words): Words {
  const out: Words = {};
  for (const [k, v] of Object.entries(words)) {
    if (!isWords(v)) out[k] = v;
    else {
      const inner = pruned(v);
      if (Object.keys(inner).length > 0) out[k] = inner;
    }
  }
  return out;
}
