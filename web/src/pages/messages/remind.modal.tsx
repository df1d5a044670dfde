import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { messageKeys, messagesApi } from '../../api/messages.api';
import { useErrorMessage } from '../../lib/error-message';

/** a school to remind; `admins`, when known, is how many accounts the reminder reaches there */
type School = { orgUnitId: number; orgUnitName: string; admins?: number };

interface RemindForm {
  deadline?: Dayjs | null;
  note?: string;
}

/**
 * 催办: the dialog that reminds the admins of `schools` to submit their year's verification or annual
 * plan. It names the schools and their number before anything is sent.
 */
function RemindModal({
  schools,
  total,
  topic = 'verification',
  cycleId = null,
  year,
  onClose,
  onSent,
}: {
  schools: readonly School[] | null;
  /** how many schools there are in all, when the list was cut at what one reminder takes */
  total?: number;
  topic?: 'verification' | 'plan';
  cycleId?: number | null;
  year: number;
  onClose: () => void;
  onSent?: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<RemindForm>();
  const list = schools ?? [];
  const send = useMutation({
    mutationFn: (v: RemindForm) =>
      messagesApi.remind({
        orgUnitIds: list.map((s) => s.orgUnitId),
        topic,
        cycleId,
        year,
        deadline: v.deadline ? v.deadline.format('YYYY-MM-DD') : null,
        note: v.note?.trim() || null,
      }),
    onSuccess: (r) => {
      void message.success(t('messages.remind.sent', { units: r.units, recipients: r.recipients }));
      void queryClient.invalidateQueries({ queryKey: messageKeys.all });
      onClose();
      onSent?.();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const names = list.slice(0, 10).map((s) => s.orgUnitName);
  const unreachable = list.filter((s) => s.admins === 0).map((s) => s.orgUnitName);
  return (
    <Modal
      open={schools !== null}
      title={t(topic === 'plan' ? 'messages.remind.planTitle' : 'messages.remind.title', { year })}
      okText={t('messages.remind.ok', { count: list.length })}
      okButtonProps={{ disabled: list.length === 0 }}
      cancelText={t('common.cancel')}
      confirmLoading={send.isPending}
      onOk={() => void form.validateFields().then((v) => send.mutate(v))}
      onCancel={onClose}
      destroyOnHidden
      data-testid="remind-form"
    >
      {list.length === 0 ? (
        <Typography.Paragraph data-testid="remind-none">{t('messages.remind.none', { year })}</Typography.Paragraph>
      ) : (
        <>
          <Typography.Paragraph>
            {t(topic === 'plan' ? 'messages.remind.planIntro' : 'messages.remind.intro', { count: list.length, year })}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" data-testid="remind-schools">
            {list.length > names.length
              ? t('verification.picked.namesMore', { names: names.join(t('common.listSeparator')), count: list.length })
              : names.join(t('common.listSeparator'))}
          </Typography.Paragraph>
          {total !== undefined && total > list.length && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('messages.remind.cut', { total, count: list.length })}
              data-testid="remind-cut"
            />
          )}
          {unreachable.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('messages.remind.noAdmins', {
                count: unreachable.length,
                names: unreachable.slice(0, 10).join(t('common.listSeparator')),
              })}
              data-testid="remind-unreachable"
            />
          )}
        </>
      )}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="deadline" label={t('messages.remind.deadline')}>
          <DatePicker style={{ width: '100%' }} data-testid="remind-deadline" />
        </Form.Item>
        <Form.Item name="note" label={t('messages.remind.note')}>
          <Input maxLength={500} showCount data-testid="remind-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 催办 the schools ticked in the county's verification list. */
export function RemindButton({
  schools,
  cycleId,
  year,
  onSent,
}: {
  schools: readonly School[];
  cycleId: number;
  year: number;
  onSent?: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [shown, setShown] = useState<readonly School[] | null>(null);
  // the ticked schools with how many admins each has, so the dialog warns of those nobody will read it in
  const load = useMutation({
    mutationFn: () => messagesApi.verificationPending(cycleId, year),
    onSuccess: (r) => {
      const admins = new Map(r.items.map((s) => [s.orgUnitId, s.admins]));
      setShown(schools.map((s) => ({ ...s, admins: admins.get(s.orgUnitId) ?? s.admins })));
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <>
      <Button
        size="small"
        type="primary"
        icon={<BellOutlined />}
        disabled={schools.length === 0}
        loading={load.isPending}
        onClick={() => load.mutate()}
        data-testid="verification-remind"
      >
        {t('messages.remind.button', { count: schools.length })}
      </Button>
      <RemindModal schools={shown} cycleId={cycleId} year={year} onClose={() => setShown(null)} onSent={onSent} />
    </>
  );
}

/** 催办 every school below the own unit that has not submitted the year (all pages of the list, not only the ticked). */
export function RemindAllButton({ cycleId, year, count }: { cycleId: number; year: number; count: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [shown, setShown] = useState<{ items: readonly School[]; total: number } | null>(null);
  const load = useMutation({
    mutationFn: () => messagesApi.verificationPending(cycleId, year),
    onSuccess: (r) => setShown(r),
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <>
      <Button
        icon={<BellOutlined />}
        disabled={count === 0}
        loading={load.isPending}
        onClick={() => load.mutate()}
        data-testid="verification-remind-all"
      >
        {t('messages.remind.all', { count })}
      </Button>
      <RemindModal
        schools={shown?.items ?? null}
        total={shown?.total}
        cycleId={cycleId}
        year={year}
        onClose={() => setShown(null)}
      />
    </>
  );
}

/** 催办 the schools whose annual plan of the year has not been submitted (not written, draft or returned). */
export function RemindPlanButton({ schools, year }: { schools: readonly School[]; year: number }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<readonly School[] | null>(null);
  return (
    <>
      <Button
        icon={<BellOutlined />}
        disabled={schools.length === 0}
        onClick={() => setShown(schools)}
        data-testid="plan-remind"
      >
        {t('messages.remind.all', { count: schools.length })}
      </Button>
      <RemindModal schools={shown} topic="plan" year={year} onClose={() => setShown(null)} />
    </>
  );
}
