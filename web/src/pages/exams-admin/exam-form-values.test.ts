import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import type { Exam } from '../../api/exam-admin';
import {
  compositeProblems,
  cutsProblem,
  type ExamFormValues,
  examToValues,
  newExamValues,
  nextComponentKey,
  paperTotal,
  valuesToInput,
} from './exam-form-values';

const values = (patch: Partial<ExamFormValues> = {}): ExamFormValues =>
  ({
    ...newExamValues(7),
    title: ' 师德考核 ',
    courseId: 3,
    projectId: 9,
    window: [dayjs('2026-03-01 08:30'), dayjs('2026-03-01 11:30')],
    items: [
      { questionId: 11, points: 2, stem: '…' },
      { questionId: 12, points: 10 },
    ],
    ...patch,
  }) as ExamFormValues;

describe('the exam form', () => {
  it('sends the window as China time, only the target’s own id, hours posted in tenths, the gate in whole hours', () => {
    const input = valuesToInput(values({ hours: 1.5, minLedgerHours: 24, ledgerCategory: 'A' }));
    expect(input.title).toBe('师德考核');
    expect(input.opensAt).toBe('2026-03-01T00:30:00.000Z');
    expect(input.closesAt).toBe('2026-03-01T03:30:00.000Z');
    expect(input.courseId).toBe(3);
    expect(input.projectId).toBeUndefined();
    expect(input.hours).toBe(15);
    expect(input.gates).toEqual({ minLedgerHours: 24, ledgerCategory: 'A' });
    expect(input.paper).toEqual({
      mode: 'fixed',
      items: [
        { questionId: 11, points: 2 },
        { questionId: 12, points: 10 },
      ],
      multiplePartial: false,
    });
  });

  it('sends the pools of a drawn paper without empty tags, and no hours for a class exam', () => {
    const input = valuesToInput(
      values({
        target: 'class',
        classId: 4,
        hours: 3,
        paperMode: 'drawn',
        multiplePartial: true,
        pools: [
          { kind: 'single', module: '师德', subject: '', difficultyMin: 2, difficultyMax: 3, count: 10, points: 2 },
        ],
      }),
    );
    expect(input).toMatchObject({ classId: 4, projectId: 9, hours: null });
    expect(input.courseId).toBeUndefined();
    expect(input.paper).toEqual({
      mode: 'drawn',
      multiplePartial: true,
      pools: [{ kind: 'single', module: '师德', difficultyMin: 2, difficultyMax: 3, count: 10, points: 2 }],
    });
  });

  it('shows a stored exam as it was entered', () => {
    const input = valuesToInput(values({ hours: 2 }));
    const exam = {
      ...input,
      id: 5,
      status: 'draft',
      orgUnitName: '城关区教育局',
      publishedAt: null,
      closedAt: null,
    } as Exam;
    const back = examToValues(exam, new Map([[11, { questionId: 11, points: 1, stem: '题干', kind: 'single' }]]));
    expect(back.window?.[0].format('YYYY-MM-DD HH:mm')).toBe('2026-03-01 08:30');
    expect(back.hours).toBe(2);
    expect(back.items[0]).toEqual({ questionId: 11, points: 2, stem: '题干', kind: 'single' });
    expect(valuesToInput(back)).toEqual(input);
  });

  it('adds up the paper as it is built, in hundredths', () => {
    expect(paperTotal('fixed', [{ points: 0.1 }, { points: 0.2 }], [])).toEqual({ questions: 2, points: 0.3 });
    expect(
      paperTotal(
        'drawn',
        [],
        [
          { count: 10, points: 2 },
          { count: 2, points: 15 },
        ],
      ),
    ).toEqual({ questions: 12, points: 50 });
  });

  it('says what is wrong with the composite: the exam missing, weights not adding up to 100', () => {
    expect(compositeProblems([{ key: 'exam', label: '考试', weight: 100 }]).problems).toEqual([]);
    expect(
      compositeProblems([
        { key: 'exam', label: '考试', weight: 70 },
        { key: 'process', label: '过程性成绩', weight: 20 },
      ]),
    ).toEqual({ problems: ['sum'], sum: 90 });
    expect(compositeProblems([{ key: 'process', label: '', weight: 100 }]).problems).toEqual([
      'no_exam',
      'label_missing',
    ]);
    expect(nextComponentKey([{ key: 'exam' }, { key: 'process' }])).toBe('process2');
  });

  it('wants the level cut-offs to fall from 优秀 to 基本合格', () => {
    expect(cutsProblem({ excellent: 90, good: 80, pass: 60, basic: 60 })).toBeNull();
    expect(cutsProblem({ excellent: 90, good: 80, pass: 60, basic: 65 })).toEqual({ upper: 'pass', lower: 'basic' });
    expect(cutsProblem({ excellent: 120, good: 80, pass: 60, basic: 50 })).toBe('range');
  });
});
