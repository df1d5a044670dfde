import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { ExamStatus, ExamTarget } from '../../api/exam-admin';
import { useErrorMessage } from '../../lib/error-message';

export const STATUS_COLOR: Record<ExamStatus, string> = { draft: 'default', published: 'green', closed: 'red' };

/** 草稿 / 已发布 / 已结束 */
export function ExamStatusTag({ status }: { status: ExamStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="exam-status">
      {t(`examAdmin.statuses.${status}`)}
    </Tag>
  );
}

/** 课程 / 班次 / 项目 / 抽测 */
export function TargetLabel({ target }: { target: ExamTarget }) {
  const { t } = useTranslation();
  return <>{t(`examAdmin.targets.${target}`)}</>;
}

/** `2 分`, points with two decimals at most. */
export function formatPoints(points: number): string {
  return String(Math.round(points * 100) / 100);
}

/** A problem of a paper as the server reports it with EXAM_PAPER_INVALID (domain/exam-paper.ts PaperProblem). */
interface PaperProblem {
  code: string;
  index?: number;
  questionId?: number;
  wanted?: number;
  available?: number;
  max?: number;
}

/**
 * An error in words: a paper refused with its problems says each one (which pool is short of questions
 * and by how many, which question cannot be used); anything else as the error's own message.
 */
export function usePaperErrorText(): (err: unknown) => string {
  const { t, i18n } = useTranslation();
  const errorText = useErrorMessage();
  return (err) => {
    if (!(err instanceof ApiError) || err.code !== 'EXAM_PAPER_INVALID') return errorText(err);
    const problems = err.details?.['problems'];
    if (!Array.isArray(problems) || problems.length === 0) return errorText(err);
    const lines = (problems as PaperProblem[]).map((p) => {
      const key = `examAdmin.paperProblems.${p.code}`;
      const n = p.index === undefined ? undefined : p.index + 1;
      return i18n.exists(key) ? t(key, { ...p, n }) : p.code;
    });
    return `${t('examAdmin.paperProblems.title')}${lines.join(t('examAdmin.paperProblems.separator'))}`;
  };
}
