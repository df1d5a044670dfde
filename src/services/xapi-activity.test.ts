import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { batchDefinitions, mergeDefinitions } from '../domain/xapi-document.js';
import { findActivityDefinition } from '../repositories/xapi-document.repository.js';
import { recordActivities } from './xapi-activity.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const statementAbout = (id: string, definition: Record<string, unknown>) => ({
  actor: { mbox: 'mailto:a@b.cn' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { objectType: 'Activity', id, definition },
});

async function record(provinceId: number, statements: Array<Record<string, unknown>>) {
  await t.db.transaction().execute((trx) => recordActivities(trx, provinceId, statements));
}

describe('recordActivities', () => {
  it('keeps one canonical definition per activity over batches of hundreds, as the domain rule merges them', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `https://platform.example.cn/activity/${i}`);
    const batches = [0, 1, 2].map((b) =>
      Array.from({ length: 300 }, (_, i) =>
        statementAbout(ids[(i * 7 + b) % ids.length]!, {
          name: { [['zh-CN', 'en-US', 'fr-FR'][(i + b) % 3]!]: `名称 ${b}-${i}` },
          ...(i % 5 === 0 ? { type: `http://example.cn/type/${b}` } : {}),
          ...(i % 11 === 0 ? { extensions: { [`http://example.cn/ext/${i % 3}`]: b } } : {}),
        }),
      ),
    );
    // two batches at once take their locks in the same order: no deadlock
    await Promise.all([record(901, batches[0]!), record(901, batches[1]!)]);
    await record(901, batches[2]!);

    // the first two batches landed in either order: the stored value is the domain rule's for one of them
    const viaDomain = (order: number[]) => {
      const m = new Map<string, Record<string, unknown>>();
      for (const b of order) {
        for (const { id, definition } of batchDefinitions(batches[b]!)) {
          const before = m.get(id);
          m.set(id, before ? mergeDefinitions(before, definition) : definition);
        }
      }
      return m;
    };
    const a = viaDomain([0, 1, 2]);
    const b = viaDomain([1, 0, 2]);
    for (const id of ids) {
      const stored = await findActivityDefinition(t.db, 901, id);
      expect(stored, id).toBeDefined();
      expect([a.get(id), b.get(id)], id).toContainEqual(stored);
    }
  });

  it('merges in the database exactly as the domain rule does', async () => {
    const definition = fc.record(
      {
        name: fc.dictionary(fc.constantFrom('zh-CN', 'en-US', 'fr-FR'), fc.string({ maxLength: 4 })),
        description: fc.dictionary(fc.constantFrom('zh-CN', 'en-US'), fc.string({ maxLength: 4 })),
        type: fc.constantFrom('http://t/1', 'http://t/2'),
        moreInfo: fc.constantFrom('https://a.cn', 'https://b.cn'),
        extensions: fc.dictionary(fc.constantFrom('http://e/1', 'http://e/2'), fc.integer()),
      },
      { requiredKeys: [] },
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(definition, definition, async (first, second) => {
        const id = `https://platform.example.cn/merge/${n++}`;
        await record(902, [statementAbout(id, { ...first, type: 'http://t/0' })]);
        await record(902, [statementAbout(id, second)]);
        expect(await findActivityDefinition(t.db, 902, id)).toEqual(
          mergeDefinitions({ ...first, type: 'http://t/0' }, second),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('lets a statement that repeats a known definition through while another batch changes it', async () => {
    const id = 'https://platform.example.cn/busy';
    const known = { name: { 'zh-CN': '热门课' } };
    await record(904, [statementAbout(id, known)]);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let changed!: () => void;
    const changing = new Promise<void>((r) => {
      changed = r;
    });
    const slow = t.db.transaction().execute(async (trx) => {
      await recordActivities(trx, 904, [statementAbout(id, { name: { 'en-US': 'Popular' } })]);
      changed();
      await gate;
    });
    await changing;
    const repeated = record(904, [statementAbout(id, known)]).then(() => 'done');
    const waited = await Promise.race([repeated, new Promise((r) => setTimeout(() => r('blocked'), 2_000))]);
    release();
    await slow;
    expect(waited).toBe('done');
    expect(await findActivityDefinition(t.db, 904, id)).toEqual({ name: { 'zh-CN': '热门课', 'en-US': 'Popular' } });
  });

  it('keeps nothing for statements without definitions, and provinces apart', async () => {
    await record(903, [
      statementAbout('https://platform.example.cn/bare', {}),
      { object: { objectType: 'Agent', mbox: 'mailto:a@b.cn' } },
    ]);
    expect(await findActivityDefinition(t.db, 903, 'https://platform.example.cn/bare')).toBeUndefined();
    expect(await findActivityDefinition(t.db, 903, 'https://platform.example.cn/activity/1')).toBeUndefined();
    await record(903, []);
  });
});
