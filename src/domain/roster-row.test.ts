import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../test/support/roster.js';
import { checkRosterRow, columnOfHeader, parseDateCell, type RawRosterRow } from './roster-row.js';
import { normaliseName, nameProblem } from './teacher.js';

const TODAY = new Date('2026-11-24T00:00:00Z');
const base: RawRosterRow = { name: '张晓梅', idNumber: '220282198503120024', stage: '小学', employment: '在编' };
const check = (over: RawRosterRow) => checkRosterRow({ ...base, ...over }, 7, TODAY);
const problems = (over: RawRosterRow) => {
  const r = check(over);
  return r.ok ? [] : r.errors.map((e) => `${e.column}:${e.code}`);
};

describe('roster headers', () => {
  it('recognises the template headers with stars, spaces, full width, aliases and English', () => {
    expect(columnOfHeader('姓名*')).toBe('name');
    expect(columnOfHeader(' 身份证号码 ')).toBe('idNumber');
    expect(columnOfHeader('ＩＤ number')).toBe('idNumber');
    expect(columnOfHeader('手机号')).toBe('phone');
    expect(columnOfHeader('备注')).toBeUndefined();
  });
});

describe('a roster row', () => {
  it('derives gender and birth date from a resident ID number', () => {
    const r = check({});
    expect(r.ok && r.row.fields).toMatchObject({
      gender: 'female',
      birthDate: '1985-03-12',
      idType: 'resident',
      stage: 'primary',
      employment: 'staff',
    });
  });

  it('normalises full-width digits, a lower-case x and surrounding spaces in the ID number', () => {
    const id = makeIdNumber('110105', new Date(Date.UTC(1979, 0, 9)), 16, 'male');
    const wide = id.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).toLowerCase();
    const r = check({ idNumber: `  ${wide} ` });
    expect(r.ok && r.row.fields.idNumber).toBe(id);
  });

  it('refuses an ID number that Excel stored as a number, saying why', () => {
    expect(problems({ idNumber: 220282198503120000 })).toEqual(['idNumber:id_stored_as_number']);
  });

  it('says which rule a wrong ID number breaks', () => {
    expect(problems({ idNumber: '22028219850312002' })).toEqual(['idNumber:id_length']);
    expect(problems({ idNumber: '990282198503120026' })).toEqual(['idNumber:id_region']);
    expect(problems({ idNumber: '220282198502300026' })).toEqual(['idNumber:id_birth_date']);
    expect(problems({ idNumber: '220282198503120027' })).toEqual(['idNumber:id_check_digit']);
  });

  it('quotes a refused ID number or phone back masked, so it can be found in the sheet but never shows in clear', () => {
    const quoted = (over: RawRosterRow) => {
      const r = check(over);
      return r.ok ? [] : r.errors.map((e) => `${e.column}:${e.code}:${e.value}`);
    };
    // region and last four, as everywhere an ID number is masked: the birth date in the middle stays hidden
    expect(quoted({ idNumber: '220282198503120027' })).toEqual(['idNumber:id_check_digit:220282********0027']);
    expect(quoted({ idNumber: ' ２２０２８２１９８５０２３０００２６ ' })).toEqual([
      'idNumber:id_birth_date:220282********0026',
    ]);
    // a value of another length keeps at most a quarter at each end
    expect(quoted({ idNumber: '22028219850312002' })).toEqual(['idNumber:id_length:220**********2002']);
    expect(quoted({ idType: '护照', idNumber: 'E1' })).toEqual(['idNumber:id_characters_other:**']);
    expect(quoted({ phone: '1380000' })).toEqual(['phone:phone_invalid:1*****0']);
    expect(quoted({ phone: '138 0013 800' })).toEqual(['phone:phone_invalid:13******00']);
    // an empty cell is not quoted at all
    expect(quoted({ idNumber: '' })).toEqual(['idNumber:id_blank:undefined']);
  });

  it('accepts other document types without the GB 11643 check, and then takes gender from the sheet', () => {
    const r = check({ idType: '港澳居民来往内地通行证', idNumber: 'h12345678', gender: '男', birthDate: '1990/1/2' });
    expect(r.ok && r.row.fields).toMatchObject({
      idType: 'hk_macao',
      idNumber: 'H12345678',
      gender: 'male',
      birthDate: '1990-01-02',
    });
  });

  it('reports a gender or birth date that contradicts the ID number', () => {
    expect(problems({ gender: '男', birthDate: '1985-03-13' })).toEqual([
      'gender:gender_mismatch',
      'birthDate:birth_date_mismatch',
    ]);
  });

  it('reads dates as Excel serials, Date cells and the ways people type them', () => {
    expect(parseDateCell(31118)).toBe('1985-03-12');
    expect(parseDateCell(new Date(Date.UTC(1985, 2, 12)))).toBe('1985-03-12');
    for (const t of ['1985-03-12', '1985/3/12', '1985.3.12', '19850312', '1985年3月12日', 19850312])
      expect(parseDateCell(t)).toBe('1985-03-12');
    expect(parseDateCell('1985-02-30')).toBe('invalid');
    expect(parseDateCell('下个月')).toBe('invalid');
  });

  it('keeps rare characters and the middle dot of minority names, folding look-alike dots', () => {
    for (const [typed, stored] of [
      ['𠮷野家', '𠮷野家'],
      ['阿依古丽・买买提', '阿依古丽·买买提'],
      ['玛丽亚 • 安娜', '玛丽亚·安娜'],
      ['  王　芳 ', '王 芳'],
    ] as const) {
      const r = check({ name: typed });
      expect(r.ok && r.row.fields.name).toBe(stored);
    }
    expect(problems({ name: '张三3' })).toEqual(['name:name_characters']);
    expect(problems({ name: '·张三' })).toEqual(['name:name_characters']);
  });

  it('maps the words schools use for stage, employment, flags and backbone level', () => {
    const r = check({
      stage: '学前',
      employment: '特岗教师',
      headTeacher: '√',
      masterTeacher: true,
      newTeacher: '',
      backboneLevel: '州级骨干',
      phone: '+86 139-1234-5678',
    });
    expect(r.ok && r.row.fields).toMatchObject({
      stage: 'kindergarten',
      employment: 'special_post',
      headTeacher: true,
      masterTeacher: true,
      newTeacher: false,
      backboneLevel: 'city',
      phone: '13912345678',
    });
  });

  it('reports every problem of a row, each with its column', () => {
    expect(
      problems({
        name: '',
        stage: '大学',
        employment: '',
        teachingStartYear: '1890',
        headTeacher: '也许',
        phone: '123',
      }),
    ).toEqual([
      'name:name_blank',
      'phone:phone_invalid',
      'stage:invalid_choice',
      'employment:required',
      'teachingStartYear:teaching_start_year_invalid',
      'headTeacher:invalid_yes_no',
    ]);
  });

  it('takes back the quote that exports put before formula characters', () => {
    const r = check({ subject: "'=1+1", title: "'-高级" });
    expect(r.ok && [r.row.fields.subject, r.row.fields.title]).toEqual(['=1+1', '-高级']);
  });

  it('refuses control characters in any cell instead of storing them', () => {
    expect(problems({ subject: '语文\u0000' })).toEqual(['subject:bad_chars']);
  });

  it('reports a hidden character together with the other problems of the row, showing it visibly', () => {
    const r = check({ subject: '语\u200b文', title: 'exe.\u202etxt', stage: '大学', employment: '' });
    expect(r.ok ? [] : r.errors).toEqual([
      { row: 7, column: 'subject', code: 'bad_chars', value: '语⟨U+200B⟩文' },
      { row: 7, column: 'title', code: 'bad_chars', value: 'exe.⟨U+202E⟩txt' },
      { row: 7, column: 'stage', code: 'invalid_choice', value: '大学' },
      { row: 7, column: 'employment', code: 'required' },
    ]);
  });

  it('keeps the ID number of a row with other problems, so a repeat in the file is still found', () => {
    const r = check({ stage: '大学' });
    expect(!r.ok && r.idNumber).toBe('220282198503120024');
  });

  it('never quotes back the digits of an identifier cell with a hidden character', () => {
    const r = check({ idNumber: '2202821985\u200b03120024' });
    expect(r.ok ? [] : r.errors).toEqual([{ row: 7, column: 'idNumber', code: 'bad_chars', value: '⟨U+200B⟩' }]);
  });

  it('refuses an ID number written in a free text column, and quotes it masked', () => {
    const r = check({ title: '220283198501120119', subject: '数学 13912345678' });
    const masked = { value: '220283********0119', withheld: 'id_number' };
    expect(r.ok ? [] : r.errors).toEqual([{ row: 7, column: 'title', code: 'id_number_in_text', ...masked }]);
    const choice = check({ gender: '220283198501120119' });
    expect(choice.ok ? [] : choice.errors).toEqual([{ row: 7, column: 'gender', code: 'invalid_choice', ...masked }]);
    const phone = check({ headTeacher: '13912345678' });
    expect(phone.ok ? [] : phone.errors).toEqual([
      { row: 7, column: 'headTeacher', code: 'invalid_yes_no', value: '139****5678', withheld: 'phone' },
    ]);
  });
});

describe('ID numbers (property)', () => {
  const region = fc.constantFrom('110105', '220282', '440305', '650102', '810000');
  const birth = fc.date({
    min: new Date('1940-01-01T00:00:00Z'),
    max: new Date('2005-12-31T00:00:00Z'),
    noInvalidDate: true,
  });
  const gender = fc.constantFrom('male' as const, 'female' as const);

  it('accepts every number built from a region, a real date and a sequence, with the gender it encodes', () => {
    fc.assert(
      fc.property(region, birth, fc.integer({ min: 0, max: 998 }), gender, (r, b, seq, g) => {
        const res = check({ idNumber: makeIdNumber(r, b, seq, g) });
        return res.ok && res.row.fields.gender === g && res.row.fields.birthDate === b.toISOString().slice(0, 10);
      }),
    );
  });

  it('refuses any single changed character', () => {
    fc.assert(
      fc.property(
        region,
        birth,
        fc.integer({ min: 0, max: 998 }),
        gender,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 10 }),
        (r, b, seq, g, pos, shift) => {
          const id = makeIdNumber(r, b, seq, g);
          const chars = '0123456789X';
          const cur = chars.indexOf(id[pos]!);
          const next = chars[(cur + shift) % (pos === 17 ? 11 : 10)]!;
          if (next === id[pos]) return true;
          return !check({ idNumber: id.slice(0, pos) + next + id.slice(pos + 1) }).ok;
        },
      ),
    );
  });
});

describe('names (property)', () => {
  it('normalising twice changes nothing, and a normalised good name stays good', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => normaliseName(normaliseName(s)) === normaliseName(s)));
    const han = fc
      .array(
        fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c)),
        { minLength: 2, maxLength: 6 },
      )
      .map((a) => a.join(''));
    fc.assert(fc.property(han, han, (a, b) => nameProblem(normaliseName(`${a}・${b}`)) === null));
  });
});
