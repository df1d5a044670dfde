import { describe, expect, it } from 'vitest';
import { comparableDuration, type JsonObject, prepareStatement, sameStatement } from './xapi-statement.js';

const sent: JsonObject = {
  id: '0b6f6c55-2a53-4d3c-9a55-4f1e0e6b5a11',
  actor: { mbox: 'mailto:wang@school.example.cn' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'https://basic.smartedu.cn/course/1' },
  context: { contextActivities: { parent: { id: 'https://basic.smartedu.cn/program/1' } } },
  timestamp: '2026-12-07T16:30:00+08:00',
};
const stored = prepareStatement(sent, {
  id: sent['id'] as string,
  stored: '2026-12-07T08:30:01.000Z',
  authority: { objectType: 'Agent', account: { homePage: 'https://peixun.invalid/xapi', name: 'client-1' } },
  version: '2.0.0',
});

describe('a retried statement compared with the one stored from it', () => {
  it('is the same statement, though the LRS wrote its timestamp in UTC and its context activities as lists', () => {
    expect(stored['timestamp']).toBe('2026-12-07T08:30:00.000Z');
    expect(sameStatement(stored, sent)).toBe(true);
  });

  it('is another statement when it names another instant or another verb', () => {
    expect(sameStatement(stored, { ...sent, timestamp: '2026-12-07T16:30:00Z' })).toBe(false);
    expect(sameStatement(stored, { ...sent, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } })).toBe(false);
  });
});

describe('durations in a comparison', () => {
  it('count to the hundredth of a second, cut not rounded', () => {
    const timed = (duration: string) => ({ ...sent, result: { duration } });
    const kept = prepareStatement(timed('P1DT12H36M0.12S'), {
      id: sent['id'] as string,
      stored: '2026-12-07T08:30:01.000Z',
      authority: { objectType: 'Agent', account: { homePage: 'https://peixun.invalid/xapi', name: 'client-1' } },
      version: '2.0.0',
    });
    expect(comparableDuration('P1DT12H36M0.1237S')).toBe('P1DT12H36M0.12S');
    expect(comparableDuration('PT5.009S')).toBe('PT5S');
    expect(sameStatement(kept, timed('P1DT12H36M0.1299S'))).toBe(true);
    expect(sameStatement(kept, timed('P1DT12H36M0.13S'))).toBe(false);
  });
});
