import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Select,
  Space,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type BackboneTitle, backboneApi, backboneKeys } from '../../api/backbone.api';
import { useCurrentUser } from '../../auth/session';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { ROUND_STATUS_COLOR } from './backbone-labels';
import { TitleDetail } from './title-drawer';

const DUTY_STATUS_COLOR = { recorded: 'blue', confirmed: 'green', rejected: 'red' } as const;

/** Records an open lesson or a paper of a year, with a link; a file may be added after. */
function RecordDutyModal({ title, onClose }: { title: BackboneTitle; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ kind: 'open_lesson' | 'paper'; subject: string; heldOn?: Dayjs; link?: string }>();
  const save = useMutation({
    mutationFn: (v: { kind: 'open_lesson' | 'paper'; subject: string; heldOn?: Dayjs; link?: string }) => {
      const heldOn = v.heldOn?.format('YYYY-MM-DD') ?? '';
      return backboneApi.recordDuty({
        titleId: title.id,
        year: Number(heldOn.slice(0, 4)),
        kind: v.kind,
        subject: v.subject,
        heldOn,
        link: v.link?.trim() || null,
      });
    },
    onSuccess: () => {
      void message.success(t('backbone.my.recorded'));
      void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
      onClose();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  return (
    <Modal
      open
      title={t('backbone.my.recordTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'backbone-duty-save' }}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ kind: 'open_lesson' }} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="kind" label={t('backbone.duty.kind')} rules={[{ required: true }]}>
          <Select
            options={(['open_lesson', 'paper'] as const).map((k) => ({
              value: k,
              label: t(`backbone.dutyKinds.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="subject" label={t('backbone.duty.subject')} rules={[{ required: true, max: 200 }]}>
          <Input data-testid="backbone-duty-subject" />
        </Form.Item>
        <Form.Item name="heldOn" label={t('backbone.duty.heldOn')} rules={[{ required: true }]}>
          <DatePicker data-testid="backbone-duty-held-on" />
        </Form.Item>
        <Form.Item
          name="link"
          label={t('backbone.duty.link')}
          extra={t('backbone.my.linkHint')}
          rules={[{ type: 'url', message: t('backbone.my.linkInvalid') }]}
        >
          <Input placeholder="https://" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 我的骨干教师: a teacher's titles with their history and yearly duties, and the rounds they review. */
export default function MyBackbonePage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [recording, setRecording] = useState<BackboneTitle | null>(null);
  const mine = useQuery({ queryKey: backboneKeys.mine, queryFn: backboneApi.mine, enabled: me.role === 'teacher' });
  const panel = useQuery({ queryKey: backboneKeys.panel, queryFn: backboneApi.panel });

  const panelCard = (
    <Card size="small" title={t('backbone.my.panelTitle')} data-testid="backbone-my-panel">
      {panel.data?.items.length ? (
        <List
          dataSource={panel.data.items}
          renderItem={(r) => (
            <List.Item>
              <Space wrap>
                <Link to={`/programmes/backbone/${r.id}`} data-testid={`backbone-panel-round-${r.id}`}>
                  {r.title}
                </Link>
                <Tag color={ROUND_STATUS_COLOR[r.status]}>{t(`backbone.statuses.${r.status}`)}</Tag>
                <Typography.Text type="secondary">{r.orgUnitName}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('backbone.my.noPanel')} />
      )}
    </Card>
  );

  if (me.role !== 'teacher')
    return (
      <Space direction="vertical" style={{ width: '100%' }} data-testid="my-backbone-page">
        {panelCard}
      </Space>
    );
  if (mine.isError) return <ErrorResult error={mine.error} onRetry={() => void mine.refetch()} />;
  if (!mine.data) return <SectionSpin />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="my-backbone-page">
      <Typography.Title level={3}>{t('backbone.my.title')}</Typography.Title>
      {!mine.data.linked && <Alert type="info" showIcon message={t('backbone.my.notLinked')} />}
      {mine.data.titles.length === 0 && mine.data.linked && (
        <Empty description={t('backbone.my.none')} data-testid="backbone-my-none" />
      )}
      {mine.data.titles.map((title) => (
        <Card
          key={title.id}
          size="small"
          title={t('backbone.my.titleLine', { level: t(`backbone.levels.${title.level}`), unit: title.grantedByName })}
          data-testid={`backbone-my-title-${title.id}`}
          extra={
            title.status === 'active' && (
              <Button type="primary" onClick={() => setRecording(title)} data-testid="backbone-record-duty">
                {t('backbone.my.record')}
              </Button>
            )
          }
        >
          <TitleDetail title={title} />
          <Typography.Title level={5}>{t('backbone.my.records')}</Typography.Title>
          <List
            size="small"
            locale={{ emptyText: t('backbone.my.noRecords') }}
            dataSource={title.records}
            renderItem={(d) => (
              <List.Item>
                <Space wrap>
                  <Tag>{t(`backbone.dutyKinds.${d.kind}`)}</Tag>
                  <span>{d.subject}</span>
                  <Typography.Text type="secondary">{d.heldOn}</Typography.Text>
                  <Tag color={DUTY_STATUS_COLOR[d.status]}>{t(`backbone.dutyStatuses.${d.status}`)}</Tag>
                  {d.decisionNote && <Typography.Text type="secondary">{d.decisionNote}</Typography.Text>}
                  {d.link && (
                    <Typography.Link href={d.link} target="_blank" rel="noreferrer">
                      {t('backbone.duty.link')}
                    </Typography.Link>
                  )}
                  {d.hasFile && (
                    <DownloadButton
                      size="small"
                      type="link"
                      file={() => backboneApi.dutyFile(d.id)}
                      fileName={d.fileName ?? ''}
                    >
                      {d.fileName}
                    </DownloadButton>
                  )}
                  {d.status === 'recorded' && (
                    <Upload
                      showUploadList={false}
                      customRequest={({ file, onSuccess, onError }) => {
                        backboneApi
                          .attachDutyFile(d.id, file as Blob)
                          .then((res) => {
                            onSuccess?.(res);
                            void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
                          })
                          .catch((err: unknown) => {
                            void message.error(errorText(err));
                            onError?.(err as Error);
                          });
                      }}
                    >
                      <Button size="small" icon={<UploadOutlined />}>
                        {t('backbone.my.attach')}
                      </Button>
                    </Upload>
                  )}
                </Space>
              </List.Item>
            )}
          />
        </Card>
      ))}
      {panelCard}
      {recording && <RecordDutyModal title={recording} onClose={() => setRecording(null)} />}
    </Space>
  );
}
