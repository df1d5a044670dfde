import i18next from 'i18next';
import { beforeAll, describe, expect, test } from 'vitest';
import { MESSAGE_KINDS, REMINDER_TOPICS as DOMAIN_TOPICS } from '../../../../src/domain/message';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';
import { messageText, REMINDER_TOPICS } from './message-text';

type Tree = { [key: string]: string | Tree };
function has(tree: Tree, path: string): boolean {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) {
    if (typeof node !== 'object') return false;
    node = node[part];
  }
  return typeof node === 'string' && node.length > 0;
}

const zh = i18next.createInstance();
const english = i18next.createInstance();
beforeAll(async () => {
  await zh.init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN } }, interpolation: { escapeValue: false } });
  await english.init({ lng: 'en', resources: { en: { translation: en } }, interpolation: { escapeValue: false } });
});

describe('messages read in the reader’s language', () => {
  test('every kind of message and every reminder topic has a text in both languages', () => {
    expect([...REMINDER_TOPICS]).toEqual([...DOMAIN_TOPICS]);
    const wanted = [
      ...MESSAGE_KINDS.map((k) => `messages.kinds.${k}`),
      ...DOMAIN_TOPICS.map((k) => `messages.reminderText.${k}`),
    ];
    expect(wanted.filter((k) => !has(zhCN as Tree, k) || !has(en as Tree, k))).toEqual([]);
  });

  test('a submitted verification and a returned plan name the school, the year and the comment', () => {
    const submitted = { kind: 'verification_submitted' as const, params: { unit: '第一实验小学', year: 2026 } };
    expect(messageText(zh.t, submitted)).toBe('第一实验小学提交了 2026 年度学时验证，请审核签章');
    expect(messageText(english.t, submitted)).toBe(
      '第一实验小学 submitted its 2026 annual verification for your sign-off',
    );
    const returned = {
      kind: 'plan_returned' as const,
      params: { unit: '第一实验小学', year: 2027, title: '校本计划', comment: '请补充三月' },
    };
    expect(messageText(zh.t, returned)).toBe('2027 年度培训计划“校本计划”被退回，请修改后重新提交。附言：请补充三月');
  });

  test('homework graded says whether it passed; a return carries the tutor’s comment; a report its reason', () => {
    const graded = {
      kind: 'homework_graded' as const,
      params: { className: '网络研修班', assignment: '教学设计', passed: true },
    };
    expect(messageText(zh.t, graded)).toBe('网络研修班：您的作业“教学设计”已批改，已通过');
    expect(messageText(english.t, { ...graded, params: { ...graded.params, passed: false } })).toBe(
      '网络研修班: your homework “教学设计” was graded: not passed',
    );
    const returned = {
      kind: 'homework_returned' as const,
      params: { className: '网络研修班', assignment: '教学设计', comment: '请补充板书设计' },
    };
    expect(messageText(zh.t, returned)).toContain('请补充板书设计');
    const reported = {
      kind: 'forum_reported' as const,
      params: { className: '网络研修班', topic: '读书分享', reason: '广告' },
    };
    expect(messageText(zh.t, reported)).toBe('网络研修班：研讨主题“读书分享”中有帖子被举报（广告），请处理');
  });

  test('a reminder says who sends it, what is due and by when; a decision says its outcome', () => {
    const reminder = {
      kind: 'reminder' as const,
      params: { topic: 'verification', fromUnit: '桦甸市', year: 2026, deadline: '2027-03-15', note: null },
    };
    expect(messageText(zh.t, reminder)).toBe('桦甸市催办：请尽快提交 2026 年度学时验证（请于 2027-03-15 前完成）');
    expect(messageText(english.t, reminder)).toBe(
      'Reminder from 桦甸市: please submit the 2026 annual verification (due by 2027-03-15)',
    );
    const plan = {
      kind: 'reminder' as const,
      params: { topic: 'plan', fromUnit: '桦甸市', year: 2027, note: '月底前' },
    };
    expect(messageText(zh.t, plan)).toBe('桦甸市催办：请尽快提交 2027 年度培训计划。附言：月底前');
    const decided = {
      kind: 'correction_decided' as const,
      params: { field: 'teachingStartYear', accept: false, note: null },
    };
    expect(messageText(english.t, decided)).toMatch(/^Your request to correct ".+" was rejected$/);
  });
});
