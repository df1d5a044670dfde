import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareTrainees,
  compareUnits,
  criteriaProblems,
  DEFAULT_CRITERIA,
  percent,
  propose,
  traineeQualifies,
  type TraineeFigures,
  type UnitCriteria,
  type UnitFigures,
  unitQualifies,
} from './commendation.js';

const pct = fc.option(fc.integer({ min: 0, max: 100 }), { nil: null });
const unitFigures: fc.Arbitrary<UnitFigures> = fc
  .record({
    teachers: fc.integer({ min: 0, max: 200 }),
    done: fc.integer({ min: 0, max: 200 }),
    signedOff: fc.boolean(),
    examResults: fc.integer({ min: 0, max: 200 }),
    passed: fc.integer({ min: 0, max: 200 }),
    enrolments: fc.integer({ min: 0, max: 200 }),
    completed: fc.integer({ min: 0, max: 200 }),
  })
  .map((r) => {
    const complete = Math.min(r.done, r.teachers);
    const examPassed = Math.min(r.passed, r.examResults);
    const completed = Math.min(r.completed, r.enrolments);
    return {
      teachers: r.teachers,
      complete,
      completionPercent: percent(complete, r.teachers),
      signedOff: r.signedOff,
      examResults: r.examResults,
      examPassed,
      examPassPercent: percent(examPassed, r.examResults),
      enrolments: r.enrolments,
      completed,
      participationPercent: percent(completed, r.enrolments),
    };
  });
const unitCriteria: fc.Arbitrary<UnitCriteria> = fc.record({
  enabled: fc.boolean(),
  minCompletionPercent: pct,
  requireSignedOff: fc.boolean(),
  minExamPassPercent: pct,
  minParticipationPercent: pct,
  maxCount: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
});
const traineeFigures: fc.Arbitrary<TraineeFigures> = fc.record({
  status: fc.constantFrom('complete', 'on_track', 'behind', null),
  yearTenths: fc.integer({ min: 0, max: 2000 }),
  examsTaken: fc.integer({ min: 0, max: 5 }),
  examsPassed: fc.integer({ min: 0, max: 5 }),
  excellent: fc.integer({ min: 0, max: 5 }),
  classesCompleted: fc.integer({ min: 0, max: 5 }),
  classesNotCompleted: fc.integer({ min: 0, max: 5 }),
});

describe('commendation criteria (R-44)', () => {
  it('a stricter threshold never lets in a unit the looser one kept out', () => {
    fc.assert(
      fc.property(unitCriteria, unitFigures, fc.integer({ min: 0, max: 100 }), (c, f, raise) => {
        const stricter = { ...c, minCompletionPercent: Math.min(100, (c.minCompletionPercent ?? 0) + raise) };
        if (unitQualifies(stricter, f)) expect(unitQualifies(c, f)).toBe(true);
      }),
    );
  });

  it('a unit without teachers, or criteria switched off, never qualifies', () => {
    fc.assert(
      fc.property(unitCriteria, unitFigures, (c, f) => {
        expect(unitQualifies({ ...c, enabled: false }, f)).toBe(false);
        expect(unitQualifies(c, { ...f, teachers: 0, completionPercent: null })).toBe(false);
      }),
    );
  });

  it('proposes only those who qualify, best first, never more than the cap, whatever the input order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.string({ maxLength: 4 }), figures: unitFigures }), { maxLength: 30 }),
        unitCriteria,
        (units, c) => {
          const picked = propose(units, (u) => unitQualifies(c, u.figures), compareUnits, c.maxCount);
          if (c.maxCount !== null) expect(picked.length).toBeLessThanOrEqual(c.maxCount);
          for (const u of picked) expect(unitQualifies(c, u.figures)).toBe(true);
          for (let i = 1; i < picked.length; i++)
            expect(compareUnits(picked[i - 1]!, picked[i]!)).toBeLessThanOrEqual(0);
          const reversed = propose([...units].reverse(), (u) => unitQualifies(c, u.figures), compareUnits, c.maxCount);
          expect(reversed.map((u) => compareUnits(u, picked[reversed.indexOf(u)]!))).toEqual(picked.map(() => 0));
        },
      ),
    );
  });

  it('a trainee must meet every threshold set, and hours are compared in tenths', () => {
    const c = DEFAULT_CRITERIA.outstandingTrainee;
    const good: TraineeFigures = {
      status: 'complete',
      yearTenths: 720,
      examsTaken: 1,
      examsPassed: 1,
      excellent: 1,
      classesCompleted: 0,
      classesNotCompleted: 0,
    };
    expect(traineeQualifies(c, good)).toBe(true);
    expect(traineeQualifies(c, { ...good, yearTenths: 719 })).toBe(false);
    expect(traineeQualifies(c, { ...good, status: 'on_track' })).toBe(false);
    expect(traineeQualifies(c, { ...good, excellent: 0 })).toBe(false);
    fc.assert(
      fc.property(traineeFigures, fc.array(fc.record({ name: fc.string(), figures: traineeFigures })), (f, all) => {
        if (traineeQualifies({ ...c, minYearHours: (c.minYearHours ?? 0) + 1 }, f))
          expect(traineeQualifies(c, f)).toBe(true);
        const picked = propose(all, (x) => traineeQualifies(c, x.figures), compareTrainees, 3);
        expect(picked.length).toBeLessThanOrEqual(3);
      }),
    );
  });

  it('names the percentages out of range and criteria that propose nobody', () => {
    expect(criteriaProblems(DEFAULT_CRITERIA)).toEqual([]);
    expect(
      criteriaProblems({
        advancedUnit: { ...DEFAULT_CRITERIA.advancedUnit, minCompletionPercent: 101, enabled: false },
        outstandingAdmin: { ...DEFAULT_CRITERIA.outstandingAdmin, enabled: false },
        outstandingTrainee: { ...DEFAULT_CRITERIA.outstandingTrainee, enabled: false },
      }),
    ).toEqual(['advancedUnit.minCompletionPercent', 'enabled']);
  });
});
