import { describe, expect, it } from 'vitest';
import { competitionProblems, quotaOf, quotaUnitFor, stripImageMetadata } from './competition.service.js';

describe('competition rules', () => {
  it('counts an entry against the unit right below the round’s organiser (the school itself in a school round)', () => {
    expect(quotaUnitFor('/1/2/', '/1/2/3/4/')).toBe(3);
    expect(quotaUnitFor('/1/2/3/', '/1/2/3/4/')).toBe(4);
    expect(quotaUnitFor('/1/2/3/4/', '/1/2/3/4/')).toBe(4);
    expect(quotaOf({ quotaDefault: 3, quotas: { '7': 1 } }, 7)).toBe(1);
    expect(quotaOf({ quotaDefault: 3, quotas: { '7': 1 } }, 8)).toBe(3);
  });

  it('drops what an image says about its author: JPEG APP1 (EXIF) and comments, PNG text chunks', () => {
    const seg = (marker: number, body: string) => {
      const b = Buffer.from(body, 'latin1');
      const head = Buffer.from([0xff, marker, 0, 0]);
      head.writeUInt16BE(b.length + 2, 2);
      return Buffer.concat([head, b]);
    };
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      seg(0xe0, 'JFIF\0'),
      seg(0xe1, 'Exif\0\0Artist=Zhang San'),
      seg(0xfe, 'made by Zhang San'),
      Buffer.from([0xff, 0xda, 0, 2, 1, 2, 3, 0xff, 0xd9]),
    ]);
    const clean = stripImageMetadata('image/jpeg', jpeg);
    expect(clean.toString('latin1')).not.toContain('Zhang San');
    expect(clean.toString('latin1')).toContain('JFIF');
    expect(clean.subarray(-3)).toEqual(Buffer.from([3, 0xff, 0xd9]));

    const chunk = (type: string, body: string) => {
      const b = Buffer.from(body, 'latin1');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, Buffer.from(type, 'latin1'), b, Buffer.alloc(4)]);
    };
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', 'xxxxxxxxxxxxx'),
      chunk('tEXt', 'Author\0Zhang San'),
      chunk('IEND', ''),
    ]);
    const p = stripImageMetadata('image/png', png);
    expect(p.toString('latin1')).not.toContain('Zhang San');
    expect(p.toString('latin1')).toContain('IHDR');
    expect(p.toString('latin1')).toContain('IEND');
  });

  it('wants the rounds from the lowest level up to the organiser’s own', () => {
    const base = {
      title: '评比',
      kind: 'essay' as const,
      year: 2027,
      categories: [],
      rubric: [{ key: 'a', label: '内容', weight: 1, max: 10 }],
      trimAt: 5,
      normalise: true,
      normaliseMin: 10,
      spreadThreshold: 20,
    };
    const round = (level: 'school' | 'county' | 'city', deadline = '2027-06-30') => ({
      level,
      deadline,
      quotaDefault: 3,
    });
    expect(competitionProblems({ ...base, rounds: [round('county'), round('city', '2027-09-30')] }, 'city')).toEqual(
      {},
    );
    expect(competitionProblems({ ...base, rounds: [round('city'), round('county')] }, 'county')).toHaveProperty(
      'rounds',
    );
    expect(competitionProblems({ ...base, rounds: [round('county')] }, 'city')).toHaveProperty('rounds');
    expect(
      competitionProblems({ ...base, rounds: [round('county', '2027-09-30'), round('city', '2027-06-30')] }, 'city'),
    ).toEqual({ rounds: 'deadline' });
  });
});
