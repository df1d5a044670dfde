import { DeleteOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, InputNumber, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { examAdminApi, examAdminKeys, type ComponentRow, type Exam } from '../../api/exam-admin';
import { useErrorMessage } from '../../lib/error-message';
import { EMPTY_PICK, TeacherPicker, type TeacherPick } from '../credits/teacher-multi-picker';

interface Line {
  teacherId: number;
  name: string;
  scores: Record<string, number | null>;
}

/**
 * 过程性成绩: the scores of the composite's other components (process, school review …) out of 100, entered
 * per candidate; each saved score recomputes that candidate's composite and level.
 */
export function ComponentScoresCard({ exam }: { exam: Exam }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const qc = useQueryClient();
  const others = exam.composite.components.filter((c) => c.key !== 'exam');
  const [lines, setLines] = useState<Line[]>([]);
  const [pick, setPick] = useState<TeacherPick>(EMPTY_PICK);
  const save = useMutation({
    mutationFn: () => {
      const rows: ComponentRow[] = lines.flatMap((l) =>
        others.flatMap((c) => {
          const score = l.scores[c.key];
          return score === null || score === undefined ? [] : [{ teacherId: l.teacherId, component: c.key, score }];
        }),
      );
      return examAdminApi.setComponents(exam.id, rows);
    },
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: examAdminKeys.exam(exam.id) });
      void message.success(t('examAdmin.components.saved', { count: r.updated }));
    },
    onError: (err) => message.error(errorText(err)),
  });
  const load = useMutation({
    mutationFn: () => examAdminApi.candidates(exam.id),
    onSuccess: (rows) => {
      setLines((prev) => {
        const have = new Set(prev.map((l) => l.teacherId));
        const added = rows
          .filter((r) => !have.has(r.teacherId))
          .map((r) => ({
            teacherId: r.teacherId,
            name: r.schoolName ? `${r.name}（${r.schoolName}）` : r.name,
            scores: {} as Record<string, number | null>,
          }));
        return [...prev, ...added];
      });
      void message.info(t('examAdmin.components.loaded', { count: rows.length }));
    },
    onError: (err) => message.error(errorText(err)),
  });
  if (others.length === 0) return null;

  const addPicked = () => {
    setLines((prev) => {
      const have = new Set(prev.map((l) => l.teacherId));
      const added = pick.teachers
        .filter((p) => !have.has(p.id))
        .map((p) => ({ teacherId: p.id, name: p.name, scores: {} as Record<string, number | null> }));
      return [...prev, ...added];
    });
    setPick(EMPTY_PICK);
  };
  const setScore = (teacherId: number, key: string, score: number | null) =>
    setLines((prev) =>
      prev.map((l) => (l.teacherId === teacherId ? { ...l, scores: { ...l.scores, [key]: score } } : l)),
    );
  const filled = lines.some((l) => others.some((c) => l.scores[c.key] !== null && l.scores[c.key] !== undefined));

  return (
    <Card title={t('examAdmin.components.title')} data-testid="exam-components-card">
      <Typography.Paragraph type="secondary">
        {t('examAdmin.components.hint', { names: others.map((c) => `${c.label}（${c.weight}%）`).join('、') })}
      </Typography.Paragraph>
      <Flex gap={8} align="start" wrap style={{ marginBottom: 12 }}>
        <div style={{ minWidth: 360, flex: 1 }}>
          <TeacherPicker orgUnitId={exam.orgUnitId} value={pick} onChange={setPick} />
        </div>
        <Button disabled={pick.teachers.length === 0} onClick={addPicked} data-testid="components-add">
          {t('examAdmin.components.add')}
        </Button>
        <Button loading={load.isPending} onClick={() => load.mutate()} data-testid="components-load">
          {t('examAdmin.components.load')}
        </Button>
      </Flex>
      <Table<Line>
        size="small"
        rowKey="teacherId"
        dataSource={lines}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('examAdmin.components.empty') }}
        columns={[
          { title: t('examAdmin.components.teacher'), dataIndex: 'name' },
          ...others.map((c) => ({
            title: c.label,
            key: c.key,
            render: (_: unknown, l: Line) => (
              <InputNumber
                min={0}
                max={100}
                precision={2}
                value={l.scores[c.key] ?? null}
                onChange={(v) => setScore(l.teacherId, c.key, v)}
                aria-label={c.label}
                data-testid="component-score"
              />
            ),
          })),
          {
            title: t('common.actions'),
            key: 'a',
            render: (_: unknown, l: Line) => (
              <Button
                type="text"
                danger
                icon={<DeleteOutlined />}
                onClick={() => setLines((prev) => prev.filter((x) => x.teacherId !== l.teacherId))}
                aria-label={t('examAdmin.paper.remove')}
              />
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" disabled={!filled} loading={save.isPending} onClick={() => save.mutate()}>
          {t('examAdmin.components.save')}
        </Button>
        {exam.status === 'draft' && <Alert type="info" showIcon title={t('examAdmin.components.draft')} />}
      </Space>
    </Card>
  );
}
