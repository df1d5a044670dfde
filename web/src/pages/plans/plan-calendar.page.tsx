import { useQuery } from '@tanstack/react-query';
import { Badge, Card, Col, Empty, Row, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DownloadButton } from '../../components/download-button';
import { planKeys, plansApi, type CalendarItem } from '../../api/plans.api';
import type { OrgUnitRef } from '../../api/types';
import { isAdminRole } from '../../auth/roles';
import { useCurrentUser } from '../../auth/session';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useIsPhone } from '../../lib/use-media-query';
import { LEVEL_COLOR, StatusTag, yearOptions } from './plan-labels';

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

function Line({ item }: { item: CalendarItem }) {
  const { t } = useTranslation();
  return (
    <div
      className="plan-calendar-line"
      style={{
        borderLeft: `3px solid var(--ant-color-${LEVEL_COLOR[item.unitKind]}, ${LEVEL_COLOR[item.unitKind]})`,
        paddingLeft: 8,
        marginBottom: 8,
      }}
      data-testid="calendar-item"
    >
      <Space size={4} wrap>
        <Tag color={LEVEL_COLOR[item.unitKind]} style={{ marginInlineEnd: 0 }}>
          {t(`kinds.${item.unitKind}`)}
        </Tag>
        <Typography.Text strong>{item.title}</Typography.Text>
      </Space>
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {[
            item.unitName,
            item.form ? t(`plans.forms.${item.form}`) : null,
            item.responsibleUnitName ?? item.responsible,
            item.projectTitle,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Typography.Text>
      </div>
      {item.notes && (
        <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'pre-wrap' }}>
          {item.notes}
        </Typography.Text>
      )}
    </div>
  );
}

/**
 * 培训行事历: the month calendar that applies to a unit in a year (its own plan and the approved or
 * published plans above it), one card per month; admins may pick a unit of their subtree.
 */
export default function PlanCalendarPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const admin = isAdminRole(user.role);
  // on a phone the months without lines are left out: the list stays short
  const isPhone = useIsPhone();
  const [year, setYear] = useState(new Date().getFullYear());
  const [unitId, setUnitId] = useState<number | undefined>();
  const q = useQuery({ queryKey: planKeys.calendar(year, unitId), queryFn: () => plansApi.calendar(year, unitId) });
  const own: OrgUnitRef = { id: user.orgUnit.id, name: user.orgUnit.name, kind: user.orgUnit.kind };
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const data = q.data;
  const thisMonth = new Date().getFullYear() === year ? new Date().getMonth() + 1 : null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card
        size="small"
        className="wrap-title"
        title={data ? t('plans.calendarTitle', { unit: data.unit.name, year }) : t('plans.nav.calendar')}
        extra={
          <Select
            value={year}
            onChange={setYear}
            options={yearOptions()}
            style={{ width: 100 }}
            aria-label={t('plans.year')}
            data-testid="calendar-year"
          />
        }
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          {admin && (
            <OrgUnitPicker
              value={unitId ?? own.id}
              onChange={(id) => setUnitId(id === own.id ? undefined : id)}
              initialOptions={[own]}
              kinds={['province', 'city', 'county', 'township', 'school']}
              style={{ width: '100%', maxWidth: 360 }}
              data-testid="calendar-unit"
            />
          )}
          {data && data.plans.length > 0 && (
            <Space wrap size={[8, 4]}>
              {data.plans.map((p) => (
                <Space key={p.planId} size={4}>
                  <Tag color={LEVEL_COLOR[p.unitKind]}>{t(`kinds.${p.unitKind}`)}</Tag>
                  <Typography.Text>
                    {p.unitName}
                    {t('common.colon')}
                    {p.title}
                  </Typography.Text>
                  {p.workingCopy && <StatusTag status={p.status} />}
                </Space>
              ))}
            </Space>
          )}
          {data?.plans
            .filter((p) => p.unitId === data.unit.id)
            .map((p) => (
              <DownloadButton
                key={p.planId}
                size="small"
                file={() => plansApi.exportSheet(p.planId)}
                fileName={`${p.unitName}${year}.xlsx`}
              >
                {t('plans.exportSheet')}
              </DownloadButton>
            ))}
        </Space>
      </Card>
      {!data ? (
        <SectionSpin />
      ) : data.items.length === 0 ? (
        <Empty description={t('plans.calendarEmpty')} />
      ) : (
        <Row gutter={[12, 12]} data-testid="plan-calendar">
          {MONTHS.map((m) => {
            const items = data.items.filter((i) => i.month === m);
            if (isPhone && items.length === 0) return null;
            return (
              <Col key={m} xs={24} sm={12} lg={8} xl={6}>
                <Card
                  size="small"
                  title={
                    <Space>
                      {t('plans.monthName', { month: m })}
                      {m === thisMonth && <Badge status="processing" text={t('plans.thisMonth')} />}
                    </Space>
                  }
                  style={{ height: '100%' }}
                  data-testid={`calendar-month-${m}`}
                >
                  {items.length === 0 ? (
                    <Typography.Text type="secondary">—</Typography.Text>
                  ) : (
                    items.map((i, k) => <Line key={`${i.planId}-${k}`} item={i} />)
                  )}
                </Card>
              </Col>
            );
          })}
        </Row>
      )}
    </Space>
  );
}
