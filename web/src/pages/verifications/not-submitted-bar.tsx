import { Alert, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SchoolYear } from '../../api/types';
import { RemindButton } from '../messages/remind.modal';

/**
 * The schools of the county's list ticked because they have not submitted their year (未开始, 学校核验中,
 * 已退回): how many, their names, and clearing the ticks. What is done for them (催办, a reminder to
 * each) belongs in the actions of this bar, beside the clear button, and gets `schools` as they are.
 */
export function NotSubmittedBar({
  schools,
  cycleId,
  year,
  onClear,
}: {
  schools: readonly SchoolYear[];
  cycleId: number;
  year: number;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  if (schools.length === 0) return null;
  const names = schools.slice(0, 5).map((s) => s.orgUnitName);
  return (
    <Alert
      type="info"
      style={{ marginBottom: 12 }}
      data-testid="verification-picked"
      title={t('verification.picked.title', { count: schools.length, year })}
      description={
        schools.length > names.length
          ? t('verification.picked.namesMore', { names: names.join(t('common.listSeparator')), count: schools.length })
          : names.join(t('common.listSeparator'))
      }
      action={
        <Space wrap>
          <RemindButton schools={schools} cycleId={cycleId} year={year} onSent={onClear} />
          <Button size="small" onClick={onClear} data-testid="verification-picked-clear">
            {t('verification.picked.clear')}
          </Button>
        </Space>
      }
    />
  );
}
