import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Flex, Modal, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { questionKeys, questionsApi } from '../../api/questions.api';
import { useErrorMessage } from '../../lib/error-message';

/** 题库维护人: the trainers (accounts of the unit's subtree) named to keep the bank beside its admins. */
export function QuestionEditorsModal({
  open,
  unitId,
  unitName,
  onClose,
}: {
  open: boolean;
  unitId: number;
  unitName: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const editors = useQuery({
    queryKey: questionKeys.editors(unitId),
    queryFn: () => questionsApi.editors(unitId),
    enabled: open,
  });
  const [picked, setPicked] = useState<number[]>([]);
  useEffect(() => {
    if (editors.data) setPicked(editors.data.editors.map((e) => e.userId));
  }, [editors.data]);
  const save = useMutation({
    mutationFn: () => questionsApi.setEditors(unitId, picked),
    onSuccess: () => {
      void message.success(t('questions.editors.saved'));
      void queryClient.invalidateQueries({ queryKey: questionKeys.editors(unitId) });
      onClose();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const people = [...(editors.data?.candidates ?? []), ...(editors.data?.editors ?? [])];
  const options = [...new Map(people.map((p) => [p.userId, p])).values()].map((p) => ({
    value: p.userId,
    label: `${p.displayName}（${p.orgUnitName}）`,
  }));
  return (
    <Modal
      open={open}
      title={t('questions.editors.title', { unit: unitName })}
      onCancel={onClose}
      onOk={() => save.mutate()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !editors.data?.canManage, loading: save.isPending }}
      destroyOnHidden
      data-testid="question-editors-modal"
    >
      <Flex vertical gap="middle">
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('questions.editors.intro')}
        </Typography.Paragraph>
        {editors.isError && <Alert type="error" showIcon title={errorMessage(editors.error)} />}
        <Select
          mode="multiple"
          value={picked}
          onChange={setPicked}
          options={options}
          loading={editors.isLoading}
          disabled={!editors.data?.canManage}
          optionFilterProp="label"
          placeholder={t('questions.editors.placeholder')}
          notFoundContent={t('questions.editors.none')}
          data-testid="question-editors-select"
        />
      </Flex>
    </Modal>
  );
}
