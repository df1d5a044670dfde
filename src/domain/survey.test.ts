import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  aggregate,
  answerWindow,
  answerWindowClosesAt,
  checkAnswers,
  checkQuestions,
  checkRelease,
  DEFAULT_QUESTIONS,
  MAX_QUESTIONS,
  MIN_ANSWERS_FOR_DETAIL,
  projectResults,
  resultsReleased,
  withheldResults,
  type SurveyAnswers,
} from './survey.js';

const ratings = (overall: number, rest = 4): SurveyAnswers => ({
  content: rest,
  trainer: rest,
  organisation: rest,
  venue: rest,
  overall,
});

describe('the default questionnaire (R-43)', () => {
  it('asks five ratings and one free text, in Chinese and English, and passes its own check', () => {
    expect(DEFAULT_QUESTIONS.map((q) => [q.key, q.kind, q.zh])).toEqual([
      ['content', 'rating', '内容实用性'],
      ['trainer', 'rating', '培训者水平'],
      ['organisation', 'rating', '组织与安排'],
      ['venue', 'rating', '场地或平台'],
      ['overall', 'rating', '总体满意度'],
      ['suggestions', 'text', '意见和建议'],
    ]);
    expect(DEFAULT_QUESTIONS.every((q) => q.en.length > 0)).toBe(true);
    expect(checkQuestions(DEFAULT_QUESTIONS.map((q) => ({ ...q }))).issues).toEqual([]);
  });
});

describe('checkQuestions', () => {
  const q = (over: Record<string, unknown> = {}) => ({
    key: 'overall',
    kind: 'rating',
    zh: '总体',
    en: 'Overall',
    ...over,
  });
  it('normalises labels and keeps nothing else', () => {
    expect(checkQuestions([q({ zh: '  总体\u0301满意度 ' })]).questions).toEqual([
      { key: 'overall', kind: 'rating', zh: '总体\u0301满意度'.normalize('NFC'), en: 'Overall' },
    ]);
  });
  it('refuses bad keys, kinds, labels and sizes, naming each field', () => {
    const paths = (input: unknown) => checkQuestions(input).issues.map((i) => `${i.path}:${i.kind}`);
    expect(paths([])).toEqual(['questions:too_few']);
    expect(paths(Array.from({ length: MAX_QUESTIONS + 1 }, (_, i) => q({ key: `q${i}` })))).toEqual([
      'questions:too_many',
    ]);
    expect(paths(Array.from({ length: MAX_QUESTIONS }, (_, i) => q({ key: `q${i}` })))).toEqual([]);
    expect(paths('questions')).toEqual(['questions:required']);
    expect(paths([q({ kind: 'choice' })])).toEqual(['questions.0.kind:invalid']);
    expect(paths([q({ kind: undefined })])).toEqual(['questions.0.kind:invalid']);
    expect(paths([q({ key: 'Overall' }), q({ key: '1x' }), q({ key: 'a'.repeat(31) })])).toEqual([
      'questions.0.key:invalid',
      'questions.1.key:invalid',
      'questions.2.key:invalid',
    ]);
    expect(paths([q(), q()])).toEqual(['questions.1.key:duplicate']);
    expect(paths([q({ zh: '' }), q({ key: 'b', en: '   ' })])).toEqual([
      'questions.0.zh:blank',
      'questions.1.en:blank',
    ]);
    expect(paths([q({ zh: '长'.repeat(101) })])).toEqual(['questions.0.zh:too_long']);
    expect(paths([q({ zh: '长'.repeat(100) })])).toEqual([]);
    expect(paths([q({ en: 'a\u0000b' })])).toEqual(['questions.0.en:bad_chars']);
    expect(paths([q({ en: 5 })])).toEqual(['questions.0.en:required']);
    expect(paths([q({ weight: 2 })])).toEqual(['questions.0.weight:unknown']);
    expect(paths([null])).toEqual(['questions.0:invalid']);
  });
});

describe('checkAnswers', () => {
  it('takes every rating and optional text; empty text is left out', () => {
    expect(checkAnswers(DEFAULT_QUESTIONS, { ...ratings(5), suggestions: '  多安排实践课\r\n谢谢 ' })).toEqual({
      answers: { ...ratings(5), suggestions: '多安排实践课\n谢谢' },
      issues: [],
    });
    expect(checkAnswers(DEFAULT_QUESTIONS, { ...ratings(5), suggestions: '   ' }).answers).toEqual(ratings(5));
    expect(checkAnswers(DEFAULT_QUESTIONS, { ...ratings(5), suggestions: null }).answers).toEqual(ratings(5));
  });
  it('refuses ratings 0 or 6, fractions, text, a missing rating, unknown keys and overlong or broken text', () => {
    const paths = (input: unknown) => checkAnswers(DEFAULT_QUESTIONS, input).issues.map((i) => `${i.path}:${i.kind}`);
    expect(paths(ratings(0))).toEqual(['answers.overall:out_of_range']);
    expect(paths(ratings(6))).toEqual(['answers.overall:out_of_range']);
    expect(paths(ratings(4.5))).toEqual(['answers.overall:invalid']);
    expect(paths({ ...ratings(4), overall: '5' })).toEqual(['answers.overall:invalid']);
    const { venue: _, ...noVenue } = ratings(4);
    expect(paths(noVenue)).toEqual(['answers.venue:required']);
    expect(paths({ ...ratings(4), mood: 5 })).toEqual(['answers.mood:unknown']);
    expect(paths({ ...ratings(4), suggestions: '字'.repeat(1001) })).toEqual(['answers.suggestions:too_long']);
    expect(paths({ ...ratings(4), suggestions: '字'.repeat(1000) })).toEqual([]);
    expect(paths({ ...ratings(4), suggestions: 'a\u0007b' })).toEqual(['answers.suggestions:bad_chars']);
    expect(paths({ ...ratings(4), suggestions: 42 })).toEqual(['answers.suggestions:invalid']);
    expect(paths([5, 5, 5])).toEqual(['answers:required']);
    expect(checkAnswers(DEFAULT_QUESTIONS, ratings(0)).answers).toEqual({});
  });
});

describe('answerWindow', () => {
  const day = 86_400_000;
  const t0 = Date.UTC(2027, 5, 1, 1);
  it('opens when the first session starts or the class closes, and ends 30 days after closing', () => {
    expect(answerWindow({ firstSessionStartsAt: new Date(t0), closedAt: null, status: 'open' }, t0 - 1)).toBe(
      'not_yet',
    );
    expect(answerWindow({ firstSessionStartsAt: new Date(t0), closedAt: null, status: 'open' }, t0)).toBe('open');
    expect(answerWindow({ firstSessionStartsAt: null, closedAt: null, status: 'open' }, t0)).toBe('not_yet');
    expect(answerWindow({ firstSessionStartsAt: null, closedAt: new Date(t0), status: 'closed' }, t0 + 30 * day)).toBe(
      'open',
    );
    expect(
      answerWindow({ firstSessionStartsAt: null, closedAt: new Date(t0), status: 'closed' }, t0 + 30 * day + 1),
    ).toBe('over');
  });
});

describe('aggregate', () => {
  it('gives the mean, the distribution 1–5, the count and the response rate', () => {
    const r = aggregate(
      DEFAULT_QUESTIONS,
      [ratings(5), ratings(4), ratings(4), { ...ratings(1), suggestions: '增加案例' }],
      8,
    );
    expect(r).toMatchObject({ answers: 4, enrolled: 8, responseRate: 0.5, detailShown: true });
    expect(r.questions.find((q) => q.key === 'overall')).toMatchObject({
      answered: 4,
      mean: 3.5,
      distribution: [1, 0, 0, 2, 1],
    });
    expect(r.questions.find((q) => q.key === 'content')).toMatchObject({ mean: 4, distribution: [0, 0, 0, 4, 0] });
    expect(r.questions.find((q) => q.key === 'suggestions')).toMatchObject({
      answered: 1,
      mean: null,
      distribution: null,
    });
    expect(r.texts).toEqual([{ key: 'suggestions', items: ['增加案例'] }]);
  });
  it('rounds means to two decimals and never reports more than everyone', () => {
    expect(aggregate(DEFAULT_QUESTIONS, [ratings(5), ratings(4), ratings(4)], 2).questions[4]!.mean).toBe(4.33);
    expect(aggregate(DEFAULT_QUESTIONS, [ratings(5), ratings(4), ratings(4)], 2).responseRate).toBe(1);
    expect(aggregate(DEFAULT_QUESTIONS, [], 0)).toMatchObject({ answers: 0, responseRate: null, detailShown: false });
  });
  it(`below ${MIN_ANSWERS_FOR_DETAIL} answers shows counts only: no means, distribution or texts`, () => {
    const r = aggregate(DEFAULT_QUESTIONS, [{ ...ratings(1), suggestions: '只有我一个人写了' }, ratings(2)], 40);
    expect(r).toMatchObject({ answers: 2, enrolled: 40, responseRate: 0.05, detailShown: false });
    expect(r.questions.every((q) => q.mean === null && q.distribution === null)).toBe(true);
    expect(r.texts).toEqual([{ key: 'suggestions', items: [] }]);
    expect(JSON.stringify(r)).not.toContain('只有我');
  });
  it('lists texts by their text, whatever order the answers came in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['甲', '乙', 'b', 'a', '丙', 'c'], { minLength: 3, maxLength: 6 }), (texts) => {
        const answers = texts.map((s) => ({ ...ratings(3), suggestions: s }));
        const forward = aggregate(DEFAULT_QUESTIONS, answers, 10).texts[0]!.items;
        const backward = aggregate(DEFAULT_QUESTIONS, [...answers].reverse(), 10).texts[0]!.items;
        expect(forward).toEqual(backward);
        expect(forward).toEqual([...texts].sort());
      }),
    );
  });
  it('keeps every mean between 1 and 5 and the distribution adding up to the answers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 60 }), (xs) => {
        const r = aggregate(
          DEFAULT_QUESTIONS,
          xs.map((x) => ratings(x)),
          100,
        );
        const overall = r.questions[4]!;
        expect(overall.distribution!.reduce((s, n) => s + n, 0)).toBe(xs.length);
        expect(overall.mean!).toBeGreaterThanOrEqual(1);
        expect(overall.mean!).toBeLessThanOrEqual(5);
      }),
    );
  });
});

describe('projectResults', () => {
  it('counts every class, but figures over the project only the classes that show their detail', () => {
    const r = projectResults(DEFAULT_QUESTIONS, [
      { id: 1, name: '一班', enrolled: 10, released: true, responses: [ratings(5), ratings(5), ratings(5)] },
      {
        id: 2,
        name: '二班',
        enrolled: 10,
        released: true,
        responses: [{ ...ratings(1), suggestions: '二班唯一的意见' }],
      },
      { id: 3, name: '三班', enrolled: 5, released: true, responses: [] },
    ]);
    expect(r).toMatchObject({ answers: 4, enrolled: 25, responseRate: 0.16, classesHidden: 1 });
    expect(r.overall).toMatchObject({ answers: 3, enrolled: 10, detailShown: true });
    expect(r.overall.questions[4]!.mean).toBe(5);
    expect(r.classes.map((c) => [c.name, c.results.answers, c.results.detailShown])).toEqual([
      ['一班', 3, true],
      ['二班', 1, false],
      ['三班', 0, false],
    ]);
    expect(JSON.stringify(r)).not.toContain('二班唯一');
    expect(r.classes[0]).not.toHaveProperty('responses');
  });
});

describe("when a class's figures show", () => {
  const DAY = 86_400_000;
  const open = { status: 'open' as const, closedAt: null };
  const closedAt = new Date('2027-05-01T08:00:00Z');
  const closed = { status: 'closed' as const, closedAt };
  const windowClosed = { after: 'window_closed' as const, minAnswers: null };

  it('by default only after the answer window closed, 30 days after the class closed, however many answered', () => {
    expect(resultsReleased(windowClosed, open, 500, closedAt.getTime())).toBe(false);
    expect(resultsReleased(windowClosed, closed, 500, closedAt.getTime() + 30 * DAY)).toBe(false);
    expect(resultsReleased(windowClosed, closed, 0, closedAt.getTime() + 30 * DAY + 1)).toBe(true);
    expect(answerWindowClosesAt(closed)).toEqual(new Date(closedAt.getTime() + 30 * DAY));
    expect(answerWindowClosesAt(open)).toBeNull();
  });

  it('with a number of answers chosen, from that many answers on, and after the window in any case', () => {
    const ten = { after: 'min_answers' as const, minAnswers: 10 };
    expect(resultsReleased(ten, open, 9, 0)).toBe(false);
    expect(resultsReleased(ten, open, 10, 0)).toBe(true);
    expect(resultsReleased(ten, closed, 2, closedAt.getTime() + 31 * DAY)).toBe(true);
  });

  it('withheld figures give the number of answers and nothing that moves with each answer', () => {
    const r = withheldResults(DEFAULT_QUESTIONS, 7, 20);
    expect(r).toMatchObject({ answers: 7, enrolled: 20, responseRate: 0.35, detailShown: false });
    expect(r.questions.every((q) => q.answered === 0 && q.mean === null && q.distribution === null)).toBe(true);
    expect(r.texts.every((g) => g.items.length === 0)).toBe(true);
    const p = projectResults(DEFAULT_QUESTIONS, [
      { id: 1, enrolled: 5, released: false, responses: [ratings(1), ratings(1), ratings(1)] },
      { id: 2, enrolled: 5, released: true, responses: [ratings(5), ratings(5), ratings(5)] },
    ]);
    expect(p).toMatchObject({ answers: 6, classesWithheld: 1, classesHidden: 0 });
    expect(p.overall.questions[4]!.mean).toBe(5);
    expect(p.classes[0]!.results).toMatchObject({ answers: 3, detailShown: false });
  });

  it("checks the organiser's choice: a known rule, and 3–10,000 answers with min_answers only", () => {
    expect(checkRelease(undefined)).toEqual({ release: { after: 'window_closed', minAnswers: null }, issues: [] });
    expect(checkRelease({ after: 'min_answers', minAnswers: 10 }).release).toEqual({
      after: 'min_answers',
      minAnswers: 10,
    });
    const kinds = (v: unknown) => checkRelease(v).issues.map((i) => `${i.path}:${i.kind}`);
    expect(kinds({ after: 'min_answers' })).toEqual(['release.minAnswers:required']);
    expect(kinds({ after: 'min_answers', minAnswers: 2 })).toEqual(['release.minAnswers:out_of_range']);
    expect(kinds({ after: 'min_answers', minAnswers: 2.5 })).toEqual(['release.minAnswers:invalid']);
    expect(kinds({ after: 'window_closed', minAnswers: 5 })).toEqual(['release.minAnswers:invalid']);
    expect(kinds({ after: 'live' })).toEqual(['release.after:invalid']);
  });
});
