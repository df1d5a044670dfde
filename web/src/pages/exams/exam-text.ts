import type { TFunction } from 'i18next';
import type { ExamMissing } from '../../api/exams';
import { formatDateTime } from '../../lib/format';
import type { ExamAnswer, QuestionKind } from './answer-queue';

/** A number of minutes or hours as people write it: 12, 7.5 (no trailing zeros). */
function num(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '0';
  return String(Math.round(n * 10) / 10);
}

/**
 * One thing a teacher still lacks before an exam, in a plain sentence with its figures:
 * 《第一讲》：已学 12 分钟，需学满 30 分钟 · 考试尚未开放，2026-12-08 09:00 开始.
 */
export function missingText(t: TFunction, m: ExamMissing, attemptsAllowed: number): string {
  const k = 'myExams.entry.missing';
  const counted = num(m.counted ?? m.countedMinutes);
  const required = num(m.required ?? m.requiredMinutes);
  switch (m.code) {
    case 'not_open':
      return t(`${k}.not_open`, { at: formatDateTime(m.opensAt) });
    case 'closed':
      return t(`${k}.closed`, { at: formatDateTime(m.closesAt) });
    case 'no_attempts_left':
      return t(`${k}.no_attempts_left`, { allowed: m.allowed ?? attemptsAllowed });
    case 'not_a_candidate':
      return t(`${k}.not_a_candidate`);
    case 'study_minutes':
      return t(`${k}.study_minutes`, {
        title: m.title ? `《${m.title}》` : t(`${k}.studyDefault`),
        counted: num(m.countedMinutes ?? m.counted),
        required: num(m.requiredMinutes ?? m.required),
      });
    case 'homework':
      return t(`${k}.homework`);
    case 'posts':
      return t(`${k}.posts`, { counted, required });
    case 'reflections':
      return t(`${k}.reflections`, { counted, required });
    case 'ledger_hours':
      return m.category
        ? t(`${k}.ledger_hoursCategory`, { category: m.category, counted, required })
        : t(`${k}.ledger_hours`, { counted, required });
    default:
      return t(`${k}.other`);
  }
}

/** Letters of options, 1-based question numbers, joined for a sentence: 1、3、5. */
export function numberList(positions: readonly number[]): string {
  return positions.map((p) => p + 1).join('、');
}

/**
 * An answer (or a key) as text for the result page: letters as they are (A、C), true/false in words,
 * blanks joined by ' ｜ ', alternatives of a blank's key by ' / '.
 */
export function answerText(t: TFunction, kind: QuestionKind, answer: ExamAnswer | string[][] | undefined): string {
  if (answer === undefined || answer === null || answer === '') return t('myExams.result.noAnswer');
  if (typeof answer === 'boolean') return answer ? t('myExams.sit.trueLabel') : t('myExams.sit.falseLabel');
  if (typeof answer === 'string') return answer;
  if (answer.length === 0) return t('myExams.result.noAnswer');
  if (kind === 'fill_in')
    return answer.map((b) => (Array.isArray(b) ? b.join(' / ') : b.trim() === '' ? '—' : b)).join(' ｜ ');
  return answer.map((x) => (Array.isArray(x) ? x.join(' / ') : x)).join('、');
}
