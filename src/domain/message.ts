/**
 * The message centre (消息): what a message is about. A message stores its kind and parameters, never
 * its text, so each reader sees it in their own language (web/src/i18n: `messages.kinds.<kind>`).
 */
export const MESSAGE_KINDS = [
  // annual verification (R-16): the school submits, the county signs off or returns
  'verification_submitted',
  'verification_signed_off',
  'verification_returned',
  // a school's annual plan (R-20): submitted to the county, approved or returned
  'plan_submitted',
  'plan_approved',
  'plan_returned',
  // a teacher asks the school to correct their record; the school accepts or rejects
  'correction_requested',
  'correction_decided',
  // a teacher asks for a person to review their progress; the school answers
  'review_requested',
  'review_answered',
  // taking back an entry of a signed-off year waits for the county
  'reversal_requested',
  'reversal_decided',
  // an online class opens its course to its enrolled teachers for a study window
  'study_opened',
  // 催办: an admin above reminds the admins of a unit of something they have not done
  'reminder',
  // a tutor of an online class reminds a teacher of what is still missing
  'study_reminder',
  // homework of an online class (研修作业): handed in to its tutors; returned or graded to its teacher
  'homework_submitted',
  'homework_returned',
  'homework_graded',
  // the class forum (班级研讨): a report to its moderators; a hidden post to its author
  'forum_reported',
  'forum_post_hidden',
  // the public notice (公示): a list opened to the admins of the units in scope; an objection to the
  // organiser's admins; the answer to the objector
  'publicity_opened',
  'publicity_objection',
  'publicity_answered',
  // a spot-check's draw (抽测, R-34): to each drawn teacher, and to the admins of their schools
  'spot_check_drawn',
  'spot_check_unit_drawn',
  // backbone teachers (骨干教师, R-41): a round opened to the units with a quota, a school's proposal to the
  // unit passing it up, panel members named, a title granted or revoked, a duty reminder, a title flagged
  'backbone_round_opened',
  'backbone_nomination_proposed',
  'backbone_panel_named',
  'backbone_title_granted',
  'backbone_title_revoked',
  'backbone_duty_reminder',
  'backbone_title_flagged',
  // an exam published to its candidates (a class's, a project's, a spot-check's drawn teachers)
  'exam_published',
  // a marker named for an exam; a candidate's attempt graded once its essays were marked
  'exam_marker_named',
  'exam_graded',
  // mentoring pairs (师徒结对, R-40): an application to its school, a recommendation to the county, each
  // decision to the members and their schools, an agreement or an activity to the other side to confirm
  'pair_applied',
  'pair_recommended',
  'pair_returned',
  'pair_registered',
  'pair_refused',
  'pair_agreement',
  'pair_signed',
  'pair_activity_logged',
  'pair_activity_decided',
  'pair_review_scored',
  'pair_awarded',
  'pair_ended',
  // a teacher's development plan (个人专业发展规划, R-52): submitted to the school, approved or returned
  'development_plan_submitted',
  'development_plan_approved',
  'development_plan_returned',
  // competitions (评比, R-42): a competition opened to a unit; named a judge; a re-score asked by the panel
  // lead; disagreements to the panel lead; entries advanced into the next round's organiser
  'competition_opened',
  'competition_judge_named',
  'competition_rescore',
  'competition_disagreement',
  'competition_advanced',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** What a reminder (催办) is about: it decides the text and the page the message opens. */
export const REMINDER_TOPICS = ['verification', 'plan', 'general'] as const;
export type ReminderTopic = (typeof REMINDER_TOPICS)[number];

/** The values a message's text is filled with: plain scalars, rendered by the reader's language. */
export type MessageParams = Record<string, string | number | boolean | null>;

/** At most this many units are reminded at once (every school of a large county). */
export const MAX_REMINDER_UNITS = 2_000;

/** The page a reminder opens for the unit's admins. */
export function reminderLink(
  topic: ReminderTopic,
  p: { cycleId?: number | null; year?: number | null },
): string | null {
  switch (topic) {
    case 'verification': {
      const q = [p.cycleId ? `cycle=${p.cycleId}` : null, p.year ? `year=${p.year}` : null].filter(Boolean).join('&');
      return `/verifications${q ? `?${q}` : ''}`;
    }
    case 'plan':
      return '/plans';
    case 'general':
      return null;
    default: {
      const never: never = topic;
      return never;
    }
  }
}

/**
 * The paths at and above a unit, e.g. '/1/7/42/' → ['/1/', '/1/7/', '/1/7/42/']: the units whose
 * notices a reader there receives.
 */
export function linePaths(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}
