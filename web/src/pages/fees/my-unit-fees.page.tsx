import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { App, Button, Card, Empty, InputNumber, List, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { saveFile } from '../../api/client';
import { feeKeys, feesApi, type FeeKind, type OwnDueLine } from '../../api/fees.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { useIsPhone } from '../../lib/use-media-query';
import { formatFen, STATUS_COLOR } from './fee-labels';

/** 本单位应缴费用: what the admin's unit owes for the projects of the unit above it (and a school's own). */
export default function MyUnitFeesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const isPhone = useIsPhone();
  const [year, setYear] = useState<number | undefined>(undefined);
  const [exporting, setExporting] = useState(false);
  const q = useQuery({
    queryKey: feeKeys.myUnit(year),
    queryFn: () => feesApi.myUnit(year),
    placeholderData: keepPreviousData,
  });

  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { lines, total, unit } = q.data;

  const download = async () => {
    setExporting(true);
    try {
      saveFile(await feesApi.exportMyUnit(year), 'unit-fees.xlsx');
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setExporting(false);
    }
  };

  const columns: TableColumnsType<OwnDueLine> = [
    { title: t('fees.mine.year'), dataIndex: 'projectYear', width: 70 },
    {
      title: t('fees.mine.project'),
      dataIndex: 'projectTitle',
      render: (v: string, l) => <Link to={`/training/${l.projectId}`}>{v}</Link>,
    },
    { title: t('fees.mine.organiser'), dataIndex: 'organiserName', responsive: ['lg'] },
    {
      title: t('fees.item.name'),
      dataIndex: 'itemName',
      render: (v: string, l) => (
        <Space size={4}>
          {v}
          <Typography.Text type="secondary">{t(`fees.kinds.${l.kind as FeeKind}`)}</Typography.Text>
        </Space>
      ),
    },
    { title: t('fees.teachers'), dataIndex: 'teachers', align: 'right' },
    {
      title: t('fees.item.amount'),
      dataIndex: 'amountFen',
      align: 'right',
      render: (v: number) => formatFen(v),
      responsive: ['md'],
    },
    {
      title: t('fees.due'),
      dataIndex: 'dueFen',
      align: 'right',
      render: (v: number, l) =>
        l.overrideFen === null ? (
          formatFen(v)
        ) : (
          <Space size={4}>
            {formatFen(v)}
            <Tag color="purple" title={l.overrideReason ?? undefined}>
              {t('fees.override.tag')}
            </Tag>
          </Space>
        ),
    },
    { title: t('fees.paid'), dataIndex: 'paidFen', align: 'right', render: (v: number) => formatFen(v) },
    { title: t('fees.balance'), dataIndex: 'balanceFen', align: 'right', render: (v: number) => formatFen(v) },
    {
      title: t('fees.statusLabel'),
      dataIndex: 'status',
      render: (s: OwnDueLine['status']) => <Tag color={STATUS_COLOR[s]}>{t(`fees.status.${s}`)}</Tag>,
    },
  ];

  const controls = (
    <Space wrap>
      <InputNumber
        placeholder={t('fees.mine.allYears')}
        min={2000}
        max={2100}
        value={year}
        onChange={(v) => setYear(v ?? undefined)}
        style={{ width: 120 }}
        data-testid="fees-year"
      />
      <Button
        icon={<DownloadOutlined />}
        loading={exporting}
        disabled={lines.length === 0}
        onClick={() => void download()}
      >
        {t('fees.export')}
      </Button>
    </Space>
  );
  // on a phone the title keeps the whole width and the controls go into the card
  return (
    <Card
      title={isPhone ? t('fees.mine.title') : `${t('fees.mine.title')} · ${unit.name}`}
      extra={isPhone ? undefined : controls}
    >
      <Space direction="vertical" style={{ width: '100%' }} size="large">
        {isPhone && controls}
        <Space wrap size="large">
          <Statistic title={t('fees.totalDue')} value={formatFen(total.dueFen)} />
          <Statistic title={t('fees.totalPaid')} value={formatFen(total.paidFen)} />
          <Statistic title={t('fees.totalBalance')} value={formatFen(total.balanceFen)} />
        </Space>
        {isPhone ? (
          <List
            dataSource={lines}
            locale={{ emptyText: <Empty description={t('fees.mine.none')} /> }}
            renderItem={(l) => (
              <List.Item>
                <List.Item.Meta
                  title={
                    <Space wrap>
                      {l.itemName}
                      <Tag color={STATUS_COLOR[l.status]}>{t(`fees.status.${l.status}`)}</Tag>
                    </Space>
                  }
                  description={
                    <Space direction="vertical" size={0}>
                      <Link to={`/training/${l.projectId}`}>
                        {l.projectYear} · {l.projectTitle}
                      </Link>
                      <span>
                        {t('fees.mine.phoneLine', {
                          teachers: l.teachers,
                          due: formatFen(l.dueFen),
                          paid: formatFen(l.paidFen),
                          balance: formatFen(l.balanceFen),
                        })}
                      </span>
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        ) : (
          <Table
            rowKey="itemId"
            size="small"
            columns={columns}
            dataSource={lines}
            loading={q.isFetching}
            scroll={{ x: 'max-content' }}
            pagination={lines.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
            locale={{ emptyText: <Empty description={t('fees.mine.none')} /> }}
          />
        )}
      </Space>
    </Card>
  );
}
