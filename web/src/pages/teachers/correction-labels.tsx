import { Tag } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { CorrectableField, CorrectionStatus, Teacher, TeacherCorrection } from '../../api/types';

const STATUS_COLORS: Record<CorrectionStatus, string> = { open: 'processing', accepted: 'success', rejected: 'error' };

export function CorrectionStatusTag({ status }: { status: CorrectionStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} data-testid="correction-status">
      {t(`corrections.statuses.${status}`)}
    </Tag>
  );
}

/** Field names and values of correction requests in the UI language (choices such as 小学 translated). */
export function useCorrectionWording() {
  const { t } = useTranslation();
  const fieldLabel = useCallback((field: CorrectableField) => t(`teachers.fields.${field}`), [t]);
  /** A stored value of a field as text; choices are stored as codes (`primary`, `female`, …). */
  const valueText = useCallback(
    (field: CorrectableField, value: string | number | null): string => {
      if (value === null || value === '') return '—';
      const v = String(value);
      switch (field) {
        case 'gender':
          return v === 'male' || v === 'female' ? t(`teachers.genders.${v}`) : v;
        case 'stage':
          return t(`stages.${v}`, { defaultValue: v });
        case 'employment':
          return t(`teachers.employments.${v}`, { defaultValue: v });
        case 'name':
        case 'idNumber':
        case 'birthDate':
        case 'phone':
        case 'subject':
        case 'title':
        case 'teachingStartYear':
          return v;
        default: {
          const never: never = field;
          return never;
        }
      }
    },
    [t],
  );
  /** The value asked for; identifiers stay encrypted until the school accepts. */
  const proposedText = useCallback(
    (c: Pick<TeacherCorrection, 'field' | 'proposed' | 'proposedHidden'>, hiddenKey = 'corrections.hidden') =>
      c.proposedHidden ? t(hiddenKey) : valueText(c.field, c.proposed),
    [t, valueText],
  );
  /** The current value of a field on the (masked) record. */
  const currentText = useCallback(
    (teacher: Teacher, field: CorrectableField): string => {
      switch (field) {
        case 'idNumber':
          return teacher.idNumberMasked;
        case 'phone':
          return teacher.phoneMasked ?? '—';
        case 'birthDate':
          // beside the masked ID number the birth date shows its year only
          if (teacher.birthDate) return teacher.birthDate;
          return teacher.birthYear === null ? '—' : t('teachers.form.birthYear', { year: teacher.birthYear });
        default:
          return valueText(field, teacher[field]);
      }
    },
    [t, valueText],
  );
  return { fieldLabel, valueText, proposedText, currentText };
}
