import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Checkbox,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Radio,
  Rate,
  Select,
  Space,
  Switch,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_OPTIONS, OPTION_KEYS } from '../../../../src/domain/question';
import {
  QUESTION_KINDS,
  questionKeys,
  questionsApi,
  type Question,
  type QuestionTags,
  type QuestionVersion,
} from '../../api/questions.api';
import { STAGES } from '../../api/types';
import { useErrorMessage } from '../../lib/error-message';
import { blanksForStem, draftOf, draftProblems, emptyDraft, toInput, type QuestionDraft } from './question-draft';
import { QuestionPreview } from './question-preview';

/** 新建/编辑试题: the kind switch changes the answer widgets; problems are shown as one types; past versions read-only. */
export function QuestionEditorDrawer({
  open,
  question,
  unitId,
  unitName,
  tags,
  onClose,
}: {
  open: boolean;
  /** null: a new question of the bank */
  question: Question | null;
  unitId: number | undefined;
  unitName: string;
  tags: QuestionTags | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<QuestionDraft>(emptyDraft);
  const [tab, setTab] = useState('edit');
  const readOnly = question !== null && !question.canManage;

  useEffect(() => {
    if (open) {
      setDraft(question ? draftOf(question) : emptyDraft());
      setTab('edit');
    }
  }, [open, question]);

  const detail = useQuery({
    queryKey: questionKeys.one(question?.id ?? 0),
    queryFn: () => questionsApi.get(question!.id),
    enabled: open && question !== null,
  });

  const problems = useMemo(() => draftProblems(draft), [draft]);
  const save = useMutation({
    mutationFn: () =>
      question ? questionsApi.update(question.id, toInput(draft)) : questionsApi.create(unitId, toInput(draft)),
    onSuccess: (r) => {
      const newVersion = 'newVersion' in r && r.newVersion;
      void message.success(
        newVersion
          ? t('questions.editor.savedNewVersion', { version: r.question.version })
          : t('questions.editor.saved'),
      );
      void queryClient.invalidateQueries({ queryKey: questionKeys.all });
      onClose();
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const set = (patch: Partial<QuestionDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const choice = draft.kind === 'single' || draft.kind === 'multiple';
  const setStem = (stem: string) =>
    setDraft((d) => (d.kind === 'fill_in' ? { ...d, stem, blanks: blanksForStem({ ...d, stem }) } : { ...d, stem }));
  const setKind = (kind: QuestionDraft['kind']) =>
    setDraft((d) => (kind === 'fill_in' ? { ...d, kind, blanks: blanksForStem(d) } : { ...d, kind }));

  const removeOption = (i: number) =>
    setDraft((d) => {
      const keyOf = (j: number) => OPTION_KEYS[j] as string;
      // the letters after the removed option move up by one
      const shift = (k: string) => {
        const j = OPTION_KEYS.indexOf(k);
        return j > i ? keyOf(j - 1) : k;
      };
      return {
        ...d,
        options: d.options.filter((_, j) => j !== i),
        single: d.single === keyOf(i) ? null : d.single ? shift(d.single) : null,
        multiple: d.multiple.filter((k) => k !== keyOf(i)).map(shift),
      };
    });

  const answerWidget = (() => {
    switch (draft.kind) {
      case 'single':
      case 'multiple':
        return (
          <Flex vertical gap="small" data-testid="question-options">
            {draft.options.map((text, i) => {
              const key = OPTION_KEYS[i] as string;
              const marker =
                draft.kind === 'single' ? (
                  <Radio
                    checked={draft.single === key}
                    onChange={() => set({ single: key })}
                    data-testid={`question-correct-${key}`}
                  >
                    {key}
                  </Radio>
                ) : (
                  <Checkbox
                    checked={draft.multiple.includes(key)}
                    onChange={(e) =>
                      set({
                        multiple: e.target.checked ? [...draft.multiple, key] : draft.multiple.filter((k) => k !== key),
                      })
                    }
                    data-testid={`question-correct-${key}`}
                  >
                    {key}
                  </Checkbox>
                );
              return (
                <Flex key={key} gap="small" align="center">
                  <span style={{ width: 48 }}>{marker}</span>
                  <Input
                    value={text}
                    maxLength={1000}
                    onChange={(e) => set({ options: draft.options.map((x, j) => (j === i ? e.target.value : x)) })}
                    placeholder={t('questions.editor.optionPlaceholder', { key })}
                    data-testid={`question-option-${key}`}
                  />
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('common.delete')}
                    disabled={draft.options.length <= 2}
                    onClick={() => removeOption(i)}
                  />
                </Flex>
              );
            })}
            <Button
              icon={<PlusOutlined />}
              disabled={draft.options.length >= MAX_OPTIONS}
              onClick={() => set({ options: [...draft.options, ''] })}
              style={{ alignSelf: 'flex-start' }}
              data-testid="question-add-option"
            >
              {t('questions.editor.addOption')}
            </Button>
            <Typography.Text type="secondary" className="small-text">
              {draft.kind === 'single' ? t('questions.editor.singleHint') : t('questions.editor.multipleHint')}
            </Typography.Text>
          </Flex>
        );
      case 'true_false':
        return (
          <Radio.Group
            value={draft.trueFalse}
            onChange={(e) => set({ trueFalse: e.target.value as boolean })}
            data-testid="question-true-false"
          >
            <Radio.Button value={true}>{t('questions.true')}</Radio.Button>
            <Radio.Button value={false}>{t('questions.false')}</Radio.Button>
          </Radio.Group>
        );
      case 'fill_in':
        return (
          <Flex vertical gap="small" data-testid="question-blanks">
            {draft.blanks.length === 0 && (
              <Typography.Text type="secondary">{t('questions.editor.noBlanks')}</Typography.Text>
            )}
            {draft.blanks.map((accepted, i) => (
              <Flex key={i} gap="small" align="center">
                <span style={{ width: 64 }}>{t('questions.editor.blank', { n: i + 1 })}</span>
                <Select
                  mode="tags"
                  value={accepted}
                  open={false}
                  tokenSeparators={['/', '／']}
                  onChange={(v: string[]) => set({ blanks: draft.blanks.map((b, j) => (j === i ? v : b)) })}
                  placeholder={t('questions.editor.blankPlaceholder')}
                  style={{ flex: 1 }}
                  data-testid={`question-blank-${i + 1}`}
                />
              </Flex>
            ))}
            <Typography.Text type="secondary" className="small-text">
              {t('questions.editor.blanksHint')}
            </Typography.Text>
          </Flex>
        );
      case 'essay':
        return (
          <Input.TextArea
            value={draft.reference}
            onChange={(e) => set({ reference: e.target.value })}
            autoSize={{ minRows: 3, maxRows: 10 }}
            maxLength={5000}
            placeholder={t('questions.editor.referencePlaceholder')}
            data-testid="question-reference"
          />
        );
      default:
        return null;
    }
  })();

  const editForm = (
    <Form layout="vertical" disabled={readOnly || save.isPending}>
      {question?.frozen && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('questions.editor.frozenNote', { version: question.version, next: question.version + 1 })}
          data-testid="question-frozen-note"
        />
      )}
      <Form.Item label={t('questions.fields.kind')}>
        <Radio.Group
          value={draft.kind}
          onChange={(e) => setKind(e.target.value as QuestionDraft['kind'])}
          optionType="button"
          options={QUESTION_KINDS.map((k) => ({ value: k, label: t(`questions.kinds.${k}`) }))}
          data-testid="question-kind"
        />
      </Form.Item>
      <Form.Item
        label={t('questions.fields.stem')}
        extra={draft.kind === 'fill_in' ? t('questions.editor.stemBlankHint') : undefined}
      >
        <Input.TextArea
          value={draft.stem}
          onChange={(e) => setStem(e.target.value)}
          autoSize={{ minRows: 3, maxRows: 12 }}
          maxLength={5000}
          data-testid="question-stem"
        />
      </Form.Item>
      <Form.Item label={choice ? t('questions.editor.optionsAndKey') : t('questions.fields.answer')}>
        {answerWidget}
      </Form.Item>
      <Form.Item label={t('questions.fields.explanation')}>
        <Input.TextArea
          value={draft.explanation}
          onChange={(e) => set({ explanation: e.target.value })}
          autoSize={{ minRows: 2, maxRows: 8 }}
          maxLength={5000}
          data-testid="question-explanation"
        />
      </Form.Item>
      <Flex gap="middle" wrap>
        <Form.Item label={t('questions.fields.module')} style={{ minWidth: 160 }}>
          <AutoComplete
            value={draft.module}
            onChange={(module: string) => set({ module })}
            options={(tags?.modules ?? []).map((m) => ({ value: m }))}
            maxLength={40}
            data-testid="question-module"
          />
        </Form.Item>
        <Form.Item label={t('questions.fields.subject')} style={{ minWidth: 140 }}>
          <AutoComplete
            value={draft.subject}
            onChange={(subject: string) => set({ subject })}
            options={(tags?.subjects ?? []).map((m) => ({ value: m }))}
            maxLength={40}
            data-testid="question-subject"
          />
        </Form.Item>
        <Form.Item label={t('questions.fields.stage')} style={{ minWidth: 120 }}>
          <Select
            value={draft.stage || undefined}
            allowClear
            onChange={(stage) => set({ stage: stage ?? '' })}
            options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))}
            data-testid="question-stage"
          />
        </Form.Item>
        <Form.Item label={t('questions.fields.difficulty')}>
          <Rate count={5} value={draft.difficulty} allowClear={false} onChange={(difficulty) => set({ difficulty })} />
        </Form.Item>
        {choice && (
          <Form.Item label={t('questions.fields.shuffleOptions')}>
            <Switch checked={draft.shuffleOptions} onChange={(shuffleOptions) => set({ shuffleOptions })} />
          </Form.Item>
        )}
      </Flex>
      {problems.length > 0 && !readOnly && (
        <Alert
          type="warning"
          showIcon
          title={t('questions.editor.problemsTitle')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="question-problems">
              {problems.map((p) => (
                <li key={p}>{t(`questions.problems.${p}`)}</li>
              ))}
            </ul>
          }
        />
      )}
    </Form>
  );

  const versions: QuestionVersion[] = detail.data?.versions ?? [];
  const history = (
    <Flex vertical gap="middle" data-testid="question-history">
      {versions.map((v) => (
        <div key={v.id} className="question-version">
          <Space size={4} wrap style={{ marginBottom: 8 }}>
            <Tag color={v.version === question?.version ? 'blue' : 'default'}>
              {t('questions.versionTag', { version: v.version })}
            </Tag>
            {v.version === question?.version && <Tag color="green">{t('questions.currentVersion')}</Tag>}
            {v.frozen && <Tag color="gold">{t('questions.frozenTag')}</Tag>}
            <Typography.Text type="secondary" className="small-text">
              {t('questions.versionBy', {
                name: v.createdByName ?? '—',
                at: new Date(v.createdAt).toLocaleString(),
              })}
            </Typography.Text>
          </Space>
          <QuestionPreview question={v} />
        </div>
      ))}
    </Flex>
  );

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size="large"
      destroyOnHidden
      title={
        question
          ? readOnly
            ? t('questions.editor.viewTitle', { unit: question.unitName })
            : t('questions.editor.editTitle', { version: question.version })
          : t('questions.editor.newTitle', { unit: unitName })
      }
      extra={
        !readOnly && (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              loading={save.isPending}
              disabled={problems.length > 0}
              onClick={() => save.mutate()}
              data-testid="question-save"
            >
              {t('common.save')}
            </Button>
          </Space>
        )
      }
      data-testid="question-editor"
    >
      {question ? (
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'edit',
              label: readOnly ? t('questions.editor.contentTab') : t('questions.editor.editTab'),
              children: readOnly ? (
                <>
                  <Descriptions
                    size="small"
                    column={1}
                    items={[{ key: 'unit', label: t('questions.fields.unit'), children: question.unitName }]}
                  />
                  <QuestionPreview question={question} />
                </>
              ) : (
                editForm
              ),
            },
            {
              key: 'history',
              label: t('questions.editor.historyTab', { count: versions.length || question.version }),
              children: history,
            },
          ]}
        />
      ) : (
        editForm
      )}
    </Drawer>
  );
}
