import i18next from 'i18next';
import { beforeAll, describe, expect, test } from 'vitest';
import { EXAM_LEVEL_LABELS, EXAM_LEVELS } from '../../../../src/domain/exam-score';
import { QUESTION_KINDS } from '../../../../src/domain/question';
import type { ExamMissing } from '../../api/exams';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';
import { answerText, missingText, numberList } from './exam-text';

const zh = i18next.createInstance();
const english = i18next.createInstance();
beforeAll(async () => {
  await zh.init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN } }, interpolation: { escapeValue: false } });
  await english.init({ lng: 'en', resources: { en: { translation: en } }, interpolation: { escapeValue: false } });
});

describe('the words of exams', () => {
  test("name the levels as the server's rules do (优秀 … 不合格), and every level and kind in both languages", () => {
    for (const level of EXAM_LEVELS) {
      expect(zh.t(`myExams.levels.${level}`)).toBe(EXAM_LEVEL_LABELS[level]);
      expect(english.exists(`myExams.levels.${level}`)).toBe(true);
    }
    for (const kind of QUESTION_KINDS) {
      expect(zh.exists(`myExams.sit.kinds.${kind}`)).toBe(true);
      expect(english.exists(`myExams.sit.kinds.${kind}`)).toBe(true);
    }
  });

  test('say every missing item in plain Chinese with its figures', () => {
    const missing: ExamMissing[] = [
      { code: 'study_minutes', title: '第一讲 信息技术与课堂', countedMinutes: 12, requiredMinutes: 30 },
      { code: 'homework' },
      { code: 'posts', counted: 1, required: 3 },
      { code: 'reflections', counted: 0, required: 2 },
      { code: 'ledger_hours', counted: 20.5, required: 24 },
      { code: 'not_open', opensAt: '2026-12-08T01:00:00.000Z' },
      { code: 'closed', closesAt: '2026-12-01T10:00:00.000Z' },
      { code: 'no_attempts_left', allowed: 2 },
      { code: 'ledger_hours', counted: 8, required: 12, category: '师德' },
      { code: 'something_new' },
    ];
    expect(missing.map((m) => missingText(zh.t, m, 1))).toEqual([
      '《第一讲 信息技术与课堂》：已学 12 分钟，需学满 30 分钟',
      '研修作业：尚未全部通过',
      '班级研讨发帖：已有 1 帖，需 3 帖',
      '研修心得：已有 0 篇符合要求，需 2 篇',
      '学时：已有 20.5 学时，需 24 学时',
      '考试尚未开放，2026-12-08 09:00 开始',
      '考试已于 2026-12-01 18:00 结束',
      '作答次数已用完（共 2 次）',
      '师德学时：已有 8 学时，需 12 学时',
      '尚有条件未满足',
    ]);
    expect(missingText(english.t, { code: 'posts', counted: 1, required: 3 }, 1)).toBe('Forum posts: 1 of 3');
  });

  test('show answers and keys as text', () => {
    expect(answerText(zh.t, 'single', 'B')).toBe('B');
    expect(answerText(zh.t, 'multiple', ['A', 'C'])).toBe('A、C');
    expect(answerText(zh.t, 'true_false', false)).toBe('错误');
    expect(answerText(zh.t, 'fill_in', ['北京', ''])).toBe('北京 ｜ —');
    expect(answerText(zh.t, 'fill_in', [['北京', '北京市'], ['长江']])).toBe('北京 / 北京市 ｜ 长江');
    expect(answerText(zh.t, 'single', null)).toBe('未作答');
    expect(numberList([0, 2, 4])).toBe('1、3、5');
  });
});
