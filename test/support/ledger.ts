import type { Database } from '../../src/db/database.js';
import type { Env } from '../../src/config/env.js';
import type { OrgUnitRow } from '../../src/repositories/org-unit.repository.js';
import { createTeacherRepository } from '../../src/repositories/teacher.repository.js';
import { personalDataCipher } from '../../src/services/personal-data.js';
import { toColumns } from '../../src/services/teacher.service.js';
import { makeRoster } from './roster.js';

let seq = 0;

/** A teacher at a school, written straight to the registry (no audit, no summaries: as an old import left it). */
export async function seedTeacher(
  db: Database,
  env: Env,
  school: OrgUnitRow,
  opts: { gender?: 'male' | 'female'; birthDate?: string; teachingStartYear?: number; seed?: number } = {},
): Promise<number> {
  const p = makeRoster(1, { seed: opts.seed ?? 11, offset: 60_000 + seq++, region: '510104' })[0]!;
  const repo = createTeacherRepository(db);
  const id = await repo.insert({
    ...toColumns(
      {
        name: p.name,
        idType: 'resident',
        idNumber: p.idNumber,
        gender: opts.gender ?? p.gender,
        birthDate: opts.birthDate ?? p.birthDate,
        phone: null,
        stage: 'primary',
        subject: p.subject,
        title: null,
        teachingStartYear: opts.teachingStartYear ?? 2010,
        employment: 'staff',
        headTeacher: false,
        backboneLevel: null,
        subjectLeader: false,
        masterTeacher: false,
        newTeacher: false,
      },
      personalDataCipher(env),
    ),
    orgUnitId: school.id,
    orgPath: school.path,
    provinceId: school.provinceId,
  });
  await repo.openPosting({
    teacherId: id,
    provinceId: school.provinceId,
    orgUnitId: school.id,
    orgPath: school.path,
    startedOn: '2015-09-01',
    reason: null,
    createdBy: null,
  });
  return id;
}
