import { Space, Tag } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { Teacher } from '../../api/types';
import { SUBJECT_KEYS, TITLE_KEYS } from './teacher-rules';

type FlagFields = Pick<Teacher, 'headTeacher' | 'backboneLevel' | 'subjectLeader' | 'masterTeacher' | 'newTeacher'>;

/** 班主任, 县级骨干, 学科带头人, 名师, 新入职 as tags; a dash (or `empty`) when none applies. */
export function TeacherFlagTags({ teacher, empty = '—' }: { teacher: FlagFields; empty?: string | null }) {
  const { t } = useTranslation();
  const tags = [];
  if (teacher.headTeacher)
    tags.push(
      <Tag key="head" color="blue">
        {t('teachers.flags.headTeacher')}
      </Tag>,
    );
  if (teacher.backboneLevel) {
    tags.push(
      <Tag key="backbone" color="gold">
        {t('teachers.backboneTag', { level: t(`teachers.backboneLevels.${teacher.backboneLevel}`) })}
      </Tag>,
    );
  }
  if (teacher.subjectLeader)
    tags.push(
      <Tag key="leader" color="purple">
        {t('teachers.flags.subjectLeader')}
      </Tag>,
    );
  if (teacher.masterTeacher)
    tags.push(
      <Tag key="master" color="magenta">
        {t('teachers.flags.masterTeacher')}
      </Tag>,
    );
  if (teacher.newTeacher)
    tags.push(
      <Tag key="new" color="green">
        {t('teachers.flags.newTeacher')}
      </Tag>,
    );
  if (tags.length === 0) return <>{empty}</>;
  return (
    <Space size={[0, 4]} wrap data-testid="teacher-flags">
      {tags}
    </Space>
  );
}

/** Labels of a roster column and of a row problem, in the UI language. */
export function useRosterWording() {
  const { t, i18n } = useTranslation();
  const columnLabel = useCallback(
    (column: string) => {
      if (column === 'file' || column === '') return t('teachers.import.wholeFile');
      const key = `teachers.fields.${column}`;
      return i18n.exists(key) ? t(key) : column;
    },
    [t, i18n],
  );
  /**
   * The problem alone ("校验位…不正确", "与第 3 行证件号码重复"), with a note when the value is shown
   * partly hidden and the closest school names when the school is unknown; null when the UI does
   * not know the code.
   */
  const problemText = useCallback(
    (
      code: string,
      value?: string,
      extra: { withheld?: 'id_number' | 'phone'; suggestions?: string[]; otherRow?: number } = {},
    ) => {
      const key = `teacherProblems.${code}`;
      if (!i18n.exists(key)) return null;
      // a report stored before the other row of a repeat had its own field carried it as the value
      let text = t(key, { value: value ?? '', otherRow: extra.otherRow ?? value ?? '' });
      if (extra.withheld) text += t(`teachers.import.withheld.${extra.withheld}`);
      if (extra.suggestions?.length) {
        const names = extra.suggestions.map((n) => t('common.quoted', { text: n })).join(t('common.listSeparator'));
        text += t('teachers.import.didYouMean', { names });
      }
      return text;
    },
    [t, i18n],
  );
  return { columnLabel, problemText };
}

/**
 * A subject or title in the UI language: the values the product knows are translated,
 * anything else is shown as typed; a dash when empty.
 */
export function useTeacherValueLabels() {
  const { t } = useTranslation();
  const label = useCallback(
    (map: Record<string, string>, prefix: string, value: string | null | undefined) => {
      if (!value) return '—';
      const key = Object.hasOwn(map, value) ? map[value] : undefined;
      return key ? t(`${prefix}.${key}`) : value;
    },
    [t],
  );
  return {
    subjectLabel: useCallback((v: string | null | undefined) => label(SUBJECT_KEYS, 'teachers.subjects', v), [label]),
    titleLabel: useCallback(
      (v: string | null | undefined) => label(TITLE_KEYS, 'teachers.professionalTitles', v),
      [label],
    ),
  };
}
