import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Modal, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { coursesApi, courseKeys } from '../../api/courses.api';
import { trainingApi, trainingKeys, type ProjectDetail } from '../../api/training.api';
import { useErrorMessage } from '../../lib/error-message';
import { formatHours } from '../../lib/hours';

/**
 * Picks the catalogue courses a project teaches: the active courses of the organiser's unit, of the
 * units above it (inherited) and below it, searched by title.
 */
export function ProjectCoursesModal({
  detail,
  open,
  onClose,
}: {
  detail: ProjectDetail;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<number[]>(() => detail.courses.map((c) => c.id));
  const query = {
    orgUnitId: detail.project.orgUnitId,
    q: search.trim() || undefined,
    status: 'active' as const,
    pageSize: 50,
  };
  const list = useQuery({
    queryKey: courseKeys.list(query),
    queryFn: () => coursesApi.list(query),
    enabled: open,
    placeholderData: keepPreviousData,
  });
  const save = useMutation({
    mutationFn: () => trainingApi.setCourses(detail.project.id, picked),
    onSuccess: (d) => {
      queryClient.setQueryData(trainingKeys.project(detail.project.id), d);
      void message.success(t('training.courses.saved', { n: d.courses.length }));
      onClose();
    },
    onError: (err) => message.error(errorText(err)),
  });
  // the courses already linked stay selectable even when the search does not find them
  const known = new Map(
    detail.courses.map((c) => [c.id, { id: c.id, title: c.title, hours: c.hours, unit: '', inherited: false }]),
  );
  for (const c of list.data?.items ?? [])
    known.set(c.id, { id: c.id, title: c.title, hours: c.hours, unit: c.orgUnitName, inherited: c.inherited });
  return (
    <Modal
      open={open}
      title={t('training.courses.pick')}
      onCancel={onClose}
      onOk={() => save.mutate()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={640}
    >
      <Typography.Paragraph type="secondary">{t('training.courses.pickHint')}</Typography.Paragraph>
      <Select
        mode="multiple"
        style={{ width: '100%' }}
        value={picked}
        onChange={setPicked}
        showSearch={{ filterOption: false, onSearch: setSearch }}
        loading={list.isFetching}
        placeholder={t('training.courses.searchPlaceholder')}
        data-testid="project-courses"
        options={[...known.values()].map((c) => ({
          value: c.id,
          label: (
            <Space size={4}>
              {c.title}
              <Typography.Text type="secondary">{formatHours(c.hours)}</Typography.Text>
              {c.unit && <Tag>{c.unit}</Tag>}
              {c.inherited && <Tag color="blue">{t('training.courses.inherited')}</Tag>}
            </Space>
          ),
        }))}
      />
    </Modal>
  );
}
