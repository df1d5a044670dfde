import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Radio,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  HOMEWORK_GRADES,
  homeworkApi,
  homeworkKeys,
  TUTOR_FILTERS,
  type AssignmentInput,
  type GradingKind,
  type HomeworkGrade,
  type SubmissionLine,
  type TutorAssignment,
  type TutorFilter,
} from '../../api/homework.api';
import { DownloadButton } from '../../components/download-button';
import {
  ListFilter,
  ListPage,
  ListSearch,
  ListTable,
  ListToolbar,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { ReasonModal } from '../../components/reason-modal';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { chinaInstant, formatDateTime } from '../../lib/format';
import { showErrorsOnFields } from '../../lib/form-errors';
import { useIsPhone } from '../../lib/use-media-query';
import { StudyHeader } from './study-header';
import { HomeworkFiles, markText, Paragraphs } from './study-labels';

const SEARCH_KEYS = ['assignment', 'status', 'late', 'q', 'page', 'submission'] as const;

interface AssignmentForm {
  title: string;
  instructions?: string;
  dueAt: Dayjs;
  grading: GradingKind;
  maxScore?: number | null;
  passScore?: number | null;
  blind?: boolean;
}

const toInput = (v: AssignmentForm): AssignmentInput => ({
  title: v.title,
  instructions: v.instructions ?? '',
  dueAt: chinaInstant(v.dueAt),
  grading: v.grading,
  maxScore: v.grading === 'score' ? (v.maxScore ?? null) : null,
  passScore: v.grading === 'score' ? (v.passScore ?? null) : null,
  blind: v.blind ?? false,
});

/** Sets or changes an assignment: title, instructions, due moment (China time), grading, blind marking. */
function AssignmentModal({
  classId,
  editing,
  onClose,
}: {
  classId: number;
  /** null: a new one */
  editing: TutorAssignment | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const qc = useQueryClient();
  const [form] = Form.useForm<AssignmentForm>();
  const grading = Form.useWatch('grading', form);
  const save = useMutation({
    mutationFn: (v: AssignmentForm) =>
      editing
        ? homeworkApi.updateAssignment(editing.id, toInput(v))
        : homeworkApi.createAssignment(classId, toInput(v)),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: homeworkKeys.all });
      void message.success(t('study.homework.saved'));
      onClose();
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, ['title', 'instructions', 'dueAt', 'maxScore', 'passScore']))
        void message.error(errorText(err));
    },
  });
  const initial: Partial<AssignmentForm> = editing
    ? {
        title: editing.title,
        instructions: editing.instructions,
        // the China wall clock of the stored moment, as the picker shows it
        dueAt: dayjs(formatDateTime(editing.dueAt)),
        grading: editing.grading,
        maxScore: editing.maxScore,
        passScore: editing.passScore,
        blind: editing.blind,
      }
    : { grading: 'grade', maxScore: 100, passScore: 60, blind: false };
  const handedIn = (editing?.counts.submitted ?? 0) > 0;
  return (
    <Modal
      open
      title={editing ? t('study.homework.edit') : t('study.homework.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'assignment-save' }}
      confirmLoading={save.isPending}
      width={640}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="title" label={t('study.homework.fields.title')} rules={[{ required: true, max: 200 }]}>
          <Input data-testid="assignment-title" />
        </Form.Item>
        <Form.Item name="instructions" label={t('study.homework.fields.instructions')} rules={[{ max: 20_000 }]}>
          <Input.TextArea rows={4} data-testid="assignment-instructions" />
        </Form.Item>
        <Form.Item
          name="dueAt"
          label={t('study.homework.fields.dueAt')}
          extra={t('study.homework.fields.dueAtHint')}
          rules={[{ required: true }]}
        >
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" data-testid="assignment-due" />
        </Form.Item>
        <Form.Item name="grading" label={t('study.homework.fields.grading')}>
          <Radio.Group disabled={handedIn && (editing?.counts.passed ?? 0) + (editing?.counts.failed ?? 0) > 0}>
            <Radio value="grade">{t('study.homework.gradingKinds.grade')}</Radio>
            <Radio value="score">{t('study.homework.gradingKinds.score')}</Radio>
          </Radio.Group>
        </Form.Item>
        {grading === 'score' && (
          <Space wrap>
            <Form.Item name="maxScore" label={t('study.homework.fields.maxScore')} rules={[{ required: true }]}>
              <InputNumber min={1} max={1000} precision={0} />
            </Form.Item>
            <Form.Item name="passScore" label={t('study.homework.fields.passScore')} rules={[{ required: true }]}>
              <InputNumber min={0} max={1000} precision={0} />
            </Form.Item>
          </Space>
        )}
        <Form.Item name="blind" valuePropName="checked" extra={t('study.homework.fields.blindHint')}>
          <Checkbox disabled={handedIn} data-testid="assignment-blind">
            {t('study.homework.fields.blind')}
          </Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The grading drawer: every version with its files, then a grade or a return with comments, and 优秀作业. */
function GradingDrawer({ submissionId, onClose }: { submissionId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const isPhone = useIsPhone();
  const qc = useQueryClient();
  const [score, setScore] = useState<number | null>(null);
  const [grade, setGrade] = useState<HomeworkGrade | null>(null);
  const [comment, setComment] = useState('');
  const [returning, setReturning] = useState(false);
  const q = useQuery({
    queryKey: homeworkKeys.submission(submissionId),
    queryFn: () => homeworkApi.submission(submissionId),
  });
  const after = () => void qc.invalidateQueries({ queryKey: homeworkKeys.all });
  const gradeIt = useMutation({
    mutationFn: () =>
      homeworkApi.grade(submissionId, {
        version: q.data!.submission.version,
        ...(q.data!.assignment.grading === 'score' ? { score } : { grade }),
        comment: comment.trim() || null,
      }),
    onSuccess: () => {
      after();
      void message.success(t('study.homework.gradedDone'));
    },
    onError: (err) => message.error(errorText(err)),
  });
  const recommend = useMutation({
    mutationFn: (on: boolean) => homeworkApi.recommend(submissionId, on),
    onSuccess: after,
    onError: (err) => message.error(errorText(err)),
  });
  const d = q.data;
  const s = d?.submission;
  return (
    <Drawer
      open
      onClose={onClose}
      size={isPhone ? 'default' : 'large'}
      title={
        s
          ? s.teacherName
            ? `${s.teacherName}（${s.orgUnitName ?? ''}）`
            : t('study.homework.anonCode', { code: s.anonCode })
          : t('study.homework.grading')
      }
      data-testid="grading-drawer"
    >
      {q.isError && <ErrorResult error={q.error} onRetry={() => void q.refetch()} />}
      {!d || !s ? (
        !q.isError && <SectionSpin />
      ) : (
        <Flex vertical gap={12}>
          {d.blind && <Alert type="info" showIcon title={t('study.homework.blindTutorNote')} />}
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('study.homework.fields.title')}>{d.assignment.title}</Descriptions.Item>
            <Descriptions.Item label={t('study.homework.columns.status')}>
              {t(`study.homework.submissionStatus.${s.status}`)}
              {s.status === 'graded' && ` · ${markText(t, d.assignment, s)}`}
              {s.late && (
                <Tag color="red" style={{ marginInlineStart: 8 }}>
                  {t('study.homework.late')}
                </Tag>
              )}
            </Descriptions.Item>
          </Descriptions>
          <List
            size="small"
            bordered
            dataSource={[...s.versions].reverse()}
            renderItem={(v) => (
              <List.Item data-testid="grading-version">
                <Flex vertical gap={4} style={{ width: '100%' }}>
                  <Typography.Text strong>
                    {t('study.homework.versionN', { n: v.version })} · {formatDateTime(v.submittedAt)}
                    {v.late ? ` · ${t('study.homework.late')}` : ''}
                  </Typography.Text>
                  {v.body ? <Paragraphs text={v.body} testId="grading-body" /> : null}
                  <HomeworkFiles files={v.files} />
                  {v.outcome && (
                    <Typography.Text type="secondary">
                      {v.outcome === 'returned'
                        ? t('study.homework.returnedWith', { comment: v.comment ?? '' })
                        : `${t('study.homework.result', { mark: markText(t, d.assignment, v) })}${v.comment ? ` · ${v.comment}` : ''}`}
                    </Typography.Text>
                  )}
                </Flex>
              </List.Item>
            )}
          />
          {s.status === 'submitted' && d.class.status === 'open' && (
            <Card size="small" title={t('study.homework.gradeTitle', { n: s.version })}>
              <Flex vertical gap={12}>
                {d.assignment.grading === 'score' ? (
                  <Space>
                    <InputNumber
                      min={0}
                      max={d.assignment.maxScore ?? 100}
                      precision={0}
                      value={score}
                      onChange={setScore}
                      data-testid="grading-score"
                    />
                    <Typography.Text type="secondary">
                      {t('study.homework.byScore', {
                        max: d.assignment.maxScore ?? '',
                        pass: d.assignment.passScore ?? '',
                      })}
                    </Typography.Text>
                  </Space>
                ) : (
                  <Radio.Group
                    value={grade}
                    onChange={(e) => setGrade(e.target.value as HomeworkGrade)}
                    optionType="button"
                    buttonStyle="solid"
                    data-testid="grading-grade"
                    options={HOMEWORK_GRADES.map((g) => ({ value: g, label: t(`study.homework.grades.${g}`) }))}
                  />
                )}
                <Input.TextArea
                  rows={3}
                  maxLength={5000}
                  value={comment}
                  onChange={(e) => setComment(e.target.value)}
                  placeholder={t('study.homework.commentPlaceholder')}
                  data-testid="grading-comment"
                />
                <Space wrap>
                  <Button
                    type="primary"
                    loading={gradeIt.isPending}
                    disabled={d.assignment.grading === 'score' ? score === null : grade === null}
                    onClick={() => gradeIt.mutate()}
                    data-testid="grading-submit"
                  >
                    {t('study.homework.gradeIt')}
                  </Button>
                  <Button onClick={() => setReturning(true)} data-testid="grading-return">
                    {t('study.homework.returnIt')}
                  </Button>
                </Space>
              </Flex>
            </Card>
          )}
          {s.status === 'graded' && s.passed && (
            <Space>
              <Switch
                checked={s.recommended}
                loading={recommend.isPending}
                onChange={(on) => recommend.mutate(on)}
                data-testid="grading-recommend"
              />
              <Typography.Text>{t('study.homework.recommendSwitch')}</Typography.Text>
            </Space>
          )}
          <ReasonModal
            open={returning}
            title={t('study.homework.returnTitle')}
            label={t('study.homework.returnLabel')}
            description={t('study.homework.returnHint')}
            maxLength={5000}
            okText={t('study.homework.returnIt')}
            initialText={comment}
            onSubmit={(text) =>
              homeworkApi.returnIt(submissionId, { version: s.version, comment: text ?? '' }).then(() => {
                after();
                void message.success(t('study.homework.returnedDone'));
              })
            }
            onClose={() => setReturning(false)}
            data-testid="return-modal"
          />
        </Flex>
      )}
    </Drawer>
  );
}

/** The submissions of one assignment: filters, the table, the grade sheet; a row opens the grading drawer. */
function SubmissionsCard({
  assignment,
  search,
  setSearch,
  paging,
}: {
  assignment: TutorAssignment;
  search: Record<(typeof SEARCH_KEYS)[number], string | undefined>;
  setSearch: (patch: Partial<Record<(typeof SEARCH_KEYS)[number], string | undefined>>) => void;
  paging: ReturnType<typeof useListSearch>['paging'];
}) {
  const { t } = useTranslation();
  const status = TUTOR_FILTERS.includes(search.status as TutorFilter) ? (search.status as TutorFilter) : undefined;
  const late = search.late === 'true' ? true : search.late === 'false' ? false : undefined;
  const query = { status, late, q: search.q, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(homeworkKeys.submissions(assignment.id, query), () =>
    homeworkApi.submissions(assignment.id, query),
  );
  const blind = assignment.blindNow;
  const columns: TableColumnsType<SubmissionLine> = [
    ...(blind
      ? [{ title: t('study.homework.columns.code'), dataIndex: 'anonCode', render: (v: string | null) => v ?? '—' }]
      : [
          { title: t('study.homework.columns.teacher'), dataIndex: 'teacherName' },
          { title: t('study.homework.columns.school'), dataIndex: 'orgUnitName', responsive: ['md' as const] },
        ]),
    {
      title: t('study.homework.columns.status'),
      render: (_, l) =>
        l.status ? (
          <Tag
            color={
              l.status === 'submitted'
                ? 'processing'
                : l.status === 'returned'
                  ? 'orange'
                  : l.passed
                    ? 'green'
                    : 'volcano'
            }
          >
            {l.status === 'graded'
              ? t(l.passed ? 'study.homework.status.passed' : 'study.homework.status.failed')
              : t(`study.homework.submissionStatus.${l.status}`)}
          </Tag>
        ) : (
          <Tag>{t('study.homework.status.not_submitted')}</Tag>
        ),
    },
    { title: t('study.homework.columns.version'), dataIndex: 'version', render: (v: number | null) => v ?? '—' },
    {
      title: t('study.homework.columns.submittedAt'),
      render: (_, l) => (
        <>
          {formatDateTime(l.submittedAt)}
          {l.late && (
            <Tag color="red" style={{ marginInlineStart: 6 }}>
              {t('study.homework.late')}
            </Tag>
          )}
        </>
      ),
    },
    {
      title: t('study.homework.columns.mark'),
      render: (_, l) => (l.status === 'graded' ? markText(t, assignment, l) : '—'),
    },
    {
      title: '',
      render: (_, l) => (l.recommended ? <Tag color="gold">{t('study.homework.recommendedTag')}</Tag> : null),
    },
    {
      title: '',
      render: (_, l) =>
        l.submissionId ? (
          <Button
            size="small"
            type={l.status === 'submitted' ? 'primary' : 'default'}
            onClick={() => setSearch({ submission: String(l.submissionId), page: search.page })}
            data-testid="submission-open"
          >
            {l.status === 'submitted' ? t('study.homework.gradeIt') : t('study.homework.view')}
          </Button>
        ) : null,
    },
  ];
  return (
    <Card
      size="small"
      title={t('study.homework.submissionsOf', { title: assignment.title })}
      extra={
        <DownloadButton
          size="small"
          file={() => homeworkApi.exportGrades(assignment.id)}
          fileName={`${assignment.title}-作业成绩.xlsx`}
          data-testid="homework-export"
        >
          {t('study.homework.export')}
        </DownloadButton>
      }
      data-testid="submissions-card"
    >
      {blind && <Alert type="info" showIcon title={t('study.homework.blindTutorNote')} style={{ marginBottom: 12 }} />}
      <ListToolbar>
        <ListFilter
          className="toolbar-item"
          width={140}
          placeholder={t('study.homework.columns.status')}
          value={status}
          values={blind ? TUTOR_FILTERS.filter((f) => f !== 'not_submitted') : TUTOR_FILTERS}
          label={(f) => t(`study.homework.filters.${f}`)}
          onChange={(v) => setSearch({ status: v })}
          testId="submissions-status"
        />
        <ListFilter
          className="toolbar-item"
          width={120}
          placeholder={t('study.homework.late')}
          value={search.late as 'true' | 'false' | undefined}
          values={['true', 'false'] as const}
          label={(v) => t(v === 'true' ? 'study.homework.lateOnly' : 'study.homework.onTime')}
          onChange={(v) => setSearch({ late: v })}
        />
        {!blind && (
          <ListSearch
            className="toolbar-item"
            width={200}
            value={search.q}
            onSearch={(q) => setSearch({ q })}
            placeholder={t('study.homework.searchName')}
          />
        )}
      </ListToolbar>
      <ListTable<SubmissionLine>
        rowKey={(l) => `${l.submissionId ?? 'none'}-${l.teacherId ?? l.anonCode}`}
        size="small"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('study.homework.noSubmissions')}
      />
    </Card>
  );
}

/**
 * /study/classes/:classId/homework — an online class's homework for its tutors (its trainers, the
 * organiser's admins): the assignments (set, change, delete, release blind-marked grades), the
 * submissions of one with filters and the .xlsx grade sheet, and the grading drawer.
 */
export default function TutorHomeworkPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const errorText = useErrorMessage();
  const qc = useQueryClient();
  const classId = Number(useParams().classId);
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const [editing, setEditing] = useState<TutorAssignment | null | undefined>(undefined);
  const q = useQuery({
    queryKey: homeworkKeys.assignments(classId),
    queryFn: () => homeworkApi.assignments(classId),
    enabled: Number.isInteger(classId),
  });
  const remove = useMutation({
    mutationFn: (id: number) => homeworkApi.deleteAssignment(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: homeworkKeys.all }),
    onError: (err) => message.error(errorText(err)),
  });
  const release = useMutation({
    mutationFn: (id: number) => homeworkApi.release(id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: homeworkKeys.all });
      void message.success(t('study.homework.releasedDone'));
    },
    onError: (err) => message.error(errorText(err)),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { items } = q.data;
  const selected = items.find((a) => String(a.id) === search.assignment) ?? items[0];
  const open = q.data.class.status === 'open';
  const columns: TableColumnsType<TutorAssignment> = [
    {
      title: t('study.homework.fields.title'),
      render: (_, a) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{a.title}</Typography.Text>
          <Typography.Text type="secondary">
            {a.grading === 'grade'
              ? t('study.homework.byGrade')
              : t('study.homework.byScore', { max: a.maxScore ?? '', pass: a.passScore ?? '' })}
            {a.blind ? ` · ${a.blindNow ? t('study.homework.blindOn') : t('study.homework.blindReleased')}` : ''}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('study.homework.fields.dueAt'), dataIndex: 'dueAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('study.homework.columns.counts'),
      render: (_, a) => (
        <Space wrap size={4}>
          <Tag color={a.counts.waiting ? 'processing' : 'default'} data-testid="assignment-waiting">
            {t('study.homework.countWaiting', { n: a.counts.waiting })}
          </Tag>
          <Tag color="green">{t('study.homework.countPassed', { n: a.counts.passed })}</Tag>
          {a.counts.returned > 0 && (
            <Tag color="orange">{t('study.homework.countReturned', { n: a.counts.returned })}</Tag>
          )}
          {a.counts.late > 0 && <Tag color="red">{t('study.homework.countLate', { n: a.counts.late })}</Tag>}
        </Space>
      ),
    },
    {
      title: '',
      render: (_, a) => (
        <Space wrap>
          <Button
            size="small"
            type={selected?.id === a.id ? 'primary' : 'default'}
            onClick={() => setSearch({ assignment: String(a.id), status: undefined, late: undefined, q: undefined })}
            data-testid="assignment-select"
          >
            {t('study.homework.submissions')}
          </Button>
          {open && (
            <Button
              size="small"
              icon={<EditOutlined />}
              onClick={() => setEditing(a)}
              aria-label={t('study.homework.edit')}
            />
          )}
          {a.counts.submitted === 0 && (
            <Popconfirm
              title={t('study.homework.deleteConfirm', { title: a.title })}
              onConfirm={() => remove.mutate(a.id)}
            >
              <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('study.homework.delete')} />
            </Popconfirm>
          )}
          {a.blindNow && (
            <Button
              size="small"
              onClick={() =>
                modal.confirm({
                  title: t('study.homework.releaseConfirm', { title: a.title }),
                  content: t('study.homework.releaseHint'),
                  okText: t('study.homework.release'),
                  cancelText: t('common.cancel'),
                  onOk: () => release.mutateAsync(a.id),
                })
              }
              data-testid="assignment-release"
            >
              {t('study.homework.release')}
            </Button>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Flex vertical gap={12} data-testid="tutor-homework">
      <StudyHeader cls={q.data.class} base="/study/classes" active="homework" />
      <ListPage
        title={t('study.homework.title')}
        actions={
          open && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing(null)}
              data-testid="assignment-add"
            >
              {t('study.homework.add')}
            </Button>
          )
        }
      >
        <Table<TutorAssignment>
          rowKey="id"
          size="small"
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={columns}
          dataSource={items}
          locale={{ emptyText: t('study.homework.noAssignments') }}
        />
      </ListPage>
      {selected && <SubmissionsCard assignment={selected} search={search} setSearch={setSearch} paging={paging} />}
      {editing !== undefined && (
        <AssignmentModal classId={classId} editing={editing} onClose={() => setEditing(undefined)} />
      )}
      {search.submission && (
        <GradingDrawer
          key={search.submission}
          submissionId={Number(search.submission)}
          onClose={() => setSearch({ submission: undefined, page: search.page })}
        />
      )}
    </Flex>
  );
}
