import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ExamStatus, ExamTarget } from '../../api/exam-admin';

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
