import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ArchiveData, buildArchive } from './archive.js';

const data = (birthDate: string, quote: string): ArchiveData => ({
  teacher: {
    id: 1,
    name: '李𠮷',
    idNumber: '220282********1234',
    gender: 'female',
    birthDate,
    orgUnitName: '桦甸市第一实验小学',
    stage: 'primary',
    subject: '语文',
    title: null,
    teachingStartYear: 2010,
    backboneLevel: null,
  },
  postings: [{ orgUnitName: '桦甸市第一实验小学', startedOn: '2010-09-01', endedOn: null, reason: quote }],
  cycles: [],
  training: [],
  exams: [],
  homework: [],
  reflections: [],
  titles: [],
  honours: [],
  plans: [],
  extra: [
    { key: 'pairs', order: 60, title: '结对', columns: ['说明'], rows: [[quote]] },
    { key: 'competitions', order: 70, title: '评比', columns: ['说明'], rows: [['x']] },
  ],
});

describe('the archive document', () => {
  it('a masked reader finds the birth date nowhere, whatever a section quotes', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1950-01-01'), max: new Date('2005-12-31'), noInvalidDate: true }), (d) => {
        const birth = d.toISOString().slice(0, 10);
        const quote = `生日 ${birth} / ${birth.replaceAll('-', '')}`;
        const doc = buildArchive(data(birth, quote), {
          locale: 'zh-CN',
          printedOn: '2027-12-05',
          identifiers: 'masked',
        });
        const text = JSON.stringify(doc);
        expect(text).not.toContain(birth);
        expect(text).not.toContain(birth.replaceAll('-', ''));
        expect(doc.identity).toContainEqual(['出生日期', birth.slice(0, 4)]);
      }),
    );
  });

  it('the teacher and the school see the full date; sections come in their order, registered ones included', () => {
    const doc = buildArchive(data('1986-04-23', ''), { locale: 'en', printedOn: '2027-12-05', identifiers: 'own' });
    expect(doc.identity).toContainEqual(['Date of birth', '1986-04-23']);
    const orders = doc.sections.map((s) => s.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    expect(doc.sections.map((s) => s.key)).toEqual(
      expect.arrayContaining([
        'postings',
        'hours',
        'entries',
        'training',
        'exams',
        'work',
        'titles',
        'honours',
        'pairs',
        'competitions',
      ]),
    );
    expect(doc.sections.at(-1)!.key).toBe('competitions');
  });
});
