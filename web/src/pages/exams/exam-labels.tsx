import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ExamLevelCode, MyExam } from '../../api/exams';

const LEVEL_COLORS: Record<ExamLevelCode, string> = {
  excellent: 'green',
  good: 'cyan',
  pass: 'blue',
  basic: 'gold',
  fail: 'red',
};

/** 优秀 / 良好 / 合格 / 基本合格 / 不合格 (src/domain/exam-score.ts EXAM_LEVEL_LABELS). */
export function LevelTag({ level }: { level: ExamLevelCode }) {
  const { t } = useTranslation();
  return (
    <Tag color={LEVEL_COLORS[level]} data-testid="exam-level">
      {t(`myExams.levels.${level}`)}
    </Tag>
  );
}

const STATE_COLORS: Record<MyExam['state'], string> = { upcoming: 'default', open: 'processing', closed: 'default' };

export function ExamStateTag({ state }: { state: MyExam['state'] }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLORS[state]}>{t(`myExams.states.${state}`)}</Tag>;
}
