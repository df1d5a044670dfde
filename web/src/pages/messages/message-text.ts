import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message, MessageKind, ReminderTopic } from '../../api/messages.api';

/** Kinds whose text depends on a decision (`accept`/`approve`): the outcome is worded apart. */
const DECIDED: ReadonlySet<MessageKind> = new Set(['correction_decided', 'reversal_decided']);

export const REMINDER_TOPICS: readonly ReminderTopic[] = ['verification', 'plan', 'general'];

/**
 * A message's text in the reader's language: the server keeps only its kind and values
 * (`messages.kinds.<kind>`), so the same message reads in Chinese or English as the reader switches.
 * A reminder's deadline and the note or comment a decision came with are added after it.
 */
export function messageText(t: TFunction, m: Pick<Message, 'kind' | 'params'>): string {
  const p = m.params;
  const str = (k: string) => (p[k] === null || p[k] === undefined ? '' : String(p[k]));
  const values: Record<string, string> = Object.fromEntries(Object.keys(p).map((k) => [k, str(k)]));
  if (typeof p['field'] === 'string') values['field'] = t(`teachers.fields.${p['field']}`);
  // what a study reminder lists as missing is stored in both languages (it names the course's items):
  // each language names the value it reads
  if (m.kind === 'study_reminder') values['missing'] = str(t('messages.studyMissingParam')) || str('missing');
  if (DECIDED.has(m.kind))
    values['outcome'] = t((p['accept'] ?? p['approve']) ? 'messages.outcomes.accepted' : 'messages.outcomes.rejected');
  if (m.kind === 'homework_graded')
    values['outcome'] = t(p['passed'] ? 'messages.outcomes.passed' : 'messages.outcomes.failed');
  const topic = REMINDER_TOPICS.includes(str('topic') as ReminderTopic) ? str('topic') : 'general';
  let text =
    m.kind === 'reminder' ? t(`messages.reminderText.${topic}`, values) : t(`messages.kinds.${m.kind}`, values);
  if (m.kind === 'reminder' && str('deadline')) text += t('messages.deadline', { deadline: str('deadline') });
  // a general reminder's note is its text already
  const note = m.kind === 'reminder' && topic === 'general' ? '' : str('note') || str('comment');
  if (note) text += t('messages.noteSuffix', { note });
  return text;
}

export function useMessageText() {
  const { t } = useTranslation();
  return useCallback((m: Pick<Message, 'kind' | 'params'>) => messageText(t, m), [t]);
}
