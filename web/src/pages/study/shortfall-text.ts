import type { TFunction } from 'i18next';
import type { Shortfall } from '../../api/study-session.api';

/** What a teacher still lacks in an online course, in the reader's language. */
export function shortfallText(t: TFunction, x: Shortfall): string {
  switch (x.code) {
    case 'study_minutes':
      return t('training.close.reasonStudyMinutes', {
        title: x.title,
        counted: x.countedMinutes,
        required: x.requiredMinutes,
      });
    case 'homework':
      return t('training.close.reasonHomework');
    case 'posts':
      return t('training.close.reasonPosts', { counted: x.counted, required: x.required });
    case 'reflections':
      return t('training.close.reasonReflections', { counted: x.counted, required: x.required });
    default: {
      const never: never = x;
      return String(never);
    }
  }
}
