/**
 * The access-control matrix (R-01): every API route × every role × every place of the target
 * relative to the actor's unit. Expected answers come from the rules written below, not from the
 * policy module, so a change of behaviour in the server makes this file fail.
 *
 * Rules of the product:
 * - admins (province, city, county, school) read, list, search, create below, import, read accounts
 *   and read the audit log inside their own subtree (own unit and below);
 * - a unit's identity (name, code) is changed only from above; its contact fields also by its own admin;
 * - accounts are managed only when their role ranks lower (province 5 > city 4 > county 3 > school 2 > trainer 1 > teacher 0);
 * - trainers and teachers read their own unit and their own account, nothing else;
 * - outside the subtree the answer is 404 (existence is not revealed), inside but not allowed 403;
 * - every refusal is written to the audit log as 'denied'.
 *
 * Credits (R-10 … R-17): cycles and their rules are read by the whole province and set only by its
 * province administrator; credits are registered, certified and verified by school and county
 * administrators, a school's year is signed off by the county, every administrator reads the ledger
 * and the reports of the subtree; a teacher reads their own progress, evidence and certificates and
 * asks for a review; anything of another province is "not found".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import { buildApp, type RouteConfig } from '../src/http/app.js';
import { createServices } from '../src/services/services.js';
import { pathIds, ROLES, roleFitsUnit, type OrgUnitKind, type Role } from '../src/domain/org-tree.js';
import type { OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import { createApiTokenRepository } from '../src/repositories/api-token.repository.js';
import { as, login, type Session } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { addUser, buildTree, type Tree } from './support/fixtures.js';
import { multipartFile, schoolSheet } from './support/upload.js';
import { makeRoster, rosterXlsx } from './support/roster.js';
import { createTeacherRepository } from '../src/repositories/teacher.repository.js';
import { createTeacherImportRepository } from '../src/repositories/teacher-import.repository.js';
import { personalDataCipher } from '../src/services/personal-data.js';
import { toColumns } from '../src/services/teacher.service.js';
import { chinaDay, currentYear } from '../src/config/env.js';
import { addDays } from '../src/domain/calendar.js';
import { createOnlineCourseRepository } from '../src/repositories/online-course.repository.js';
import { tinyMp4 } from './support/study-files.js';
import { runJobsUntilIdle } from '../src/jobs/job-runner.js';
import { createCreditReviewRepository } from '../src/repositories/credit-review.repository.js';
import {
  createCreditVerificationRepository,
  type VerificationStatus,
} from '../src/repositories/credit-verification.repository.js';
import { createJobRepository } from '../src/repositories/job.repository.js';
import { closeCertificatePool } from '../src/services/certificate.service.js';
import type { RequestContext } from '../src/services/context.js';
import type { Services } from '../src/services/services.js';
import { createCourseRepository } from '../src/repositories/course.repository.js';
import { createQuestionRepository } from '../src/repositories/question.repository.js';
import { createTrainingRepository } from '../src/repositories/training.repository.js';
import { createEnrolmentRepository } from '../src/repositories/enrolment.repository.js';
import { issueToken } from '../src/domain/attendance-token.js';
import type { ProjectLevel } from '../src/domain/enrolment.js';
import { createTrainingPlanRepository } from '../src/repositories/training-plan.repository.js';
import type { PlanStatus } from '../src/domain/training-plan.js';
import { createMessageRepository } from '../src/repositories/message.repository.js';
import { notify } from '../src/services/notify.js';
import { countedChars } from '../src/domain/online-course.js';
import { fingerprint, signatureBytes } from '../src/domain/originality.js';
import { createReflectionRepository } from '../src/repositories/reflection.repository.js';
import { reflectionText } from './support/reflection-corpus.js';
import { storeBySha256 } from '../src/services/stored-file.js';
import { createOrgUnitRepository } from '../src/repositories/org-unit.repository.js';
import { publicityHook } from '../src/services/publicity.js';
import { seedExam, seedQuestion, seedSitting } from './support/exam-stats.js';
import { publishList } from '../src/services/publicity.js';
import { recordHonour } from '../src/services/honour.js';
import { DEFAULT_CRITERIA } from '../src/domain/commendation.js';

type UnitKey = keyof Tree;
type Relation = 'own' | 'child' | 'sibling' | 'parent' | 'other';
const RELATIONS: readonly Relation[] = ['own', 'child', 'sibling', 'parent', 'other'];

/** Rank of each role, as the product defines it: a role manages only the roles below it. */
const RANK: Record<Role, number> = {
  province_admin: 5,
  city_admin: 4,
  county_admin: 3,
  school_admin: 2,
  trainer: 1,
  teacher: 0,
};

/** One actor per role, and the unit they belong to (see the tree in test/support/fixtures.ts). */
const ACTORS: Record<Role, { username: string; unit: UnitKey }> = {
  province_admin: { username: 'mx-province', unit: 'P1' },
  city_admin: { username: 'mx-city', unit: 'C1' },
  county_admin: { username: 'mx-county', unit: 'K1' },
  school_admin: { username: 'mx-school', unit: 'S1' },
  trainer: { username: 'mx-trainer', unit: 'I1' },
  teacher: { username: 'mx-teacher', unit: 'S1' },
};

/**
 * The concrete target of each relation, per actor. `null` = n/a: a province has no parent and no
 * sibling under a common parent (the other province is the "other" column); schools and the training
 * institution have no child units. "other" is a unit at the same level in province P2.
 */
const TARGETS: Record<Role, Record<Relation, UnitKey | null>> = {
  province_admin: { own: 'P1', child: 'C1', sibling: null, parent: null, other: 'P2' },
  city_admin: { own: 'C1', child: 'K1', sibling: 'C2', parent: 'P1', other: 'C3' },
  county_admin: { own: 'K1', child: 'S1', sibling: 'K2', parent: 'C1', other: 'K3' },
  school_admin: { own: 'S1', child: null, sibling: 'S2', parent: 'K1', other: 'S5' },
  trainer: { own: 'I1', child: null, sibling: 'S2', parent: 'K1', other: 'S5' },
  teacher: { own: 'S1', child: null, sibling: 'S2', parent: 'K1', other: 'S5' },
};

/** ok = 2xx; hidden = 2xx without the target in the list; forbidden = 403; not_found = 404; invalid = 400 with the rule's code */
type Outcome = 'ok' | 'hidden' | 'forbidden' | 'not_found' | 'invalid';

interface Rule {
  /** relations at which each role succeeds; a role not listed succeeds nowhere */
  allow: Partial<Record<Role, readonly Relation[]>>;
  /** roles refused (403) wherever the target is */
  refused?: readonly Role[];
  /** answer out of the actor's reach: 404 by default; 'hidden' for a search that filters by subtree */
  outside?: 'not_found' | 'hidden';
  /** relations inside the actor's reach (refused there with 403, 404 beyond): the subtree by default; the province for cycles */
  reach?: readonly Relation[];
  /** the reach of some roles, where it differs from `reach` (e.g. a trainer, whose subtree holds no teachers) */
  reachOf?: Partial<Record<Role, readonly Relation[]>>;
  /** where allowed, the use case applies only to these kinds of target unit */
  kinds?: { only: readonly OrgUnitKind[]; otherwise: 'forbidden' | { invalid: string } };
}

interface Case {
  role: Role;
  relation: Relation;
  username: string;
  userId: number;
  own: OrgUnitRow;
  target: OrgUnitRow;
  seq: number;
}

interface Entry {
  /** 'METHOD /url' exactly as registered */
  route: string;
  variant?: string;
  /** 'unit': about a target unit (all relations); 'self': about the actor (own relation only) */
  about: 'unit' | 'self';
  rule: Rule;
  request(c: Case): InjectOptions | Promise<InjectOptions>;
  /** what a 2xx must show (may look in the database); answers a problem or null */
  verify?(body: unknown, c: Case, res: LightMyRequestResponse): string | null | Promise<string | null>;
  /** for an 'hidden' outcome, when the list's items are not units: whether the target's things are absent (problem or null) */
  unlisted?(body: unknown, c: Case): string | null | Promise<string | null>;
  /** the kinds of unit the thing acted on can live at (a course at a province, city or county): other targets are n/a */
  at?: readonly OrgUnitKind[];
}

const ADMINS = ['province_admin', 'city_admin', 'county_admin', 'school_admin'] as const satisfies readonly Role[];
const STAFF = ['trainer', 'teacher'] as const satisfies readonly Role[];
const SUBTREE: readonly Relation[] = ['own', 'child'];
const BELOW: readonly Relation[] = ['child'];
const OWN: readonly Relation[] = ['own'];
const forRoles = (roles: readonly Role[], rels: readonly Relation[]): Partial<Record<Role, readonly Relation[]>> =>
  Object.fromEntries(roles.map((r) => [r, rels]));

/** The kind of child a create body asks for under each kind of parent (schools and institutions hold none: asked anyway, refused). */
const CHILD_KIND: Record<OrgUnitKind, OrgUnitKind> = {
  province: 'city',
  city: 'county',
  county: 'school',
  township: 'school',
  school: 'school',
  institution: 'school',
};
const IMPORT_KINDS: readonly OrgUnitKind[] = ['county', 'township'];

/** The account a request about users acts on: the highest role below the actor that may live at the target unit. */
function lowerRoleAt(actor: Role, kind: OrgUnitKind): Role {
  const lower = ROLES.filter((r) => RANK[r] < RANK[actor] && roleFitsUnit(r, kind));
  // trainers and teachers outrank nobody who can live there: any account will do, they are refused anyway
  return lower[0] ?? (roleFitsUnit('teacher', kind) ? 'teacher' : 'trainer');
}

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
const registered: Array<{ method: string; url: string; config: RouteConfig }> = [];
const sessions = new Map<Role, Session>();
const userIds = new Map<Role, number>();
/** accounts acted upon by the user routes, by `${unitId}:${role}` */
const victims = new Map<string, number>();
let seq = 0;

const victim = (c: Case): number => victims.get(`${c.target.id}:${lowerRoleAt(c.role, c.target.kind)}`)!;
const itemsOf = (body: unknown): Array<{ id: number }> => (body as { items?: Array<{ id: number }> }).items ?? [];
const json = (body: unknown) => body as Record<string, Record<string, unknown>>;

const SCHOOLS: readonly UnitKey[] = ['S1', 'S2', 'S4', 'S3', 'S6', 'S5'];
/** The first school under `unit`; for the parent relation one outside the actor's own subtree. */
function schoolUnder(unit: OrgUnitRow, notUnder?: OrgUnitRow): OrgUnitRow {
  return (
    SCHOOLS.map((k) => tree[k]).find(
      (s) => s.path.startsWith(unit.path) && !(notUnder && s.path.startsWith(notUnder.path)),
    ) ?? tree.S1
  );
}
const teacherAtSchool = new Map<number, number>();
/** name and ID number of every teacher seeded, by id (what a registration sheet identifies them by) */
const personOf = new Map<number, { name: string; idNumber: string }>();
let personSeq = 0;

/** A teacher put straight into the registry at a school (the matrix tests the routes, not the import). */
async function seedTeacher(school: OrgUnitRow): Promise<number> {
  const p = makeRoster(1, { seed: 3, offset: 50_000 + personSeq++ })[0]!;
  const repo = createTeacherRepository(t.db);
  const id = await repo.insert({
    ...toColumns(
      {
        name: p.name,
        idType: 'resident',
        idNumber: p.idNumber,
        gender: p.gender,
        birthDate: p.birthDate,
        phone: p.phone,
        stage: 'primary',
        subject: p.subject,
        title: null,
        teachingStartYear: p.teachingStartYear,
        employment: 'staff',
        headTeacher: false,
        backboneLevel: null,
        subjectLeader: false,
        masterTeacher: false,
        newTeacher: false,
      },
      personalDataCipher(t.env),
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
    startedOn: '2020-09-01',
    reason: null,
    createdBy: null,
  });
  personOf.set(id, { name: p.name, idNumber: p.idNumber });
  return id;
}
const teacherOf = (c: Case) =>
  teacherAtSchool.get(schoolUnder(c.target, c.relation === 'parent' ? c.own : undefined).id)!;
/** An upload checked at the target unit, ready to read, commit or discard. */
async function importAt(c: Case): Promise<number> {
  return createTeacherImportRepository(t.db).insert({
    provinceId: c.target.provinceId,
    orgUnitId: c.target.id,
    orgPath: c.target.path,
    createdBy: userIds.get('province_admin')!,
    fileName: `mx-${c.seq}.xlsx`,
    fileSha256: crypto.randomBytes(32),
    totalRows: 0,
    summary: { total: 0, create: 0, update: 0, unchanged: 0, transfer: 0, error: 0 },
    errors: [],
  });
}
const TEACHER_READERS = forRoles(ADMINS, SUBTREE);

// ------------------------------------------------------------------ credits: what the rows stand on

const CREDIT_WRITERS = { county_admin: SUBTREE, school_admin: SUBTREE } as const;
/** every unit of the actor's province: cycles are read there, and refused (not hidden) to those who may not set them */
const PROVINCE: readonly Relation[] = ['own', 'child', 'sibling', 'parent'];
/** the teacher reads what is their own: progress, evidence of their entries, certificates */
const OWN_OR_ADMIN = { ...forRoles(ADMINS, SUBTREE), teacher: OWN };
const PDF = Buffer.from('%PDF-1.4\n% matrix evidence\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
let services: Services;
let dataDir: string;
let year: number;
/** per province: the current cycle, and two past ones that hold the annual verifications */
const cycles = new Map<number, { current: number; pastA: number; pastB: number }>();
/** a county-level registrar of each province, for what the rows need prepared through the services */
const seeders = new Map<number, RequestContext>();
const evidenceAt = new Map<number, number>();
const certificateAt = new Map<number, number>();
const schoolOf = (c: Case) => schoolUnder(c.target, c.relation === 'parent' ? c.own : undefined);
const cycleOf = (c: Case) => cycles.get(c.target.provinceId)!;
const seederOf = (unit: OrgUnitRow) => seeders.get(unit.provinceId)!;
const problem = (ok: boolean, what: string) => (ok ? null : what);
/** a fresh entry of a teacher, registered through the service */
async function entryOf(teacherId: number, school: OrgUnitRow, tag: string): Promise<number> {
  const r = await services.credits.register(seederOf(school), [
    {
      teacherId,
      hours: 20,
      occurredOn: `${year}-01-01`,
      title: `矩阵准备 ${tag}`,
      categories: [],
      idemKey: `mx-prep-${tag}`,
    },
  ]);
  return r.entries[0]!.id;
}
/** The verification of a school's year in a past cycle, put in the state a row needs. Years are apart per row and role, so no two actors share one. */
async function verificationAt(
  school: OrgUnitRow,
  cycleId: number,
  y: number,
  status: VerificationStatus,
): Promise<number> {
  const repo = createCreditVerificationRepository(t.db);
  const id =
    (await repo.insert({
      provinceId: school.provinceId,
      cycleId,
      year: y,
      orgUnitId: school.id,
      orgPath: school.path,
      openedBy: userIds.get('province_admin')!,
    })) ?? (await repo.findFor(cycleId, y, school.id))!.id;
  await t.db.updateTable('credit_verification').set({ status }).where('id', '=', id).execute();
  return id;
}
const ROLE_INDEX = (r: Role) => ROLES.indexOf(r);

// ------------------------------------------------------------------ training delivery: what the rows stand on

/** Units that keep a course catalogue (R-13); a course lives nowhere else. */
const CATALOGUE: readonly OrgUnitKind[] = ['province', 'city', 'county'];
/** Units that run training projects (a training institution holds no admins and runs none). */
const ORGANISERS: readonly OrgUnitKind[] = ['province', 'city', 'county', 'township', 'school'];
const COURSE_KEEPERS = ['province_admin', 'city_admin', 'county_admin'] as const satisfies readonly Role[];
/** the actor's line of the tree: their subtree and the units above (what is published there) */
const LINE: readonly Relation[] = ['own', 'child', 'parent'];
const NOT_TRAINER = [
  'province_admin',
  'city_admin',
  'county_admin',
  'school_admin',
  'teacher',
] as const satisfies readonly Role[];
const NOT_TEACHER = [
  'province_admin',
  'city_admin',
  'county_admin',
  'school_admin',
  'trainer',
] as const satisfies readonly Role[];
const NOT_SCHOOL_ADMIN = [
  'province_admin',
  'city_admin',
  'county_admin',
  'trainer',
  'teacher',
] as const satisfies readonly Role[];
/** the matrix's trainer (at I1, under K1) teaches the classes of K1's projects: "parent" from where they stand */
const RUNNERS = { ...forRoles(ADMINS, SUBTREE), trainer: ['parent'] as readonly Relation[] };
const LEVEL: Record<OrgUnitKind, ProjectLevel> = {
  province: 'province',
  city: 'city',
  county: 'county',
  township: 'school',
  school: 'school',
  institution: 'school',
};
/** per catalogue unit: a course with a file among its materials */
const courseAt = new Map<number, number>();
/** per organiser unit: an open project with a class (the schools' teachers below enrolled, one session now) and a draft project */
const seededAt = new Map<number, { open: number; draft: number; classId: number; sessionId: number }>();
const seeded = (unit: OrgUnitRow) => seededAt.get(unit.id)!;
/** per organiser unit: a closed exam of its open project, sat by the teacher of every school below */
const statsExamAt = new Map<number, number>();
/** per organiser unit: the seeded class is online, its course's video item open for study now */
const sessionItemAt = new Map<number, number>();
/** Makes a seeded class online: a course of the unit with one chapter and one video, open a month either side of today. */
async function makeOnline(unit: OrgUnitRow, classId: number): Promise<number> {
  const courseId = await newCourse(unit, `在线${unit.id}`);
  const chapter = await t.db
    .insertInto('course_chapter')
    .values({ course_id: courseId, position: 0, title: '第一章' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const file = await t.db
    .insertInto('study_file')
    .values({
      province_id: unit.provinceId,
      course_id: courseId,
      kind: 'video',
      file_name: '矩阵.mp4',
      mime_type: 'video/mp4',
      size_bytes: 1000,
      sha256: crypto.randomBytes(32).toString('hex'),
      duration_seconds: 600,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const item = await t.db
    .insertInto('course_item')
    .values({
      course_id: courseId,
      chapter_id: chapter.id,
      position: 0,
      kind: 'video',
      title: '矩阵视频',
      required_minutes: 10,
      file_id: file.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const day = (d: number) => chinaDay(new Date(Date.now() + d * 86_400_000));
  await t.db
    .updateTable('training_class')
    .set({ course_id: courseId, study_opens_on: day(-30), study_closes_on: day(30) })
    .where('id', '=', classId)
    .execute();
  return item.id;
}
/**
 * A study session at the target's seeded class: the matrix teacher's when they hold a place in it,
 * else that of a teacher of a school below the target (another teacher's session, for the teacher).
 */
async function studySession(c: Case): Promise<number> {
  const classId = seeded(c.target).classId;
  const own = teacherAtSchool.get(tree.S1.id)!;
  const place = await t.db
    .selectFrom('enrolment')
    .select(['teacher_id', 'org_path', 'province_id'])
    .where('class_id', '=', classId)
    .where('status', '=', 'enrolled')
    .orderBy(sql`teacher_id = ${own}`, 'desc')
    .orderBy('teacher_id')
    .executeTakeFirstOrThrow();
  const r = await t.db
    .insertInto('study_session')
    .values({
      province_id: place.province_id,
      class_id: classId,
      item_id: sessionItemAt.get(c.target.id)!,
      teacher_id: place.teacher_id,
      org_path: place.org_path,
      rule: JSON.stringify({}),
      presence_key: crypto.randomBytes(32),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}
const unitOf = (id: number) => Object.values(tree).find((u) => u.id === id)!;
/** the nearest unit at or above `unit` that keeps a catalogue */
const catalogueOf = (unit: OrgUnitRow) =>
  pathIds(unit.path)
    .reverse()
    .map(unitOf)
    .find((u) => u && CATALOGUE.includes(u.kind))!;
const childOf = (unit: OrgUnitRow) => Object.values(tree).find((u) => u.parentId === unit.id);
/** a session under way: check-in open now */
const sessionNow = () => {
  const now = Date.now();
  return {
    startsAt: new Date(now - 30 * 60_000),
    endsAt: new Date(now + 2 * 3_600_000),
    place: '矩阵教室',
    onlineUrl: null,
    checkinOpensAt: new Date(now - 3_600_000),
    checkinClosesAt: new Date(now + 3_600_000),
  };
};
const sessionBody = (place: string) => {
  const s = sessionNow();
  return {
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    place,
    checkinOpensAt: s.checkinOpensAt.toISOString(),
    checkinClosesAt: s.checkinClosesAt.toISOString(),
  };
};
/** a course of its own for a row that changes one */
/** per catalogue unit: a question of its bank */
const questionAt = new Map<number, number>();
/** A question of a unit's bank (archived when asked). */
async function newQuestion(unit: OrgUnitRow, tag: string, archived = false): Promise<number> {
  const id = await createQuestionRepository(t.db).insert({
    kind: 'single',
    stem: `矩阵试题${tag}`,
    options: [
      { key: 'A', text: '甲' },
      { key: 'B', text: '乙' },
    ],
    answer: 'A',
    explanation: '',
    module: '师德',
    subject: '',
    stage: '',
    difficulty: 3,
    shuffleOptions: true,
    provinceId: unit.provinceId,
    orgUnitId: unit.id,
    orgPath: unit.path,
    createdBy: null,
  });
  if (archived) await createQuestionRepository(t.db).setArchived(id, true);
  return id;
}
/** Readers of a bank: admins on their line of the tree; the matrix trainer, named for K1's bank, there (their "parent"). */
const BANK_READERS = { ...forRoles(ADMINS, LINE), trainer: ['parent'] as readonly Relation[] };
/** Keepers of a bank: province, city and county admins in their subtree; the matrix trainer at K1. */
const BANK_KEEPERS = { ...forRoles(COURSE_KEEPERS, SUBTREE), trainer: ['parent'] as readonly Relation[] };
/** a trainer named for no other bank: every other unit is out of their reach */
const TRAINER_OUT = { trainer: [] as readonly Relation[] };

async function newCourse(unit: OrgUnitRow, tag: string, archived = false): Promise<number> {
  const id = await createCourseRepository(t.db).insert({
    title: `矩阵课程${tag}`,
    category: 'required',
    module: '师德',
    form: 'centralised',
    hours: 30,
    creditCategories: [],
    stages: [],
    subjects: [],
    description: null,
    materials: [],
    provinceId: unit.provinceId,
    orgUnitId: unit.id,
    orgPath: unit.path,
    createdBy: null,
  });
  if (archived) await t.db.updateTable('course').set({ archived: true }).where('id', '=', id).execute();
  return id;
}
/** a project of its own for a row that changes one (a year apart from the seeded ones, which the list rows look at) */
async function newProject(
  unit: OrgUnitRow,
  tag: string,
  status: 'draft' | 'open' = 'draft',
  y = year + 1,
): Promise<number> {
  const repo = createTrainingRepository(t.db);
  const id = await repo.insertProject({
    level: LEVEL[unit.kind],
    title: `矩阵项目${tag}`,
    description: null,
    year: y,
    registrationOpens: null,
    registrationCloses: null,
    eligibility: {},
    completionRule: { minAttendancePct: 80, assessmentRequired: false },
    hours: 120,
    creditCategories: [],
    provinceId: unit.provinceId,
    orgUnitId: unit.id,
    orgPath: unit.path,
    createdBy: userIds.get('province_admin')!,
  });
  if (status === 'open') await repo.moveProject(id, 'draft', 'open');
  return id;
}
/** an open class of an open project of its own; the matrix's trainer teaches it when K1 runs it */
async function newClass(unit: OrgUnitRow, tag: string): Promise<number> {
  const repo = createTrainingRepository(t.db);
  const projectId = await newProject(unit, tag, 'open');
  const classId = await repo.insertClass({
    projectId,
    provinceId: unit.provinceId,
    orgPath: unit.path,
    name: `矩阵班${tag}`,
    capacity: 1000,
  });
  if (unit.id === tree.K1.id) await repo.setTrainers(classId, [userIds.get('trainer')!]);
  return classId;
}
/** a teacher enrolled in a class, put straight into the table */
async function enrolDirect(classId: number, teacherId: number): Promise<number> {
  const tr = await t.db
    .selectFrom('teacher')
    .select(['province_id', 'org_unit_id', 'org_path'])
    .where('id', '=', teacherId)
    .executeTakeFirstOrThrow();
  const repo = createEnrolmentRepository(t.db);
  const [id] = await repo.insert([
    {
      classId,
      teacherId,
      provinceId: tr.province_id,
      orgUnitId: tr.org_unit_id,
      orgPath: tr.org_path,
      status: 'enrolled',
      source: 'nominated',
      quotaUnitId: null,
      createdBy: userIds.get('province_admin')!,
    },
  ]);
  await repo.addToCounters(classId, 1, 0);
  return id!;
}
/** a class of its own with the teacher of the first school under the target enrolled (what the trainer's rows act on) */
async function runClass(c: Case): Promise<{ classId: number; teacherId: number }> {
  const classId = await newClass(c.target, `run-${c.seq}`);
  const teacherId = teacherAtSchool.get(schoolUnder(c.target).id)!;
  await enrolDirect(classId, teacherId);
  return { classId, teacherId };
}
const projectsOf = (b: unknown) => itemsOf(b).map((p) => p.id);

// ------------------------------------------------------------------ reflections (R-35): what the rows stand on

/** per organiser unit: an online class of the catalogue's course (the schools' teachers below enrolled) and a reflection in it */
const onlineAtUnit = new Map<number, { classId: number; reflectionId: number }>();
const reflectedAt = (unit: OrgUnitRow) => onlineAtUnit.get(unit.id)!;
/** whose reflection a teacher row acts on: the matrix teacher's where they hold a place, else the first school's teacher below */
const reflectionAuthor = (c: Case) =>
  c.role === 'teacher' && (c.relation === 'own' || c.relation === 'parent')
    ? teacherAtSchool.get(tree.S1.id)!
    : teacherAtSchool.get(schoolUnder(c.target).id)!;
/** A reflection stored straight into the tables, with its band rows (the text from the seed). */
async function reflectionIn(
  classId: number,
  teacherId: number,
  title: string,
  seed: number,
  body?: string,
): Promise<number> {
  const text = body ?? reflectionText(seed, 300);
  const cls = await t.db
    .selectFrom('training_class')
    .select(['course_id', 'province_id'])
    .where('id', '=', classId)
    .executeTakeFirstOrThrow();
  const teacher = await t.db
    .selectFrom('teacher')
    .select('org_path')
    .where('id', '=', teacherId)
    .executeTakeFirstOrThrow();
  const fp = fingerprint(text);
  const repo = createReflectionRepository(t.db);
  const id = await repo.insert({
    provinceId: cls.province_id,
    classId,
    courseId: cls.course_id!,
    teacherId,
    orgPath: teacher.org_path,
    title,
    body: text,
    chars: countedChars(text),
    similarity: 0,
    counts: true,
    matchedRanges: [],
    matchedKind: null,
    matchedReflectionId: null,
    signature: signatureBytes(fp.signature),
  });
  await repo.insertBands(cls.course_id!, id, fp.bands);
  return id;
}
/** At every organiser unit an online class with a study window open now; in it two near-identical reflections (a cluster). */
async function prepareReflections(): Promise<void> {
  const training = createTrainingRepository(t.db);
  for (const u of Object.values(tree)) {
    if (!ORGANISERS.includes(u.kind)) continue;
    const projectId = await newProject(u, `网络${u.id}`, 'open', year);
    const classId = await training.insertClass({
      projectId,
      provinceId: u.provinceId,
      orgPath: u.path,
      name: `矩阵网络班${u.id}`,
      capacity: 1000,
    });
    await t.db
      .updateTable('training_class')
      .set({
        course_id: courseAt.get(catalogueOf(u).id)!,
        study_opens_on: `${year - 1}-01-01`,
        study_closes_on: `${year + 1}-12-31`,
      })
      .where('id', '=', classId)
      .execute();
    for (const k of SCHOOLS)
      if (tree[k].path.startsWith(u.path)) await enrolDirect(classId, teacherAtSchool.get(tree[k].id)!);
    if (u.id === tree.K1.id) await training.setTrainers(classId, [userIds.get('trainer')!]);
    const author = teacherAtSchool.get(schoolUnder(u).id)!;
    const text = reflectionText(80_000 + u.id, 300);
    const reflectionId = await reflectionIn(classId, author, `矩阵种子心得${u.id}`, 0, text);
    await reflectionIn(classId, author, `矩阵种子心得${u.id}（再交）`, 0, text);
    onlineAtUnit.set(u.id, { classId, reflectionId });
  }
}

// ------------------------------------------------------------------ annual plans (R-20): what the rows stand on

/** Units that write annual plans (a training institution holds no admins and writes none). */
const PLANNERS: readonly OrgUnitKind[] = ['province', 'city', 'county', 'township', 'school'];
/** plans apply downward: a unit reads its own, the plans above it, and an admin those below */
const PLAN_READERS = { ...forRoles(ADMINS, LINE), ...forRoles(STAFF, ['own', 'parent'] as const) };
const PLAN_ROWS = [
  'read',
  'get',
  'versions',
  'version',
  'export',
  'submit',
  'publish',
  'reopen',
  'approve',
  'return',
  'calendar',
  'save',
  'queue',
] as const;
/** a year per plan row and role, so no two actors act on one plan (one plan per unit and year) */
const planYear = (row: (typeof PLAN_ROWS)[number], c: Case) =>
  2001 + PLAN_ROWS.indexOf(row) * ROLES.length + ROLE_INDEX(c.role);
/** a plan with one calendar line at a unit, put straight into the tables in the status a row needs; approved and published ones with their version */
async function planAt(
  unit: OrgUnitRow,
  status: PlanStatus,
  y: number,
): Promise<{ id: number; versionId: number | null }> {
  const repo = createTrainingPlanRepository(t.db);
  const by = userIds.get('province_admin')!;
  const { plan } = await repo.lockOrCreate({
    provinceId: unit.provinceId,
    orgUnitId: unit.id,
    orgPath: unit.path,
    year: y,
    title: `矩阵计划${unit.id}-${y}`,
    createdBy: by,
  });
  const line = {
    month: 3,
    title: `矩阵活动${unit.id}-${y}`,
    form: null,
    responsibleUnitId: null,
    responsible: null,
    projectId: null,
    notes: null,
  };
  await repo.replaceItems(plan.id, [line]);
  await t.db
    .updateTable('training_plan')
    .set({ status, version: status === 'draft' ? 0 : 1 })
    .where('id', '=', plan.id)
    .execute();
  const versionId =
    status === 'published' || status === 'approved' || status === 'submitted'
      ? await repo.insertVersion({
          planId: plan.id,
          version: 1,
          event: status,
          content: {
            title: plan.title,
            summary: null,
            items: [{ ...line, responsibleUnitName: null, projectTitle: null }],
          },
          comment: null,
          actorId: by,
        })
      : null;
  return { id: plan.id, versionId };
}
const planStatusOf = async (id: number) =>
  (await t.db.selectFrom('training_plan').select('status').where('id', '=', id).executeTakeFirst())?.status;

// ------------------------------------------------------------------ online study (R-20 网络): what the rows stand on

/** per catalogue unit: its seeded course's chapter, text item and video, and an online class of it (window open) */
const onlineAt = new Map<number, { classId: number; chapterId: number; itemId: number; fileId: number }>();
const online = (unit: OrgUnitRow) => onlineAt.get(unit.id)!;
const MATRIX_MP4 = tinyMp4({ seconds: 30 });
/** a course of its own with one chapter (and a text item in it), for a row that changes content */
async function courseWithContent(
  unit: OrgUnitRow,
  tag: string,
): Promise<{ courseId: number; chapterId: number; itemId: number }> {
  const courseId = await newCourse(unit, tag);
  const chapterId = (
    await t.db
      .insertInto('course_chapter')
      .values({ course_id: courseId, title: `矩阵章${tag}`, position: 0 })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const itemId = (
    await t.db
      .insertInto('course_item')
      .values({
        course_id: courseId,
        chapter_id: chapterId,
        position: 0,
        kind: 'text',
        title: `矩阵页${tag}`,
        required_minutes: 10,
        body: '矩阵正文',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  return { courseId, chapterId, itemId };
}
/** the rules a course's online settings row sends */
const ONLINE_RULES = {
  studyRule: {
    maxSpeed: 2,
    allowSeek: false,
    presenceMinMinutes: 10,
    presenceMaxMinutes: 20,
    presenceTimeoutSeconds: 60,
  },
  completionRule: {
    homeworkRequired: true,
    postsRequired: 2,
    minPostChars: 20,
    reflectionsRequired: 5,
    minReflectionChars: 200,
    similarityThreshold: 0.5,
  },
};
/** who reads an online class's outline: its enrolled teachers (S1's are in K1's), its trainers (K1's), the organiser's admins */
const STUDY_READERS = { ...forRoles(ADMINS, SUBTREE), trainer: ['parent'], teacher: ['parent'] } as Partial<
  Record<Role, readonly Relation[]>
>;

// ------------------------------------------------------------------ trainer and expert pool (R-51): what the rows stand on

/** per unit: an entry of its pool, linked to a trainer account of the unit that teaches the unit's seeded class, with one line of own training */
const poolAt = new Map<number, Promise<{ id: number; userId: number }>>();
function pooled(unit: OrgUnitRow): Promise<{ id: number; userId: number }> {
  let p = poolAt.get(unit.id);
  if (!p) {
    p = (async () => {
      const userId = await addUser(t.db, unit, 'trainer', `mx-pool-${unit.id}`);
      const id = (
        await t.db
          .insertInto('trainer_profile')
          .values({
            province_id: unit.provinceId,
            org_unit_id: unit.id,
            org_path: unit.path,
            kind: 'trainer',
            name: `矩阵培训者${unit.id}`,
            level: 'county',
            user_id: userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      const s = seededAt.get(unit.id);
      if (s) await t.db.insertInto('training_class_trainer').values({ class_id: s.classId, user_id: userId }).execute();
      await t.db
        .insertInto('trainer_training')
        .values({ trainer_id: id, title: '矩阵研修', starts_on: `${year}-03-01`, ends_on: `${year}-03-02`, hours: 40 })
        .execute();
      return { id, userId };
    })();
    poolAt.set(unit.id, p);
  }
  return p;
}
/** an entry of its own for a row that changes one */
async function newPooled(unit: OrgUnitRow, tag: string): Promise<number> {
  return (
    await t.db
      .insertInto('trainer_profile')
      .values({
        province_id: unit.provinceId,
        org_unit_id: unit.id,
        org_path: unit.path,
        kind: 'expert',
        name: `矩阵专家${tag}`,
        level: 'city',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}
/** the matrix's trainer in the pool of their own unit (what GET /api/trainers/me shows them) */
let ownPool: Promise<number> | undefined;
const ownPooled = () =>
  (ownPool ??= (async () =>
    (
      await t.db
        .insertInto('trainer_profile')
        .values({
          province_id: tree.I1.provinceId,
          org_unit_id: tree.I1.id,
          org_path: tree.I1.path,
          kind: 'trainer',
          name: '矩阵本人',
          level: 'county',
          user_id: userIds.get('trainer')!,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id)());

// ------------------------------------------------------------------ fees (R-50): what the rows stand on

/** the organiser's province, city and county admins set fees; a school reads its own */
const FEE_MANAGERS = ['province_admin', 'city_admin', 'county_admin'] as const satisfies readonly Role[];
/** a fee of its own on the seeded open project of the unit (so the teachers below it are enrolled) */
async function feeItemAt(unit: OrgUnitRow, tag: string, archived = false): Promise<number> {
  return (
    await t.db
      .insertInto('fee_item')
      .values({
        project_id: seeded(unit).open,
        province_id: unit.provinceId,
        org_path: unit.path,
        name: `矩阵费用${tag}`,
        kind: 'registration',
        amount_fen: 8_000,
        archived,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}
/** the paying unit of a project run at `unit`: its first child, or the school itself */
const payerOf = (unit: OrgUnitRow): OrgUnitRow => (unit.kind === 'school' ? unit : childOf(unit)!);
const feeLinesOf = (b: unknown) =>
  (b as { lines?: Array<{ itemId: number; unitId: number; teachers: number }> }).lines ?? [];

// ------------------------------------------------------------------ message centre: what the rows stand on

/** a message in the actor's own inbox, as a use case writes it */
async function messageTo(c: Case, note: string): Promise<number> {
  await t.db
    .transaction()
    .execute((trx) => notify(trx, { to: { users: [c.userId] }, kind: 'reminder', params: { topic: 'general', note } }));
  // by its note: other rows running beside this one may send the same account messages (a spot-check's draw)
  const row = await t.db
    .selectFrom('message')
    .select('id')
    .where('recipient_id', '=', c.userId)
    .where(sql`params->>'note'`, '=', note)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return row.id;
}
/** a notice published at the actor's own unit */
function noticeAt(c: Case, tag: string): Promise<number> {
  return createMessageRepository(t.db).insertNotice({
    provinceId: c.own.provinceId,
    orgUnitId: c.own.id,
    orgPath: c.own.path,
    title: `矩阵通知${tag}`,
    body: '矩阵',
    publishedBy: c.userId,
  });
}

// ------------------------------------------------------------------ homework and forums of online classes: what the rows stand on

/**
 * per organiser unit: an online class (a course of the catalogue above, the teachers of the schools below
 * enrolled, K1's taught by the matrix's trainer) with an assignment, a submission with a file by the teacher
 * of the first school below, and a topic with its opening post
 */
const studyAt = new Map<
  number,
  { classId: number; assignmentId: number; submissionId: number; fileId: number; topicId: number; postId: number }
>();
const study = (unit: OrgUnitRow) => studyAt.get(unit.id)!;
/** the teacher whose work the rows at a unit act on: of the first school below it */
const studentOf = (unit: OrgUnitRow) => teacherAtSchool.get(schoolUnder(unit).id)!;
/** tutors: the class's trainers and the organiser's subtree; teachers are refused */
const TUTORS: Rule = { allow: RUNNERS, refused: ['teacher'] };
/** everyone in the class: its tutors and its teachers (the matrix's teacher holds a place at S1's and K1's) */
const CLASS_MEMBERS: Rule = { allow: { ...RUNNERS, teacher: ['own', 'parent'] } };
/** what only the class's teachers do */
const STUDENTS: Rule = { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER };
const HOMEWORK_PDF = Buffer.from('%PDF-1.4\n% matrix homework\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

/** an online class of its own at a unit */
async function newOnlineClass(unit: OrgUnitRow, tag: string): Promise<number> {
  const classId = await newClass(unit, tag);
  await t.db
    .updateTable('training_class')
    .set({
      course_id: courseAt.get(catalogueOf(unit).id)!,
      study_opens_on: `${year}-01-01`,
      study_closes_on: `${year + 1}-12-31`,
    })
    .where('id', '=', classId)
    .execute();
  for (const k of SCHOOLS)
    if (tree[k].path.startsWith(unit.path)) await enrolDirect(classId, teacherAtSchool.get(tree[k].id)!);
  return classId;
}
async function assignmentIn(classId: number, title: string, blind = false): Promise<number> {
  const { province_id } = await t.db
    .selectFrom('training_class')
    .select('province_id')
    .where('id', '=', classId)
    .executeTakeFirstOrThrow();
  return (
    await t.db
      .insertInto('homework_assignment')
      .values({
        province_id,
        class_id: classId,
        title,
        due_at: new Date(Date.now() + 7 * 86_400_000),
        grading: 'grade',
        blind,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}
/** a teacher's submission (version 1), waiting or graded as passed */
async function submissionIn(
  assignmentId: number,
  teacherId: number,
  status: 'submitted' | 'graded' = 'submitted',
): Promise<number> {
  const a = await t.db
    .selectFrom('homework_assignment')
    .select(['province_id', 'class_id'])
    .where('id', '=', assignmentId)
    .executeTakeFirstOrThrow();
  const tr = await t.db.selectFrom('teacher').select('org_path').where('id', '=', teacherId).executeTakeFirstOrThrow();
  const graded = status === 'graded' ? { grade: 'good', passed: true } : {};
  const id = (
    await t.db
      .insertInto('homework_submission')
      .values({
        province_id: a.province_id,
        assignment_id: assignmentId,
        class_id: a.class_id,
        teacher_id: teacherId,
        org_path: tr.org_path,
        anon_code: String(assignmentId % 10_000).padStart(4, '0'),
        status,
        version: 1,
        late: false,
        submitted_at: new Date(),
        ...graded,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await t.db
    .insertInto('homework_version')
    .values({ submission_id: id, version: 1, body: '矩阵作业', late: false, ...graded })
    .execute();
  return id;
}
/** a fresh submission of the target's teacher in the target's online class */
const freshSubmission = async (c: Case, status: 'submitted' | 'graded' = 'submitted') =>
  submissionIn(await assignmentIn(study(c.target).classId, `矩阵作业${c.seq}`), studentOf(c.target), status);
/** a post of the seeded topic of the target's online class, shown or hidden */
async function postIn(unit: OrgUnitRow, body: string, hidden = false): Promise<number> {
  const { classId, topicId } = study(unit);
  return (
    await t.db
      .insertInto('forum_post')
      .values({
        province_id: unit.provinceId,
        class_id: classId,
        topic_id: topicId,
        author_id: userIds.get('province_admin')!,
        teacher_id: studentOf(unit),
        opening: false,
        body,
        chars: body.length,
        counts: !hidden,
        why_not: hidden ? 'hidden' : null,
        hidden_at: hidden ? new Date() : null,
        hidden_reason: hidden ? '矩阵隐藏' : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

// ------------------------------------------------------------------ LRS clients and the review queue: what the rows stand on

/** Bureaus keep the credentials of reporting platforms and their review queue (a school keeps none). */
const LRS_MANAGERS = ['province_admin', 'city_admin', 'county_admin'] as const satisfies readonly Role[];

/** A reporting platform's client kept at the unit (inserted straight: the rows test the routes). */
async function lrsClientAt(unit: OrgUnitRow, tag: string): Promise<number> {
  const r = await t.db
    .insertInto('lrs_client')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      name: `矩阵平台${tag}`,
      api_key: `mx${crypto.randomBytes(8).toString('hex')}`,
      secret_hash: crypto.randomBytes(32),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A client at the unit with one statement of an actor that matched nobody, waiting in the review queue. */
async function waitingActorAt(unit: OrgUnitRow, tag: string): Promise<{ clientId: number; actorIfi: string }> {
  const clientId = await lrsClientAt(unit, tag);
  const actorIfi = `A|mbox|mailto:mx-${tag}@example.cn`;
  const id = crypto.randomUUID();
  await t.db
    .insertInto('xapi_statement')
    .values({
      province_id: unit.provinceId,
      id,
      client_id: clientId,
      client_path: unit.path,
      match_status: 'unmatched',
      stored: new Date(),
      ts: new Date(),
      verb_id: 'http://adlnet.gov/expapi/verbs/completed',
      actor_ifi: actorIfi,
      object_kind: 'Activity',
      object_id: 'https://mx.example.cn/course/1',
      body: JSON.stringify({ id, actor: { mbox: `mailto:mx-${tag}@example.cn` } }),
    })
    .execute();
  return { clientId, actorIfi };
}
const statusOfActor = async (clientId: number) =>
  await t.db
    .selectFrom('xapi_statement')
    .select(['match_status', 'teacher_id'])
    .where('client_id', '=', clientId)
    .executeTakeFirstOrThrow();

// ------------------------------------------------------------------ spot-checks (抽测, R-34): what the rows stand on

/** Spot-checks are organised by a bureau; the rows act on one at the target in the state they need. */
const BUREAUS: readonly OrgUnitKind[] = ['province', 'city', 'county'];
const SPOT_CHECK_MANAGERS = ['province_admin', 'city_admin', 'county_admin'] as const satisfies readonly Role[];
type SpotCheckState = 'draft' | 'committed' | 'drawn' | 'published';
const STATE_ORDER: readonly SpotCheckState[] = ['draft', 'committed', 'drawn', 'published'];
/** the shared ones, as promises: rows running together ask for the same one at once */
const spotCheckCache = new Map<string, Promise<number>>();

/** The province administrator of the unit's province, as the services see them (prepares the states). */
async function provinceCtx(unit: OrgUnitRow): Promise<RequestContext> {
  const p = unit.provinceId === tree.P1.provinceId ? tree.P1 : tree.P2;
  const username = p.id === tree.P1.id ? ACTORS.province_admin.username : 'mx-p2-province';
  const user = await t.db
    .selectFrom('app_user')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return {
    actor: {
      userId: user.id,
      username,
      role: 'province_admin',
      orgUnitId: p.id,
      orgPath: p.path,
      provinceId: p.provinceId,
    },
    ip: '127.0.0.1',
  };
}

/** A spot-check organised at `unit`, brought to `state` (a fresh one, or with `shared` the same one per unit). */
function spotCheckAt(unit: OrgUnitRow, state: SpotCheckState, tag: string, shared = false): Promise<number> {
  if (!shared) return newSpotCheck(unit, state, tag);
  const key = `${unit.id}:${state}`;
  if (!spotCheckCache.has(key)) spotCheckCache.set(key, newSpotCheck(unit, state, tag));
  return spotCheckCache.get(key)!;
}

async function newSpotCheck(unit: OrgUnitRow, state: SpotCheckState, tag: string): Promise<number> {
  const row = await t.db
    .insertInto('spot_check')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      title: `矩阵抽测${tag}`,
      year,
      status: 'draft',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ctx = await provinceCtx(unit);
  const upto = STATE_ORDER.indexOf(state);
  if (upto >= 1) await services.spotChecks.commit(ctx, row.id);
  if (upto >= 2) {
    await services.spotChecks.draw(ctx, row.id);
    // the unified exam with a result for every drawn teacher, as the exam core writes them
    const exam = await t.db
      .insertInto('exam')
      .values({
        province_id: unit.provinceId,
        org_unit_id: unit.id,
        org_path: unit.path,
        title: `矩阵抽测考试${tag}`,
        target: 'spot_check',
        spot_check_id: row.id,
        status: 'closed',
        opens_at: new Date(Date.now() - 2 * 86_400_000),
        closes_at: new Date(Date.now() - 86_400_000),
        duration_minutes: 60,
        paper: JSON.stringify({ mode: 'fixed', items: [] }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const drawn = await t.db
      .selectFrom('spot_check_candidate')
      .select(['teacher_id', 'org_path'])
      .where('spot_check_id', '=', row.id)
      .where('drawn', '=', true)
      .execute();
    for (const [i, d] of drawn.entries())
      await t.db
        .insertInto('exam_result')
        .values({
          exam_id: exam.id,
          teacher_id: d.teacher_id,
          org_path: d.org_path,
          exam_score: 70 + i,
          composite: 70 + i,
          level: 'pass',
          passed: true,
        })
        .execute();
  }
  if (upto >= 3) await services.spotChecks.publishResults(ctx, row.id);
  return row.id;
}
const spotCheckStatus = async (id: number) =>
  (await t.db.selectFrom('spot_check').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
/** read by the organiser's subtree and by the units below it; not by a sibling */
const SPOT_CHECK_READ: Rule = { allow: forRoles(ADMINS, LINE), refused: STAFF };
/** the steps: the organiser's bureaus; a unit below sees the spot-check and is refused (403) */
const SPOT_CHECK_STEP: Rule = { allow: forRoles(SPOT_CHECK_MANAGERS, SUBTREE), refused: STAFF, reach: LINE };
/** a draft is the organiser's alone: not found from below */
const SPOT_CHECK_DRAFT: Rule = { allow: forRoles(SPOT_CHECK_MANAGERS, SUBTREE), refused: STAFF };
// ------------------------------------------------------------------ exams: what the rows stand on

/** per province: a single-choice question and an essay in its bank */
const examQuestionsAt = new Map<number, { single: number; essay: number }>();
/** per organiser unit: a published course exam (single + essay, a process component) with a submitted attempt of the first school's teacher below, its essay waiting */
const examAt = new Map<number, { examId: number; attemptId: number }>();
const examOf = (unit: OrgUnitRow) => examAt.get(unit.id)!;
/** candidates: the matrix teacher (at S1) sits the exams organised at S1 and above it */
const CANDIDATE: Rule = { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER };
const EXAM_ADMINS: Rule = { allow: forRoles(ADMINS, SUBTREE), refused: STAFF };
const teacherCtx = (): RequestContext => ({
  actor: {
    userId: userIds.get('teacher')!,
    username: ACTORS.teacher.username,
    role: 'teacher',
    orgUnitId: tree.S1.id,
    orgPath: tree.S1.path,
    provinceId: tree.S1.provinceId,
  },
  ip: '127.0.0.1',
});

async function bankQuestion(unit: OrgUnitRow, kind: 'single' | 'essay', tag: string): Promise<number> {
  const q = await t.db
    .insertInto('question')
    .values({ province_id: unit.provinceId, org_unit_id: unit.id, org_path: unit.path })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('question_version')
    .values({
      question_id: q.id,
      version: 1,
      kind,
      stem: `矩阵${kind === 'single' ? '单选' : '简答'}${tag}`,
      options: JSON.stringify(
        kind === 'single'
          ? [
              { key: 'A', text: '甲' },
              { key: 'B', text: '乙' },
            ]
          : [],
      ),
      answer: JSON.stringify(kind === 'single' ? 'A' : null),
      shuffle_options: false,
    })
    .execute();
  return q.id;
}

/** an exam organised at a unit through the service (its seeder), published unless asked not to */
async function newExam(
  unit: OrgUnitRow,
  tag: string,
  opts: { draft?: boolean; questions?: number[] } = {},
): Promise<number> {
  const qs = examQuestionsAt.get(unit.provinceId)!;
  const province = unit.provinceId === tree.P1.provinceId ? tree.P1 : tree.P2;
  const admin: RequestContext = {
    actor: {
      userId: userIds.get('province_admin')!,
      username: 'mx-exam-seeder',
      role: 'province_admin',
      orgUnitId: province.id,
      orgPath: province.path,
      provinceId: province.provinceId,
    },
    ip: '127.0.0.1',
  };
  const r = await services.exams.create(admin, {
    title: `矩阵考试${tag}`,
    instructions: '',
    target: 'course',
    courseId: courseAt.get(catalogueOf(unit).id)!,
    classId: null,
    projectId: null,
    spotCheckId: null,
    orgUnitId: unit.id,
    opensAt: new Date(Date.now() - 3_600_000),
    closesAt: new Date(Date.now() + 86_400_000),
    durationMinutes: 60,
    attemptsAllowed: 20,
    gradePolicy: 'highest',
    paper: {
      mode: 'fixed',
      items: (opts.questions ?? [qs.single, qs.essay]).map((questionId) => ({ questionId, points: 10 })),
    },
    shuffleQuestions: false,
    showAnswers: 'after_close',
    gates: {},
    composite: {
      components: [
        { key: 'exam', label: '考试', weight: 70 },
        { key: 'process', label: '过程', weight: 30 },
      ],
    },
    levelCuts: { excellent: 90, good: 80, pass: 60, basic: 50 },
    passLevel: 'pass',
    targets: {},
    hours: null,
    creditCategories: [],
    blindMarking: false,
    doubleMarking: false,
    disputeThreshold: 3,
  });
  if (!opts.draft) await services.exams.publish(admin, r.exam.id);
  return r.exam.id;
}

/** a submitted attempt of a teacher, its answers put straight in: the single answered, the essay waiting for a mark */
async function submittedAttempt(examId: number, teacherId: number): Promise<number> {
  const e = await t.db.selectFrom('exam').select(['paper_pool']).where('id', '=', examId).executeTakeFirstOrThrow();
  const pool = e.paper_pool as { items: Array<{ questionVersionId: number; optionKeys: string[]; points: number }> };
  const tr = await t.db
    .selectFrom('teacher')
    .select(['org_path', 'province_id'])
    .where('id', '=', teacherId)
    .executeTakeFirstOrThrow();
  const n = await t.db
    .selectFrom('exam_attempt')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('exam_id', '=', examId)
    .where('teacher_id', '=', teacherId)
    .executeTakeFirstOrThrow();
  const a = await t.db
    .insertInto('exam_attempt')
    .values({
      province_id: tr.province_id,
      exam_id: examId,
      teacher_id: teacherId,
      org_path: tr.org_path,
      attempt_no: Number(n.n) + 1,
      seed: crypto.randomBytes(16).toString('hex'),
      paper: JSON.stringify(
        pool.items.map((p, position) => ({
          position,
          questionVersionId: p.questionVersionId,
          points: p.points,
          optionOrder: p.optionKeys,
        })),
      ),
      anon_code: String(crypto.randomInt(0, 1_000_000)).padStart(6, '0'),
      status: 'submitted',
      deadline_at: new Date(Date.now() + 3_600_000),
      submitted_at: new Date(),
      submitted_how: 'candidate',
      max_score: 20,
      auto_score: 10,
      manual_score: 0,
      pending_marks: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('exam_answer')
    .values(
      [
        { attempt_id: a.id, position: 0, answer: JSON.stringify('A'), client_seq: 1, auto_score: 10 },
        { attempt_id: a.id, position: 1, answer: JSON.stringify('矩阵作答'), client_seq: 1, mark_state: 'pending' },
      ].slice(0, pool.items.length),
    )
    .execute();
  return a.id;
}

/** an attempt of the matrix teacher in progress, started through the service */
async function myAttempt(tag: string): Promise<number> {
  const examId = await newExam(tree.K1, `作答${tag}`);
  return (await services.examAttempts.start(teacherCtx(), examId)).attemptId;
}

async function prepareExams(): Promise<void> {
  for (const p of [tree.P1, tree.P2])
    examQuestionsAt.set(p.provinceId, {
      single: await bankQuestion(p, 'single', `${p.id}`),
      essay: await bankQuestion(p, 'essay', `${p.id}`),
    });
  for (const u of Object.values(tree)) {
    if (!ORGANISERS.includes(u.kind)) continue;
    const examId = await newExam(u, `种子${u.id}`);
    const attemptId = await submittedAttempt(examId, teacherAtSchool.get(schoolUnder(u).id)!);
    examAt.set(u.id, { examId, attemptId });
  }
}

/** an exam at the target whose only question's key was corrected after an attempt (version 2 says B) */
async function correctedExam(c: Case): Promise<{ examId: number; questionId: number }> {
  const questionId = await bankQuestion(
    c.target.provinceId === tree.P1.provinceId ? tree.P1 : tree.P2,
    'single',
    `改键${c.seq}`,
  );
  const examId = await newExam(c.target, `改键${c.seq}`, { questions: [questionId] });
  await submittedAttempt(examId, teacherAtSchool.get(schoolUnder(c.target).id)!);
  // the key corrected: version 2 says B
  await sql`
    INSERT INTO question_version (question_id, version, kind, stem, options, answer, shuffle_options)
    SELECT question_id, 2, kind, stem, options, '"B"'::jsonb, shuffle_options
    FROM question_version WHERE question_id = ${questionId}`.execute(t.db);
  await t.db.updateTable('question').set({ current_version: 2 }).where('id', '=', questionId).execute();
  return { examId, questionId };
}

// ------------------------------------------------------------------ LRS mapping rules (学时转换规则)

const LRS_RULE: Rule = { allow: forRoles(LRS_MANAGERS, SUBTREE), refused: STAFF };
const lrsDefinition = {
  verbId: 'http://adlnet.gov/expapi/verbs/completed',
  activityType: null,
  activityPattern: 'https://edu.example/*',
  clientId: null,
  completion: true,
  success: false,
  minScaled: null,
  minDurationMinutes: null,
  hours: { kind: 'fixed', tenths: 10 },
  categories: [],
  titleTemplate: '{activity}',
};
/** A (disabled) mapping rule of the target unit. */
async function lrsRuleAt(unit: OrgUnitRow, tag: string): Promise<number> {
  const r = await t.db
    .insertInto('lrs_rule')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      name: `矩阵规则${tag}`,
      enabled: false,
      definition: JSON.stringify(lrsDefinition),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

// ------------------------------------------------------------------ training archive and development plan (R-52)

/** The archive is read by the teacher and by the admins whose subtree holds the teacher's current school. */
const ARCHIVE_READ: Rule = { allow: OWN_OR_ADMIN, refused: ['trainer'] };
/** a submitted plan of each school's teacher, by teacher */
const planOf = new Map<number, number>();
/** plans written straight to the table take a starting year of their own (one plan per teacher and year) */
let planYearSeq = 2030;
const nextPlanYear = () => planYearSeq++;
/** past years for approved plans, whose self-reviews are open */
let pastPlanYearSeq = 2001;
const planYearsBody = (start: number) =>
  [0, 1, 2].map((k) => ({ year: start + k, actions: '矩阵行动', training: '', targetTenths: 720 }));
/** A plan of a teacher in a given state (past years, so a self-review of an approved one is open). */
async function developmentPlanAt(
  teacherId: number,
  status: 'draft' | 'submitted' | 'approved',
  start = nextPlanYear(),
): Promise<number> {
  const r = await t.db
    .insertInto('development_plan')
    .values({
      province_id: (await createTeacherRepository(t.db).findById(teacherId))!.provinceId,
      teacher_id: teacherId,
      start_year: start,
      goals: '矩阵目标',
      years: JSON.stringify(planYearsBody(start).map((y) => ({ ...y, selfReview: null, selfReviewedAt: null }))),
      status,
      submitted_at: status === 'draft' ? null : new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const MATRIX: Entry[] = [
  {
    route: 'GET /api/org-units/roots',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: () => ({ method: 'GET', url: '/api/org-units/roots' }),
    verify: (b, c) =>
      itemsOf(b).length === 1 && itemsOf(b)[0]!.id === c.own.id ? null : 'roots must be exactly the own unit',
  },
  {
    route: 'GET /api/org-units/search',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, outside: 'hidden' },
    request: (c) => ({ method: 'GET', url: `/api/org-units/search?limit=100&q=${encodeURIComponent(c.target.name)}` }),
    verify: (b, c) => (itemsOf(b).some((u) => u.id === c.target.id) ? null : 'target missing from the search results'),
  },
  {
    route: 'GET /api/org-units/:id',
    about: 'unit',
    rule: { allow: { ...forRoles(ADMINS, SUBTREE), ...forRoles(STAFF, OWN) } },
    request: (c) => ({ method: 'GET', url: `/api/org-units/${c.target.id}` }),
    verify: (b, c) => (json(b)['unit']?.['id'] === c.target.id ? null : 'another unit answered'),
  },
  {
    route: 'GET /api/org-units/:id/children',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE) },
    request: (c) => ({ method: 'GET', url: `/api/org-units/${c.target.id}/children?pageSize=200` }),
    verify: (b, c) =>
      itemsOf(b).every((u) => (u as { parentId?: number }).parentId === c.target.id)
        ? null
        : 'a child of another unit listed',
  },
  {
    route: 'POST /api/org-units',
    about: 'unit',
    rule: {
      allow: forRoles(ADMINS, SUBTREE),
      kinds: { only: ['province', 'city', 'county', 'township'], otherwise: { invalid: 'ORG_KIND_NOT_ALLOWED' } },
    },
    request: (c) => ({
      method: 'POST',
      url: '/api/org-units',
      payload: { parentId: c.target.id, kind: CHILD_KIND[c.target.kind], name: `矩阵新建单位${c.seq}` },
    }),
    verify: (b, c) => (json(b)['unit']?.['parentId'] === c.target.id ? null : 'created under another parent'),
  },
  {
    route: 'PATCH /api/org-units/:id',
    variant: 'contact fields',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE) },
    request: (c) => ({
      method: 'PATCH',
      url: `/api/org-units/${c.target.id}`,
      payload: { contactName: `联系人${c.seq}`, address: `矩阵路 ${c.seq} 号` },
    }),
    verify: (b, c) => (json(b)['unit']?.['contactName'] === `联系人${c.seq}` ? null : 'contact not stored'),
  },
  {
    route: 'PATCH /api/org-units/:id',
    variant: 'name, code',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, BELOW) },
    request: (c) => ({
      method: 'PATCH',
      url: `/api/org-units/${c.target.id}`,
      payload: { name: c.target.name, code: `MX${c.target.id}` },
    }),
    verify: (b, c) => (json(b)['unit']?.['code'] === `MX${c.target.id}` ? null : 'code not stored'),
  },
  {
    route: 'GET /api/org-units/:id/school-import-template',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), kinds: { only: IMPORT_KINDS, otherwise: 'forbidden' } },
    request: (c) => ({ method: 'GET', url: `/api/org-units/${c.target.id}/school-import-template` }),
    verify: (_b, _c, res) =>
      String(res.headers['content-type']).includes('spreadsheetml') ? null : 'not an .xlsx answer',
  },
  {
    route: 'POST /api/org-units/:id/school-import',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), kinds: { only: IMPORT_KINDS, otherwise: 'forbidden' } },
    request: async (c) => ({
      method: 'POST',
      url: `/api/org-units/${c.target.id}/school-import`,
      ...multipartFile(await schoolSheet([{ name: `矩阵导入学校${c.seq}` }])),
    }),
    verify: (b) => ((b as { created?: unknown }).created === 1 ? null : 'school not created'),
  },
  {
    route: 'GET /api/users',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE) },
    request: (c) => ({ method: 'GET', url: `/api/users?orgUnitId=${c.target.id}&pageSize=200` }),
  },
  {
    route: 'POST /api/users',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE) },
    request: (c) => ({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: `mx-new-${c.seq}`,
        displayName: '矩阵新账户',
        role: lowerRoleAt(c.role, c.target.kind),
        orgUnitId: c.target.id,
      },
    }),
    verify: (b, c) => (json(b)['user']?.['orgUnitId'] === c.target.id ? null : 'account created elsewhere'),
  },
  {
    route: 'PATCH /api/users/:id',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE) },
    request: (c) => ({ method: 'PATCH', url: `/api/users/${victim(c)}`, payload: { displayName: `矩阵改名${c.seq}` } }),
    verify: (b, c) => (json(b)['user']?.['displayName'] === `矩阵改名${c.seq}` ? null : 'display name not stored'),
  },
  {
    route: 'POST /api/users/:id/reset-password',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE) },
    request: (c) => ({ method: 'POST', url: `/api/users/${victim(c)}/reset-password` }),
    verify: (b) =>
      typeof (b as { oneTimePassword?: unknown }).oneTimePassword === 'string' ? null : 'no one-time password',
  },
  {
    route: 'POST /api/users/:id/unlock',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE) },
    request: (c) => ({ method: 'POST', url: `/api/users/${victim(c)}/unlock` }),
  },
  {
    route: 'GET /api/audit-log',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE) },
    request: (c) => ({ method: 'GET', url: `/api/audit-log?orgUnitId=${c.target.id}` }),
  },
  {
    route: 'GET /api/api-tokens',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/api-tokens' }),
  },
  {
    route: 'POST /api/api-tokens',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: (c) => ({ method: 'POST', url: '/api/api-tokens', payload: { name: `矩阵令牌${c.seq}` } }),
  },
  {
    route: 'DELETE /api/api-tokens/:id',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: async (c) => {
      // the actor's own token, made directly: trainers and teachers cannot make one through the API
      const own = await createApiTokenRepository(t.db).insert({
        userId: c.userId,
        name: `矩阵${c.seq}`,
        prefix: 'mx',
        tokenHash: crypto.randomBytes(32),
        expiresAt: null,
      });
      return { method: 'DELETE', url: `/api/api-tokens/${own.id}` };
    },
  },
  {
    route: 'GET /api/teachers',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/teachers?orgUnitId=${c.target.id}&pageSize=200` }),
    verify: (b) => ((b as { total?: number }).total! >= 1 ? null : 'the teachers of the unit are missing'),
  },
  {
    route: 'POST /api/teachers/search',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({
      method: 'POST',
      url: '/api/teachers/search',
      payload: { orgUnitId: c.target.id, pageSize: 200 },
    }),
    verify: (b) => ((b as { total?: number }).total! >= 1 ? null : 'the teachers of the unit are missing'),
  },
  {
    route: 'GET /api/teachers/former',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/teachers/former?orgUnitId=${c.target.id}` }),
  },
  {
    route: 'GET /api/teachers/export',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/teachers/export?orgUnitId=${c.target.id}` }),
    verify: (_b, _c, res) =>
      String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000
        ? null
        : 'not an .xlsx answer',
  },
  {
    route: 'GET /api/teachers/export',
    variant: 'identifiers in full',
    about: 'unit',
    rule: { allow: { county_admin: SUBTREE, school_admin: SUBTREE }, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/teachers/export?orgUnitId=${c.target.id}&full=1` }),
    verify: (_b, _c, res) =>
      String(res.headers['content-type']).includes('spreadsheetml') ? null : 'not an .xlsx answer',
  },
  {
    route: 'GET /api/teachers/:id',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/teachers/${teacherOf(c)}` }),
    verify: (b, c) => (json(b)['teacher']?.['id'] === teacherOf(c) ? null : 'another teacher answered'),
  },
  {
    route: 'POST /api/teachers',
    about: 'unit',
    // a township centre school holds teachers of its own, like a school
    rule: {
      allow: TEACHER_READERS,
      refused: STAFF,
      kinds: { only: ['school', 'township'], otherwise: { invalid: 'TEACHER_UNIT_NOT_SCHOOL' } },
    },
    request: (c) => {
      const p = makeRoster(1, { seed: 5, offset: 80_000 + c.seq })[0]!;
      return {
        method: 'POST',
        url: '/api/teachers',
        payload: { orgUnitId: c.target.id, name: p.name, idNumber: p.idNumber, stage: 'primary', employment: 'staff' },
      };
    },
    verify: (b, c) => (json(b)['teacher']?.['orgUnitId'] === c.target.id ? null : 'created at another unit'),
  },
  {
    route: 'PATCH /api/teachers/:id',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({ method: 'PATCH', url: `/api/teachers/${teacherOf(c)}`, payload: { subject: `学科${c.seq}` } }),
    verify: (b, c) => (json(b)['teacher']?.['subject'] === `学科${c.seq}` ? null : 'change not stored'),
  },
  {
    route: 'GET /api/teachers/:id/training',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/teachers/${teacherOf(c)}/training` }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no training record'),
  },
  {
    route: 'POST /api/teachers/:id/unmask',
    about: 'unit',
    rule: { allow: { county_admin: SUBTREE, school_admin: SUBTREE }, refused: STAFF },
    request: (c) => ({ method: 'POST', url: `/api/teachers/${teacherOf(c)}/unmask` }),
    verify: (b) =>
      /^\d{17}[\dX]$/.test(String((b as { idNumber?: unknown }).idNumber)) ? null : 'no ID number in full',
  },
  {
    route: 'POST /api/teachers/:id/transfer',
    about: 'unit',
    rule: { allow: forRoles(['province_admin', 'city_admin', 'county_admin'], SUBTREE), refused: STAFF },
    request: async (c) => {
      // a teacher of its own for each case, moved to another school inside the actor's subtree
      const from = schoolUnder(c.target, c.relation === 'parent' ? c.own : undefined);
      const id = await seedTeacher(from);
      const dest =
        SCHOOLS.map((k) => tree[k]).find((s) => s.path.startsWith(c.own.path) && s.id !== from.id) ?? tree.S2;
      return {
        method: 'POST',
        url: `/api/teachers/${id}/transfer`,
        payload: { toOrgUnitId: dest.id, reason: '矩阵调动' },
      };
    },
    verify: (b, c) => (json(b)['teacher']?.['orgUnitId'] !== schoolUnder(c.target).id ? null : 'not moved'),
  },
  {
    route: 'GET /api/org-units/:id/teacher-import-template',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/org-units/${c.target.id}/teacher-import-template` }),
    verify: (_b, _c, res) =>
      String(res.headers['content-type']).includes('spreadsheetml') ? null : 'not an .xlsx answer',
  },
  {
    route: 'POST /api/org-units/:id/teacher-imports',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: async (c) => {
      const p = {
        ...makeRoster(1, { seed: 6, offset: 90_000 + c.seq })[0]!,
        school: c.target.kind === 'school' ? '' : schoolUnder(c.target).name,
      };
      return {
        method: 'POST',
        url: `/api/org-units/${c.target.id}/teacher-imports`,
        ...multipartFile(await rosterXlsx([p]), { filename: 'roster.xlsx' }),
      };
    },
    verify: (b) =>
      JSON.stringify((b as { summary?: unknown }).summary) ===
      JSON.stringify({ total: 1, create: 1, update: 0, unchanged: 0, transfer: 0, error: 0 })
        ? null
        : `unexpected check result ${JSON.stringify(b)}`,
  },
  {
    route: 'GET /api/teacher-imports/:id',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: async (c) => ({ method: 'GET', url: `/api/teacher-imports/${await importAt(c)}` }),
  },
  {
    route: 'POST /api/teacher-imports/:id/commit',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/teacher-imports/${await importAt(c)}/commit`,
      payload: { confirmTransfers: false },
    }),
    verify: (b) => ((b as { status?: string }).status === 'committed' ? null : 'not committed'),
  },
  {
    route: 'POST /api/teacher-imports/:id/discard',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: async (c) => ({ method: 'POST', url: `/api/teacher-imports/${await importAt(c)}/discard` }),
  },
  {
    route: 'POST /api/org-units/:id/activation-codes',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    // a teacher without an account: those with one get a new code only through a reset
    request: async (c) => ({
      method: 'POST',
      url: `/api/org-units/${c.target.id}/activation-codes`,
      payload: { teacherIds: [await seedTeacher(schoolUnder(c.target))] },
    }),
    verify: (b) => (((b as { items?: Array<{ code: string }> }).items ?? []).length === 1 ? null : 'no code issued'),
  },
  {
    route: 'GET /api/org-units/:id/activation-codes/batches',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/org-units/${c.target.id}/activation-codes/batches` }),
    verify: (b) => (typeof json(b)['batchSize'] === 'number' ? null : 'no batches'),
  },
  {
    route: 'POST /api/teachers/:id/reset-activation',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    // a teacher of its own, so no matrix account loses its password
    request: async (c) => ({
      method: 'POST',
      url: `/api/teachers/${await seedTeacher(schoolUnder(c.target, c.relation === 'parent' ? c.own : undefined))}/reset-activation`,
    }),
    verify: (b) => (typeof json(b)['item']?.['code'] === 'string' ? null : 'no code'),
  },
  {
    route: 'GET /api/me/teacher',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/me/teacher' }),
    verify: (b) => (json(b)['teacher']?.['id'] === teacherAtSchool.get(tree.S1.id) ? null : 'another teacher answered'),
  },
  {
    route: 'POST /api/me/teacher/corrections',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: (c) => ({
      method: 'POST',
      url: '/api/me/teacher/corrections',
      payload: { field: 'subject', proposed: `学科${c.seq}`, reason: '矩阵更正' },
    }),
  },
  {
    route: 'GET /api/teacher-corrections',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/teacher-corrections?orgUnitId=${c.target.id}` }),
  },
  {
    route: 'POST /api/teacher-corrections/:id/decide',
    about: 'unit',
    rule: { allow: TEACHER_READERS, refused: STAFF },
    request: async (c) => {
      const teacher = await t.db
        .selectFrom('teacher')
        .select(['id', 'province_id', 'org_path'])
        .where('id', '=', teacherOf(c))
        .executeTakeFirstOrThrow();
      const { id } = await t.db
        .insertInto('teacher_correction')
        .values({
          teacher_id: teacher.id,
          province_id: teacher.province_id,
          org_path: teacher.org_path,
          field: 'title',
          proposed: '一级教师',
          reason: '矩阵',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { method: 'POST', url: `/api/teacher-corrections/${id}/decide`, payload: { accept: false, note: '矩阵' } };
    },
    verify: (b) => (json(b)['correction']?.['status'] === 'rejected' ? null : 'not decided'),
  },
  // ------------------------------------------------------------------ cycles and rules (R-10 … R-14)
  {
    route: 'GET /api/cycles',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: () => ({ method: 'GET', url: '/api/cycles' }),
    verify: (b) => {
      const ids = itemsOf(b).map((x) => x.id);
      return problem(
        ids.includes(cycles.get(tree.P1.id)!.current) && !ids.includes(cycles.get(tree.P2.id)!.current),
        'not the cycles of the own province alone',
      );
    },
  },
  {
    route: 'GET /api/cycles/defaults',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: () => ({ method: 'GET', url: `/api/cycles/defaults?startYear=${year}&endYear=${year + 4}` }),
    verify: (b) => problem(json(b)['rules']?.['totalHours'] === 2400, 'not the rules of the source documents'),
  },
  {
    route: 'POST /api/cycles',
    about: 'self',
    rule: { allow: { province_admin: OWN } },
    request: (c) => ({
      method: 'POST',
      url: '/api/cycles',
      payload: { name: `矩阵周期${c.seq}`, startYear: 2095, endYear: 2099 },
    }),
    verify: (b, c) =>
      problem(
        json(b)['cycle']?.['name'] === `矩阵周期${c.seq}` && json(b)['cycle']?.['startYear'] === 2095,
        'cycle not created',
      ),
  },
  {
    route: 'GET /api/cycles/:id',
    about: 'unit',
    rule: { allow: forRoles(ROLES, PROVINCE), reach: PROVINCE },
    request: (c) => ({ method: 'GET', url: `/api/cycles/${cycleOf(c).current}` }),
    verify: (b, c) =>
      problem(
        json(b)['cycle']?.['id'] === cycleOf(c).current &&
          (b as { canManage?: boolean }).canManage === (c.role === 'province_admin'),
        'another cycle, or canManage wrong',
      ),
  },
  {
    route: 'POST /api/cycles/:id/rules/preview',
    about: 'unit',
    rule: { allow: { province_admin: SUBTREE }, reach: PROVINCE },
    request: (c) => ({
      method: 'POST',
      url: `/api/cycles/${cycleOf(c).current}/rules/preview`,
      payload: { rules: services.cycles.defaults(year, year + 4) },
    }),
    verify: (b) => problem(json(b)['job']?.['kind'] === 'ledger.rules_preview', 'no preview job'),
  },
  {
    route: 'PUT /api/cycles/:id/rules',
    about: 'unit',
    rule: { allow: { province_admin: SUBTREE }, reach: PROVINCE },
    request: (c) => ({
      method: 'PUT',
      url: `/api/cycles/${cycleOf(c).current}/rules`,
      payload: { rules: services.cycles.defaults(year, year + 4), note: `矩阵${c.seq}` },
    }),
    verify: async (b, c) => {
      const v = await t.db
        .selectFrom('credit_rule_version')
        .select('version')
        .where('cycle_id', '=', cycleOf(c).current)
        .where('note', '=', `矩阵${c.seq}`)
        .executeTakeFirst();
      return problem(v !== undefined && json(b)['cycle']?.['currentVersion'] === v.version, 'no new rule version');
    },
  },
  // ------------------------------------------------------------------ the ledger
  {
    route: 'POST /api/credits/entries',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: (c) => ({
      method: 'POST',
      url: '/api/credits/entries',
      payload: {
        entries: [
          {
            teacherId: teacherOf(c),
            hours: 15,
            occurredOn: `${year}-01-01`,
            title: `矩阵登记${c.seq}`,
            categories: ['ethics'],
            idemKey: `mx-entry-${c.seq}`,
          },
        ],
      },
    }),
    verify: async (b, c) => {
      const id = (b as { entries?: Array<{ id: number }> }).entries?.[0]?.id ?? 0;
      const row = await t.db
        .selectFrom('credit_entry')
        .select(['teacher_id', 'hours'])
        .where('id', '=', id)
        .executeTakeFirst();
      return problem(row?.teacher_id === teacherOf(c) && row.hours === 15, 'entry not stored for the teacher');
    },
  },
  {
    route: 'POST /api/credits/entries/matching',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: async (c) => {
      const name = (
        await t.db.selectFrom('teacher').select('name').where('id', '=', teacherOf(c)).executeTakeFirstOrThrow()
      ).name;
      return {
        method: 'POST',
        url: '/api/credits/entries/matching',
        payload: {
          matching: { orgUnitId: c.target.id, q: name },
          entry: { hours: 15, occurredOn: `${year}-01-01`, title: `矩阵全选${c.seq}`, categories: ['ethics'] },
          idemKey: `mx-matching-${c.seq}`,
        },
      };
    },
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('credit_entry')
        .select(['hours'])
        .where('teacher_id', '=', teacherOf(c))
        .where('title', '=', `矩阵全选${c.seq}`)
        .executeTakeFirst();
      return problem(row?.hours === 15, 'entry not stored for the matching teacher');
    },
  },
  {
    route: 'GET /api/credits/entries/template',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/credits/entries/template?orgUnitId=${c.target.id}` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'POST /api/credits/entries/import',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: (c) => {
      const p = personOf.get(teacherOf(c))!;
      const csv = `姓名,证件号码,学时,日期,培训内容,类别\r\n${p.name},${p.idNumber},1.5,${year}-01-01,矩阵导入${c.seq},师德\r\n`;
      return {
        method: 'POST',
        url: `/api/credits/entries/import?orgUnitId=${c.target.id}`,
        ...multipartFile(csv, { filename: `mx-${c.seq}.csv`, contentType: 'text/csv' }),
      };
    },
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('credit_entry')
        .select(['teacher_id', 'hours', 'categories'])
        .where('title', '=', `矩阵导入${c.seq}`)
        .execute();
      return problem(
        (b as { created?: number }).created === 1 &&
          row.length === 1 &&
          row[0]!.teacher_id === teacherOf(c) &&
          row[0]!.hours === 15 &&
          row[0]!.categories.join() === 'ethics',
        `sheet not registered: ${JSON.stringify(b)}`,
      );
    },
  },
  {
    route: 'GET /api/credits/entries',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/credits/entries?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).current}&pageSize=200`,
    }),
    verify: (b) => problem(itemsOf(b).length >= 1, 'the entries of the unit are missing'),
  },
  {
    route: 'POST /api/credits/entries/:id/reverse',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/credits/entries/${await entryOf(teacherOf(c), schoolOf(c), `rev-${c.seq}`)}/reverse`,
      payload: { reason: `矩阵冲销${c.seq}` },
    }),
    verify: async (b) => {
      const id = (b as { reversalId?: number }).reversalId ?? 0;
      const row = await t.db
        .selectFrom('credit_entry')
        .select('reason')
        .where('id', '=', id)
        .where('reverses_id', 'is not', null)
        .executeTakeFirst();
      return problem(row !== undefined, 'no reversal entry');
    },
  },
  {
    route: 'GET /api/credits/progress',
    variant: 'a teacher by id',
    about: 'unit',
    rule: { allow: OWN_OR_ADMIN, refused: ['trainer'] },
    request: (c) => ({ method: 'GET', url: `/api/credits/progress?teacherId=${teacherOf(c)}` }),
    verify: (b, c) => problem(json(b)['teacher']?.['id'] === teacherOf(c), 'another teacher answered'),
  },
  {
    route: 'GET /api/credits/progress',
    variant: 'own',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/credits/progress' }),
    verify: (b) => problem(json(b)['teacher']?.['id'] === teacherAtSchool.get(tree.S1.id), 'another teacher answered'),
  },
  {
    route: 'POST /api/credits/evidence',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: (c) => ({
      method: 'POST',
      url: `/api/credits/evidence?orgUnitId=${c.target.id}`,
      ...multipartFile(PDF, { filename: `mx-${c.seq}.pdf`, contentType: 'application/pdf' }),
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('credit_evidence')
        .select(['org_unit_id', 'file_name'])
        .where('id', '=', (b as { id?: number }).id ?? 0)
        .executeTakeFirst();
      return problem(
        row?.org_unit_id === c.target.id && row.file_name === `mx-${c.seq}.pdf`,
        'evidence not stored at the unit',
      );
    },
  },
  {
    route: 'GET /api/credits/evidence/:id',
    about: 'unit',
    rule: { allow: OWN_OR_ADMIN, refused: ['trainer'] },
    request: (c) => ({ method: 'GET', url: `/api/credits/evidence/${evidenceAt.get(schoolOf(c).id)}` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('application/pdf') && res.rawPayload.equals(PDF),
        'not the evidence file',
      ),
  },
  {
    route: 'POST /api/credits/reviews',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: (c) => ({
      method: 'POST',
      url: '/api/credits/reviews',
      payload: { topic: `矩阵复核${c.seq}`, message: '请核对学时' },
    }),
    verify: (b, c) =>
      problem(
        json(b)['review']?.['teacherId'] === teacherAtSchool.get(tree.S1.id) &&
          json(b)['review']?.['topic'] === `矩阵复核${c.seq}`,
        'review not stored for the own record',
      ),
  },
  {
    route: 'GET /api/credits/reviews',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/credits/reviews?orgUnitId=${c.target.id}&pageSize=200` }),
    verify: (b, c) =>
      problem(
        itemsOf(b).some(
          (r) => (r as unknown as { teacherId: number }).teacherId === teacherAtSchool.get(schoolUnder(c.target).id),
        ),
        'the review of a teacher of the unit is missing',
      ),
  },
  {
    route: 'POST /api/credits/reviews/:id/answer',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: async (c) => {
      const school = schoolOf(c);
      const id = await createCreditReviewRepository(t.db).insert({
        provinceId: school.provinceId,
        teacherId: teacherOf(c),
        orgPath: school.path,
        cycleId: cycleOf(c).current,
        topic: '矩阵',
        message: `矩阵${c.seq}`,
      });
      return { method: 'POST', url: `/api/credits/reviews/${id}/answer`, payload: { answer: `已核实${c.seq}` } };
    },
    verify: (b, c) =>
      problem(
        json(b)['review']?.['status'] === 'answered' && json(b)['review']?.['answer'] === `已核实${c.seq}`,
        'not answered',
      ),
  },
  {
    route: 'GET /api/jobs/:id',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'GET',
      url: `/api/jobs/${await createJobRepository(t.db).enqueue({ kind: 'mx.probe', provinceId: c.target.provinceId, orgPath: c.target.path, params: { seq: c.seq }, createdBy: null })}`,
    }),
    verify: (b, c) =>
      problem(
        json(b)['job']?.['kind'] === 'mx.probe' && json(b)['job']?.['status'] === 'queued' && c.seq > 0,
        'another job answered',
      ),
  },
  // ------------------------------------------------------------------ annual verification (R-16)
  {
    route: 'GET /api/verifications',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/verifications?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).pastA}&year=${year - 9}`,
    }),
    verify: (b) => problem(itemsOf(b).length >= 1, 'the verifications of the unit are missing'),
  },
  {
    route: 'GET /api/verifications/schools',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/verifications/schools?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).pastA}&year=${year - 9}`,
    }),
    verify: (b) => problem(itemsOf(b).length >= 1, 'the schools of the unit are missing'),
  },
  {
    route: 'GET /api/verifications/schools/export',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/verifications/schools/export?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).pastA}&year=${year - 9}`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'POST /api/verifications',
    about: 'unit',
    rule: {
      allow: CREDIT_WRITERS,
      refused: STAFF,
      kinds: { only: ['school'], otherwise: { invalid: 'TEACHER_UNIT_NOT_SCHOOL' } },
    },
    request: (c) => ({
      method: 'POST',
      url: '/api/verifications',
      payload: { orgUnitId: c.target.id, cycleId: cycleOf(c).pastA, year: year - 10 },
    }),
    verify: (b, c) =>
      problem(
        json(b)['verification']?.['orgUnitId'] === c.target.id && json(b)['verification']?.['status'] === 'open',
        'not opened at the school',
      ),
  },
  {
    route: 'GET /api/verifications/:id',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'GET',
      url: `/api/verifications/${(await createCreditVerificationRepository(t.db).findFor(cycleOf(c).pastA, year - 9, schoolOf(c).id))!.id}`,
    }),
    verify: (b, c) =>
      problem(
        json(b)['verification']?.['orgUnitId'] === schoolOf(c).id &&
          ((b as { items?: unknown[] }).items ?? []).length >= 1,
        'another verification, or no items',
      ),
  },
  {
    // the school's verification summary to print and seal (验证汇总表): read like the verification
    route: 'GET /api/verifications/:id/sheet',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'GET',
      url: `/api/verifications/${(await createCreditVerificationRepository(t.db).findFor(cycleOf(c).pastA, year - 9, schoolOf(c).id))!.id}/sheet`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']) === 'application/pdf' &&
          res.rawPayload.subarray(0, 5).toString() === '%PDF-',
        'not a PDF answer',
      ),
  },
  {
    // the verification summary of a unit's schools (验证汇总表), read like the list of verifications
    route: 'GET /api/verifications/summary-sheet',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/verifications/summary-sheet?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).pastA}&year=${year - 9}`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']) === 'application/pdf' &&
          res.rawPayload.subarray(0, 5).toString() === '%PDF-',
        'not a PDF answer',
      ),
  },
  {
    route: 'PUT /api/verifications/:id/items/:teacherId',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/verifications/${(await createCreditVerificationRepository(t.db).findFor(cycleOf(c).pastA, year - 9, schoolOf(c).id))!.id}/items/${teacherOf(c)}`,
      payload: { exception: 'exempt', reason: `矩阵病假${c.seq}` },
    }),
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('credit_verification_item')
        .select(['exception', 'exception_reason'])
        .where('teacher_id', '=', teacherOf(c))
        .where('exception_reason', '=', `矩阵病假${c.seq}`)
        .executeTakeFirst();
      return problem(row?.exception === 'exempt', 'exception not stored');
    },
  },
  {
    route: 'POST /api/verifications/:id/submit',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/verifications/${await verificationAt(schoolOf(c), cycleOf(c).pastA, year - 8 + ROLE_INDEX(c.role), 'open')}/submit`,
    }),
    verify: (b) => problem(json(b)['verification']?.['status'] === 'submitted', 'not submitted'),
  },
  {
    route: 'POST /api/verifications/:id/decision',
    about: 'unit',
    rule: { allow: { county_admin: SUBTREE }, refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/verifications/${await verificationAt(schoolOf(c), cycleOf(c).pastB, year - 20 + ROLE_INDEX(c.role), 'submitted')}/decision`,
      payload: { decision: 'return', note: `矩阵退回${c.seq}` },
    }),
    verify: (b, c) =>
      problem(
        json(b)['verification']?.['status'] === 'returned' &&
          json(b)['verification']?.['decisionNote'] === `矩阵退回${c.seq}`,
        'not returned',
      ),
  },
  {
    route: 'GET /api/reversal-requests',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/reversal-requests?orgUnitId=${c.target.id}` }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    route: 'POST /api/reversal-requests/:id/decision',
    about: 'unit',
    rule: { allow: { county_admin: SUBTREE }, refused: STAFF },
    request: async (c) => {
      const school = schoolOf(c);
      const entryId = await entryOf(teacherOf(c), school, `req-${c.seq}`);
      const id = await createCreditVerificationRepository(t.db).insertReversalRequest({
        provinceId: school.provinceId,
        entryId,
        orgPath: school.path,
        reason: `矩阵更正${c.seq}`,
        requestedBy: userIds.get('province_admin')!,
      });
      return {
        method: 'POST',
        url: `/api/reversal-requests/${id}/decision`,
        payload: { approve: true, note: '核实无误' },
      };
    },
    verify: async (b) => {
      const row = await t.db
        .selectFrom('credit_entry')
        .select(['after_lock'])
        .where('id', '=', (b as { reversalId?: number }).reversalId ?? 0)
        .executeTakeFirst();
      return problem(row?.after_lock === true, 'no reversal posted');
    },
  },
  // ------------------------------------------------------------------ certificates
  {
    route: 'POST /api/certificates',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: (c) => ({
      method: 'POST',
      url: '/api/certificates',
      payload: { teacherId: teacherOf(c), cycleId: cycleOf(c).current },
    }),
    verify: (b, c) =>
      problem(
        json(b)['certificate']?.['teacherId'] === teacherOf(c) && json(b)['certificate']?.['status'] === 'valid',
        'no valid certificate for the teacher',
      ),
  },
  {
    route: 'GET /api/certificates',
    variant: 'a teacher by id',
    about: 'unit',
    rule: { allow: OWN_OR_ADMIN, refused: ['trainer'] },
    request: (c) => ({ method: 'GET', url: `/api/certificates?teacherId=${teacherOf(c)}` }),
    verify: (b, c) =>
      problem(
        itemsOf(b).length >= 1 &&
          itemsOf(b).every((x) => (x as unknown as { teacherId: number }).teacherId === teacherOf(c)),
        "not the teacher's certificates",
      ),
  },
  {
    route: 'GET /api/certificates/unit',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/certificates/unit?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).current}&pageSize=200`,
    }),
    verify: (b) => problem(itemsOf(b).length >= 1, 'the certificates of the unit are missing'),
  },
  {
    route: 'GET /api/certificates/:id/pdf',
    about: 'unit',
    rule: { allow: OWN_OR_ADMIN, refused: ['trainer'] },
    request: (c) => ({ method: 'GET', url: `/api/certificates/${certificateAt.get(schoolOf(c).id)}/pdf` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('application/pdf') &&
          res.rawPayload.subarray(0, 5).toString() === '%PDF-',
        'not a PDF',
      ),
  },
  {
    route: 'POST /api/certificates/:id/revoke',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: async (c) => {
      // a teacher of its own: no other row reissues (and so supersedes) this certificate meanwhile
      const school = schoolOf(c);
      const teacherId = await seedTeacher(school);
      const cert = await services.certificates.issue(seederOf(school), {
        teacherId,
        cycleId: cycleOf(c).current,
        kind: 'cycle',
        year: null,
      });
      return { method: 'POST', url: `/api/certificates/${cert.id}/revoke`, payload: { reason: `矩阵作废${c.seq}` } };
    },
    verify: (b, c) =>
      problem(
        json(b)['certificate']?.['status'] === 'revoked' &&
          json(b)['certificate']?.['revokeReason'] === `矩阵作废${c.seq}`,
        'not revoked',
      ),
  },
  {
    route: 'POST /api/certificates/bulk',
    about: 'unit',
    rule: { allow: CREDIT_WRITERS, refused: STAFF },
    request: (c) => ({
      method: 'POST',
      url: '/api/certificates/bulk',
      payload: { orgUnitId: c.target.id, cycleId: cycleOf(c).current },
    }),
    verify: async (b, c) => {
      const job = await t.db
        .selectFrom('job')
        .select(['kind', 'org_path'])
        .where('id', '=', Number(json(b)['job']?.['id']))
        .executeTakeFirst();
      return problem(job?.kind === 'certificate.bulk' && job.org_path === c.target.path, 'no bulk job for the unit');
    },
  },
  {
    route: 'GET /api/certificates/bulk/:id/download',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => {
      // a finished bulk job of the target unit, its zip in the data directory
      const file = `mx-bulk-${c.seq}.zip`;
      fs.writeFileSync(path.join(dataDir, 'jobs', file), Buffer.from(`PK\u0005\u0006${'\u0000'.repeat(18)}`, 'latin1'));
      const id = await createJobRepository(t.db).enqueue({
        kind: 'certificate.bulk',
        provinceId: c.target.provinceId,
        orgPath: c.target.path,
        params: {},
        createdBy: null,
      });
      await t.db
        .updateTable('job')
        .set({ status: 'done', result: JSON.stringify({ file, count: 0, issued: 0, unitName: c.target.name }) })
        .where('id', '=', id)
        .execute();
      return { method: 'GET', url: `/api/certificates/bulk/${id}/download` };
    },
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('application/zip') && res.rawPayload.length === 22,
        'not the zip of the job',
      ),
  },
  // ------------------------------------------------------------------ unit reports (R-17, R-53)
  {
    route: 'GET /api/reports/credits',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/reports/credits?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).current}`,
    }),
    verify: (b, c) =>
      problem(
        json(b)['unit']?.['id'] === c.target.id && Number(json(b)['total']?.['teachers']) >= 1,
        'another unit, or no teachers counted',
      ),
  },
  {
    route: 'GET /api/reports/credits/teachers',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/reports/credits/teachers?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).current}&pageSize=200`,
    }),
    verify: (b, c) =>
      problem(
        ((b as { items?: Array<{ teacherId: number }> }).items ?? []).some(
          (x) => x.teacherId === teacherAtSchool.get(schoolUnder(c.target).id),
        ),
        'a teacher of the unit is missing',
      ),
  },
  {
    route: 'GET /api/reports/credits/export',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/reports/credits/export?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).current}`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'GET /api/reports/credits/teachers/export',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/reports/credits/teachers/export?orgUnitId=${c.target.id}&cycleId=${cycleOf(c).current}`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  // ------------------------------------------------------------------ course catalogue (R-13)
  {
    route: 'GET /api/courses',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/courses?orgUnitId=${c.target.id}&pageSize=200&q=${encodeURIComponent(`矩阵种子课程${catalogueOf(c.target).id}`)}`,
    }),
    verify: (b, c) =>
      problem(
        json(b)['unit']?.['id'] === c.target.id &&
          itemsOf(b).some((x) => x.id === courseAt.get(catalogueOf(c.target).id)),
        'another unit, or the course of the unit (inherited for a school) missing',
      ),
  },
  {
    route: 'POST /api/courses',
    about: 'unit',
    rule: {
      allow: forRoles(COURSE_KEEPERS, SUBTREE),
      refused: STAFF,
      kinds: { only: CATALOGUE, otherwise: { invalid: 'COURSE_INVALID' } },
    },
    request: (c) => ({
      method: 'POST',
      url: '/api/courses',
      payload: {
        orgUnitId: c.target.id,
        title: `矩阵新课程${c.seq}`,
        category: 'required',
        module: '师德',
        form: 'centralised',
        hours: 25,
      },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('course')
        .select(['org_unit_id', 'hours'])
        .where('id', '=', Number(json(b)['course']?.['id']))
        .executeTakeFirst();
      return problem(row?.org_unit_id === c.target.id && row.hours === 25, 'course not stored at the unit');
    },
  },
  {
    route: 'GET /api/courses/template',
    about: 'unit',
    rule: {
      allow: forRoles(COURSE_KEEPERS, SUBTREE),
      refused: STAFF,
      kinds: { only: CATALOGUE, otherwise: { invalid: 'COURSE_INVALID' } },
    },
    request: (c) => ({ method: 'GET', url: `/api/courses/template?orgUnitId=${c.target.id}` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'POST /api/courses/import',
    about: 'unit',
    rule: {
      allow: forRoles(COURSE_KEEPERS, SUBTREE),
      refused: STAFF,
      kinds: { only: CATALOGUE, otherwise: { invalid: 'COURSE_INVALID' } },
    },
    request: (c) => {
      const csv = `课程名称,课程类别,课程模块,培训形式,学时\r\n矩阵导入课程${c.seq},必修,师德,集中,2.5\r\n`;
      return {
        method: 'POST',
        url: `/api/courses/import?orgUnitId=${c.target.id}`,
        ...multipartFile(csv, { filename: `mx-${c.seq}.csv`, contentType: 'text/csv' }),
      };
    },
    verify: async (b, c) => {
      const rows = await t.db
        .selectFrom('course')
        .select(['org_unit_id', 'hours'])
        .where('title', '=', `矩阵导入课程${c.seq}`)
        .execute();
      return problem(
        (b as { created?: number }).created === 1 &&
          rows.length === 1 &&
          rows[0]!.org_unit_id === c.target.id &&
          rows[0]!.hours === 25,
        `sheet not imported: ${JSON.stringify(b)}`,
      );
    },
  },
  {
    route: 'GET /api/courses/export',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/courses/export?orgUnitId=${c.target.id}` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    // read where the catalogue is inherited from (above) and of the units below; a sibling's is not seen
    route: 'GET /api/courses/:id',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/courses/${courseAt.get(c.target.id)}` }),
    verify: (b, c) =>
      problem(
        json(b)['course']?.['id'] === courseAt.get(c.target.id) &&
          json(b)['course']?.['canManage'] === (c.relation !== 'parent' && c.role !== 'school_admin'),
        'another course, or canManage wrong',
      ),
  },
  {
    // a course seen but not kept by the actor (from above, or a school admin's) is refused with 403
    route: 'PATCH /api/courses/:id',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/courses/${await newCourse(c.target, `patch-${c.seq}`)}`,
      payload: { description: `矩阵简介${c.seq}` },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('course')
        .select('description')
        .where('id', '=', Number(json(b)['course']?.['id']))
        .executeTakeFirst();
      return problem(row?.description === `矩阵简介${c.seq}`, 'change not stored');
    },
  },
  {
    route: 'POST /api/courses/:id/archive',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/courses/${await newCourse(c.target, `arch-${c.seq}`)}/archive`,
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('course')
        .select('archived')
        .where('id', '=', Number(json(b)['course']?.['id']))
        .executeTakeFirst();
      return problem(row?.archived === true, 'not archived');
    },
  },
  {
    route: 'POST /api/courses/:id/unarchive',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/courses/${await newCourse(c.target, `unarch-${c.seq}`, true)}/unarchive`,
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('course')
        .select('archived')
        .where('id', '=', Number(json(b)['course']?.['id']))
        .executeTakeFirst();
      return problem(row?.archived === false, 'still archived');
    },
  },
  {
    route: 'GET /api/courses/:id/materials/:evidenceId',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/courses/${courseAt.get(c.target.id)}/materials/${evidenceAt.get((c.target.provinceId === tree.P1.provinceId ? tree.S1 : tree.S5).id)}`,
    }),
    verify: (_b, _c, res) => problem(res.rawPayload.equals(PDF), 'not the material file'),
  },
  // ------------------------------------------------------------------ question banks (R-30)
  {
    route: 'GET /api/questions',
    about: 'unit',
    rule: { allow: BANK_READERS, refused: ['teacher'], reachOf: TRAINER_OUT },
    request: (c) => ({
      method: 'GET',
      url: `/api/questions?unitId=${c.target.id}&includeInherited=true&pageSize=200&q=${encodeURIComponent(`矩阵试题种子${catalogueOf(c.target).id}`)}`,
    }),
    verify: (b, c) =>
      problem(
        json(b)['unit']?.['id'] === c.target.id &&
          itemsOf(b).some((x) => x.id === questionAt.get(catalogueOf(c.target).id)),
        'another bank, or the question of the bank (inherited for a school) missing',
      ),
  },
  {
    route: 'GET /api/questions/tags',
    about: 'unit',
    rule: { allow: BANK_READERS, refused: ['teacher'], reachOf: TRAINER_OUT },
    request: (c) => ({ method: 'GET', url: `/api/questions/tags?unitId=${c.target.id}` }),
    verify: (b) => problem(((b as { modules?: string[] }).modules ?? []).includes('师德'), 'modules missing'),
  },
  {
    route: 'POST /api/questions',
    about: 'unit',
    rule: {
      allow: BANK_KEEPERS,
      refused: ['teacher'],
      reach: LINE,
      reachOf: TRAINER_OUT,
      kinds: { only: CATALOGUE, otherwise: { invalid: 'QUESTION_INVALID' } },
    },
    request: (c) => ({
      method: 'POST',
      url: '/api/questions',
      payload: {
        unitId: c.target.id,
        kind: 'true_false',
        stem: `矩阵新试题${c.seq}`,
        answer: true,
      },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('question')
        .select('org_unit_id')
        .where('id', '=', Number(json(b)['question']?.['id']))
        .executeTakeFirst();
      return problem(row?.org_unit_id === c.target.id, 'question not stored in the bank');
    },
  },
  {
    route: 'GET /api/questions/template.xlsx',
    about: 'unit',
    rule: {
      allow: BANK_KEEPERS,
      refused: ['teacher'],
      reach: LINE,
      reachOf: TRAINER_OUT,
      kinds: { only: CATALOGUE, otherwise: { invalid: 'QUESTION_INVALID' } },
    },
    request: (c) => ({ method: 'GET', url: `/api/questions/template.xlsx?unitId=${c.target.id}` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'POST /api/questions/import',
    about: 'unit',
    rule: {
      allow: BANK_KEEPERS,
      refused: ['teacher'],
      reach: LINE,
      reachOf: TRAINER_OUT,
      kinds: { only: CATALOGUE, otherwise: { invalid: 'QUESTION_INVALID' } },
    },
    request: (c) => {
      const csv = `题型,题干,选项A,选项B,答案\r\n单选,矩阵导入试题${c.seq},甲,乙,B\r\n`;
      return {
        method: 'POST',
        url: `/api/questions/import?unitId=${c.target.id}`,
        ...multipartFile(csv, { filename: `mxq-${c.seq}.csv`, contentType: 'text/csv' }),
      };
    },
    verify: async (b, c) => {
      const rows = await t.db
        .selectFrom('question_version as v')
        .innerJoin('question as q', 'q.id', 'v.question_id')
        .select(['q.org_unit_id', 'v.answer'])
        .where('v.stem', '=', `矩阵导入试题${c.seq}`)
        .execute();
      return problem(
        (b as { created?: number }).created === 1 &&
          rows.length === 1 &&
          rows[0]!.org_unit_id === c.target.id &&
          rows[0]!.answer === 'B',
        `sheet not imported: ${JSON.stringify(b)}`,
      );
    },
  },
  {
    route: 'GET /api/questions/export.xlsx',
    about: 'unit',
    rule: { allow: BANK_READERS, refused: ['teacher'], reachOf: TRAINER_OUT },
    request: (c) => ({ method: 'GET', url: `/api/questions/export.xlsx?unitId=${c.target.id}&includeInherited=true` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    // read on the actor's line of the tree; a sibling's bank is not seen
    route: 'GET /api/questions/:id',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: BANK_READERS, refused: ['teacher'], reachOf: TRAINER_OUT },
    request: (c) => ({ method: 'GET', url: `/api/questions/${questionAt.get(c.target.id)}` }),
    verify: (b, c) =>
      problem(
        json(b)['question']?.['id'] === questionAt.get(c.target.id) &&
          json(b)['question']?.['canManage'] ===
            (c.role === 'trainer' || (c.relation !== 'parent' && (COURSE_KEEPERS as readonly Role[]).includes(c.role))),
        'another question, or canManage wrong',
      ),
  },
  {
    // a question seen but not kept by the actor (from above, or a school admin's view) is refused with 403
    route: 'PUT /api/questions/:id',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: BANK_KEEPERS, refused: ['teacher'], reach: LINE, reachOf: TRAINER_OUT },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/questions/${await newQuestion(c.target, `put-${c.seq}`)}`,
      payload: { kind: 'true_false', stem: `矩阵改过的试题${c.seq}`, answer: false },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('question_version')
        .select(['stem', 'kind'])
        .where('question_id', '=', Number(json(b)['question']?.['id']))
        .executeTakeFirst();
      return problem(row?.stem === `矩阵改过的试题${c.seq}` && row.kind === 'true_false', 'change not stored');
    },
  },
  {
    route: 'POST /api/questions/:id/archive',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: BANK_KEEPERS, refused: ['teacher'], reach: LINE, reachOf: TRAINER_OUT },
    request: async (c) => ({
      method: 'POST',
      url: `/api/questions/${await newQuestion(c.target, `arch-${c.seq}`)}/archive`,
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('question')
        .select('archived')
        .where('id', '=', Number(json(b)['question']?.['id']))
        .executeTakeFirst();
      return problem(row?.archived === true, 'not archived');
    },
  },
  {
    route: 'POST /api/questions/:id/restore',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: BANK_KEEPERS, refused: ['teacher'], reach: LINE, reachOf: TRAINER_OUT },
    request: async (c) => ({
      method: 'POST',
      url: `/api/questions/${await newQuestion(c.target, `rest-${c.seq}`, true)}/restore`,
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('question')
        .select('archived')
        .where('id', '=', Number(json(b)['question']?.['id']))
        .executeTakeFirst();
      return problem(row?.archived === false, 'still archived');
    },
  },
  {
    route: 'GET /api/question-bank/:unitId/editors',
    about: 'unit',
    rule: { allow: BANK_READERS, refused: ['teacher'], reachOf: TRAINER_OUT },
    request: (c) => ({ method: 'GET', url: `/api/question-bank/${c.target.id}/editors` }),
    verify: (b, c) =>
      problem(
        json(b)['unit']?.['id'] === c.target.id &&
          (c.target.id !== tree.K1.id ||
            ((b as { editors: Array<{ userId: number }> }).editors ?? []).some(
              (e) => e.userId === userIds.get('trainer'),
            )),
        'another unit, or the named trainer missing',
      ),
  },
  {
    // administrators name the keepers; a named trainer never names others
    route: 'PUT /api/question-bank/:unitId/editors',
    about: 'unit',
    rule: {
      allow: forRoles(COURSE_KEEPERS, SUBTREE),
      refused: STAFF,
      reach: LINE,
      kinds: { only: CATALOGUE, otherwise: { invalid: 'QUESTION_INVALID' } },
    },
    // K1 keeps the matrix trainer named: the trainer's rows run beside these
    request: (c) => ({
      method: 'PUT',
      url: `/api/question-bank/${c.target.id}/editors`,
      payload: { userIds: c.target.id === tree.K1.id ? [userIds.get('trainer')!] : [] },
    }),
    verify: async (_b, c) => {
      const rows = await t.db
        .selectFrom('question_bank_editor')
        .select('user_id')
        .where('org_unit_id', '=', c.target.id)
        .execute();
      return problem(
        rows.length === (c.target.id === tree.K1.id ? 1 : 0),
        `keepers not stored: ${JSON.stringify(rows)}`,
      );
    },
  },
  // ------------------------------------------------------------------ online content of a course (R-20 网络)
  {
    route: 'GET /api/courses/:id/online',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/courses/${courseAt.get(c.target.id)}/online` }),
    verify: (b) => problem(typeof json(b)['studyRule']?.['maxSpeed'] === 'number', 'no study rule'),
  },
  {
    // kept by whoever keeps the course: a course seen from below (or a school's view) is refused with 403
    route: 'PUT /api/courses/:id/online',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/courses/${await newCourse(c.target, `onl-${c.seq}`)}/online`,
      payload: ONLINE_RULES,
    }),
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('course_online as o')
        .innerJoin('course as k', 'k.id', 'o.course_id')
        .select('o.study_rule')
        .where('k.title', '=', `矩阵课程onl-${c.seq}`)
        .executeTakeFirst();
      return problem((row?.study_rule as { maxSpeed?: number } | undefined)?.maxSpeed === 2, 'rules not stored');
    },
  },
  {
    route: 'GET /api/courses/:id/content',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/courses/${courseAt.get(c.target.id)}/content` }),
    verify: (b, c) => {
      const r = b as { chapters?: Array<{ id: number; items: Array<{ id: number }> }>; files?: Array<{ id: number }> };
      return problem(
        (r.chapters ?? []).some((ch) => ch.id === online(c.target).chapterId && ch.items.length === 1) &&
          (r.files ?? []).some((f) => f.id === online(c.target).fileId),
        'the chapter, item or file of the course missing',
      );
    },
  },
  {
    route: 'PUT /api/courses/:id/content/order',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => {
      const k = await courseWithContent(c.target, `ord-${c.seq}`);
      return {
        method: 'PUT',
        url: `/api/courses/${k.courseId}/content/order`,
        payload: { chapters: [{ chapterId: k.chapterId, itemIds: [k.itemId] }] },
      };
    },
    verify: (b) => problem(((b as { chapters?: unknown[] }).chapters ?? []).length === 1, 'not the content in order'),
  },
  {
    route: 'POST /api/courses/:id/chapters',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/courses/${await newCourse(c.target, `ch-${c.seq}`)}/chapters`,
      payload: { title: `矩阵新章${c.seq}` },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('course_chapter')
        .select('title')
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.title === `矩阵新章${c.seq}`, 'chapter not stored');
    },
  },
  {
    route: 'PATCH /api/courses/:id/chapters/:chapterId',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => {
      const k = await courseWithContent(c.target, `rch-${c.seq}`);
      return {
        method: 'PATCH',
        url: `/api/courses/${k.courseId}/chapters/${k.chapterId}`,
        payload: { title: `矩阵改章${c.seq}` },
      };
    },
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('course_chapter')
        .select('title')
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.title === `矩阵改章${c.seq}`, 'new title not stored');
    },
  },
  {
    route: 'DELETE /api/courses/:id/chapters/:chapterId',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => {
      const courseId = await newCourse(c.target, `dch-${c.seq}`);
      const ch = await t.db
        .insertInto('course_chapter')
        .values({ course_id: courseId, title: `矩阵空章${c.seq}`, position: 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { method: 'DELETE', url: `/api/courses/${courseId}/chapters/${ch.id}` };
    },
    verify: async (_b, c, res) => {
      const left = await t.db
        .selectFrom('course_chapter')
        .select('id')
        .where('title', '=', `矩阵空章${c.seq}`)
        .execute();
      return problem(res.statusCode === 204 && left.length === 0, 'chapter still there');
    },
  },
  {
    route: 'POST /api/courses/:id/items',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => {
      const k = await courseWithContent(c.target, `it-${c.seq}`);
      return {
        method: 'POST',
        url: `/api/courses/${k.courseId}/items`,
        payload: { chapterId: k.chapterId, kind: 'text', title: `矩阵新页${c.seq}`, requiredMinutes: 5, body: '正文' },
      };
    },
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('course_item')
        .select(['title', 'position'])
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.title === `矩阵新页${c.seq}` && row.position === 1, 'item not stored last of its chapter');
    },
  },
  {
    route: 'PATCH /api/courses/:id/items/:itemId',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => {
      const k = await courseWithContent(c.target, `uit-${c.seq}`);
      return {
        method: 'PATCH',
        url: `/api/courses/${k.courseId}/items/${k.itemId}`,
        payload: { requiredMinutes: 42 },
      };
    },
    verify: async (b) => {
      const row = await t.db
        .selectFrom('course_item')
        .select('required_minutes')
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.required_minutes === 42, 'change not stored');
    },
  },
  {
    route: 'POST /api/courses/:id/items/:itemId/archive',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => {
      const k = await courseWithContent(c.target, `ait-${c.seq}`);
      return { method: 'POST', url: `/api/courses/${k.courseId}/items/${k.itemId}/archive` };
    },
    verify: async (b) => {
      const row = await t.db
        .selectFrom('course_item')
        .select('archived')
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.archived === true, 'not archived');
    },
  },
  {
    route: 'POST /api/courses/:id/files',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/courses/${await newCourse(c.target, `fi-${c.seq}`)}/files`,
      ...multipartFile(MATRIX_MP4, { filename: `矩阵视频${c.seq}.mp4`, contentType: 'video/mp4' }),
    }),
    verify: (b) => {
      const f = (b as { file?: { kind: string; durationSeconds: number } }).file;
      return problem(f?.kind === 'video' && f.durationSeconds === 30, 'video not stored with its length');
    },
  },
  {
    // the admins who read the course; a trainer and the teachers of an online class of it (K1's, open)
    route: 'GET /api/study-files/:id',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: { ...forRoles(ADMINS, LINE), trainer: ['parent'], teacher: ['parent'] } },
    request: (c) => ({
      method: 'GET',
      url: `/api/study-files/${online(c.target).fileId}`,
      headers: { range: 'bytes=0-99' },
    }),
    verify: (_b, _c, res) =>
      problem(res.statusCode === 206 && res.rawPayload.equals(MATRIX_MP4.subarray(0, 100)), 'not the bytes asked for'),
  },
  // ------------------------------------------------------------------ trainer and expert pool (R-51)
  {
    route: 'GET /api/trainers',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => {
      await pooled(c.target);
      return {
        method: 'GET',
        url: `/api/trainers?orgUnitId=${c.target.id}&pageSize=200&q=${encodeURIComponent(`矩阵培训者${c.target.id}`)}`,
      };
    },
    verify: async (b, c) =>
      problem(
        json(b)['unit']?.['id'] === c.target.id &&
          itemsOf(b)
            .map((x) => x.id)
            .includes((await pooled(c.target)).id),
        'another unit, or the entry of the unit missing',
      ),
  },
  {
    route: 'POST /api/trainers',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'POST',
      url: '/api/trainers',
      payload: {
        orgUnitId: c.target.id,
        kind: 'expert',
        name: `矩阵新专家${c.seq}`,
        level: 'city',
        subjects: ['语文'],
      },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('trainer_profile')
        .select(['org_unit_id', 'subjects'])
        .where('id', '=', Number(json(b)['trainer']?.['id']))
        .executeTakeFirst();
      return problem(
        row?.org_unit_id === c.target.id && row.subjects.join() === '语文',
        'entry not stored at the unit',
      );
    },
  },
  {
    route: 'POST /api/trainers/import',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => {
      const csv = `类别,姓名,入库级别,学科\r\n专家,矩阵导入专家${c.seq},省级,语文\r\n`;
      return {
        method: 'POST',
        url: `/api/trainers/import?orgUnitId=${c.target.id}`,
        ...multipartFile(csv, { filename: `mx-${c.seq}.csv`, contentType: 'text/csv' }),
      };
    },
    verify: async (b, c) => {
      const rows = await t.db
        .selectFrom('trainer_profile')
        .select(['org_unit_id', 'level'])
        .where('name', '=', `矩阵导入专家${c.seq}`)
        .execute();
      return problem(
        (b as { created?: number }).created === 1 &&
          rows.length === 1 &&
          rows[0]!.org_unit_id === c.target.id &&
          rows[0]!.level === 'province',
        `sheet not imported: ${JSON.stringify(b)}`,
      );
    },
  },
  {
    route: 'GET /api/trainers/export',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/trainers/export?orgUnitId=${c.target.id}` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    // a trainer's own entry, record and classes; nobody else's, and nothing for other roles
    route: 'GET /api/trainers/me',
    about: 'self',
    rule: { allow: { trainer: OWN }, refused: NOT_TRAINER },
    request: async () => {
      await ownPooled();
      return { method: 'GET', url: '/api/trainers/me' };
    },
    verify: async (b) => {
      const r = b as { profile?: { id: number }; classes?: Array<{ classId: number }> };
      return problem(
        r.profile?.id === (await ownPooled()) && (r.classes ?? []).some((x) => x.classId === seeded(tree.K1).classId),
        "not the trainer's own entry, or the class they teach missing",
      );
    },
  },
  {
    route: 'GET /api/trainers/accounts',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN), refused: STAFF },
    request: () => ({ method: 'GET', url: '/api/trainers/accounts?q=mx-trainer' }),
    verify: (b, c) => {
      const ids = ((b as { items?: Array<{ userId: number }> }).items ?? []).map((x) => x.userId);
      return problem(
        ids.includes(userIds.get('trainer')!) === tree.I1.path.startsWith(c.own.path),
        'the trainer accounts of the subtree are not the ones listed',
      );
    },
  },
  {
    // a pool is shared downward: read on the admin's line, changed only in the subtree
    route: 'GET /api/trainers/:id',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => ({ method: 'GET', url: `/api/trainers/${(await pooled(c.target)).id}` }),
    verify: async (b, c) => {
      const r = json(b)['trainer'];
      return problem(
        r?.['id'] === (await pooled(c.target)).id &&
          r['canManage'] === (c.relation !== 'parent') &&
          r['inherited'] === (c.relation === 'parent'),
        'another entry, or canManage/inherited wrong',
      );
    },
  },
  {
    route: 'PATCH /api/trainers/:id',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/trainers/${await newPooled(c.target, `patch-${c.seq}`)}`,
      payload: { specialties: `矩阵专长${c.seq}`, active: false },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('trainer_profile')
        .select(['specialties', 'active'])
        .where('id', '=', Number(json(b)['trainer']?.['id']))
        .executeTakeFirst();
      return problem(row?.specialties === `矩阵专长${c.seq}` && row.active === false, 'change not stored');
    },
  },
  {
    route: 'GET /api/trainers/:id/classes',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => ({ method: 'GET', url: `/api/trainers/${(await pooled(c.target)).id}/classes` }),
    verify: (b, c) =>
      problem(
        ((b as { items?: Array<{ classId: number }> }).items ?? []).some((x) => x.classId === seeded(c.target).classId),
        'the class the trainer teaches missing',
      ),
  },
  {
    route: 'GET /api/trainers/:id/training',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => ({ method: 'GET', url: `/api/trainers/${(await pooled(c.target)).id}/training` }),
    verify: (b) => {
      const r = b as { items?: Array<{ title: string }>; totalHours?: number };
      return problem(
        (r.items ?? []).some((x) => x.title === '矩阵研修') && (r.totalHours ?? 0) >= 40,
        'the record missing',
      );
    },
  },
  {
    route: 'POST /api/trainers/:id/training',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/trainers/${await newPooled(c.target, `tr-${c.seq}`)}/training`,
      payload: {
        title: `矩阵培训记录${c.seq}`,
        organiser: '省培训中心',
        startsOn: `${year}-05-01`,
        endsOn: `${year}-05-03`,
        hours: 125,
      },
    }),
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('trainer_training')
        .select(['hours', 'created_by'])
        .where('title', '=', `矩阵培训记录${c.seq}`)
        .executeTakeFirst();
      return problem(row?.hours === 125 && row.created_by === c.userId, 'line not stored');
    },
  },
  {
    route: 'DELETE /api/trainers/:id/training/:entryId',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => {
      const id = await newPooled(c.target, `del-${c.seq}`);
      const line = (
        await t.db
          .insertInto('trainer_training')
          .values({
            trainer_id: id,
            title: `矩阵删除${c.seq}`,
            starts_on: `${year}-03-01`,
            ends_on: `${year}-03-01`,
            hours: 10,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      return { method: 'DELETE', url: `/api/trainers/${id}/training/${line}` };
    },
    verify: async (_b, c, res) => {
      const left = await t.db
        .selectFrom('trainer_training')
        .select('id')
        .where('title', '=', `矩阵删除${c.seq}`)
        .execute();
      return problem(res.statusCode === 204 && left.length === 0, 'line still there');
    },
  },
  // ------------------------------------------------------------------ training projects (R-20)
  {
    // the admin's line of the tree: everything run in the subtree, what is published above; nothing of a sibling
    route: 'GET /api/training/projects',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF, outside: 'hidden' },
    request: () => ({ method: 'GET', url: `/api/training/projects?year=${year}&pageSize=200` }),
    verify: (b, c) => {
      const ids = projectsOf(b);
      const { open, draft } = seeded(c.target);
      return problem(
        ids.includes(open) && ids.includes(draft) === (c.relation !== 'parent'),
        'the open project of the unit missing, or a draft above listed',
      );
    },
    unlisted: (b, c) =>
      problem(
        !projectsOf(b).some((id) => id === seeded(c.target).open || id === seeded(c.target).draft),
        'a project of a unit off the line listed',
      ),
  },
  {
    route: 'POST /api/training/projects',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'POST',
      url: '/api/training/projects',
      payload: {
        orgUnitId: c.target.id,
        level: LEVEL[c.target.kind],
        title: `矩阵新项目${c.seq}`,
        year: year + 1,
        hours: 150,
      },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('training_project')
        .select(['org_unit_id', 'status', 'hours'])
        .where('id', '=', Number(json(b)['project']?.['id']))
        .executeTakeFirst();
      return problem(
        row?.org_unit_id === c.target.id && row.status === 'draft' && row.hours === 150,
        'project not stored at the unit as a draft',
      );
    },
  },
  {
    // open project: admins on the line, the teachers of the schools below it, the trainers of its classes (K1's)
    route: 'GET /api/training/projects/:id',
    variant: 'open',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { ...forRoles(ADMINS, LINE), teacher: ['own', 'parent'], trainer: ['parent'] } },
    request: (c) => ({ method: 'GET', url: `/api/training/projects/${seeded(c.target).open}` }),
    verify: (b, c) =>
      problem(
        json(b)['project']?.['id'] === seeded(c.target).open &&
          (b as { canManage?: boolean }).canManage === (ADMINS.includes(c.role as never) && c.relation !== 'parent'),
        'another project, or canManage wrong',
      ),
  },
  {
    // a draft is seen only inside the organiser's subtree: "not found" for everyone else
    route: 'GET /api/training/projects/:id',
    variant: 'draft',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), reach: [] },
    request: (c) => ({ method: 'GET', url: `/api/training/projects/${seeded(c.target).draft}` }),
    verify: (b, c) =>
      problem(
        json(b)['project']?.['id'] === seeded(c.target).draft && json(b)['project']?.['status'] === 'draft',
        'another project',
      ),
  },
  {
    // manage = an admin whose subtree holds the organiser; a project published above is "not found" (outside the subtree)
    route: 'PUT /api/training/projects/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/training/projects/${await newProject(c.target, `put-${c.seq}`)}`,
      payload: { level: LEVEL[c.target.kind], title: `矩阵改项目${c.seq}`, year: year + 1, hours: 90 },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('training_project')
        .select(['title', 'hours'])
        .where('id', '=', Number(json(b)['project']?.['id']))
        .executeTakeFirst();
      return problem(row?.title === `矩阵改项目${c.seq}` && row.hours === 90, 'change not stored');
    },
  },
  {
    route: 'POST /api/training/projects/:id/status',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/training/projects/${await newProject(c.target, `st-${c.seq}`)}/status`,
      payload: { status: 'open' },
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('training_project')
        .select('status')
        .where('id', '=', Number(json(b)['project']?.['id']))
        .executeTakeFirst();
      return problem(row?.status === 'open', 'not opened');
    },
  },
  {
    route: 'PUT /api/training/projects/:id/courses',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/training/projects/${await newProject(c.target, `co-${c.seq}`)}/courses`,
      payload: { courseIds: [courseAt.get(catalogueOf(c.target).id)] },
    }),
    verify: async (b, c) => {
      const rows = await t.db
        .selectFrom('training_project_course')
        .select('course_id')
        .where('project_id', '=', Number(json(b)['project']?.['id']))
        .execute();
      return problem(
        rows.length === 1 && rows[0]!.course_id === courseAt.get(catalogueOf(c.target).id),
        'courses not stored',
      );
    },
  },
  {
    route: 'GET /api/training/projects/:id/trainer-candidates',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/training/projects/${seeded(c.target).open}/trainer-candidates` }),
    verify: (b, c) => {
      const ids = ((b as { items?: Array<{ userId: number }> }).items ?? []).map((x) => x.userId);
      return problem(
        ids.includes(userIds.get('trainer')!) === tree.I1.path.startsWith(c.target.path),
        'the trainers of the subtree are not the candidates',
      );
    },
  },
  {
    // participation by unit: admins on the project's line; a unit below the organiser sees its own lines
    route: 'GET /api/training/projects/:id/stats',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/training/projects/${seeded(c.target).open}/stats` }),
    verify: (b, c) => {
      const base = (b as { base?: { id: number } }).base?.id;
      return problem(
        base === (c.relation === 'parent' ? c.own.id : c.target.id),
        'figures not based on the organiser, or on the reader below it',
      );
    },
  },
  {
    route: 'GET /api/training/projects/:id/stats/export',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/training/projects/${seeded(c.target).open}/stats/export` }),
    verify: (_b, _c, res) =>
      String(res.headers['content-type']).includes('spreadsheetml') ? null : 'not an .xlsx answer',
  },
  {
    // exam statistics by unit: exam.results on the organiser's line; a unit below the organiser reads its own subtree
    route: 'GET /api/exams/:id/stats',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/exams/${statsExamAt.get(c.target.id)}/stats` }),
    verify: (b, c) => {
      const s = b as { base?: { id: number }; overall?: { sat: number } };
      return problem(
        s.base?.id === (c.relation === 'parent' ? c.own.id : c.target.id) && s.overall?.sat === resultSchools(c).length,
        'figures not based on the organiser, or on the reader below it',
      );
    },
  },
  {
    route: 'GET /api/exams/:id/stats.xlsx',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/exams/${statsExamAt.get(c.target.id)}/stats.xlsx` }),
    verify: (_b, _c, res) =>
      String(res.headers['content-type']).includes('spreadsheetml') ? null : 'not an .xlsx answer',
  },
  {
    // the ranked list: the organiser's side reads every school, a unit below the organiser its own schools only
    route: 'GET /api/exams/:id/results',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/exams/${statsExamAt.get(c.target.id)}/results?pageSize=50` }),
    verify: (b, c) => {
      const schools = ((b as { items?: Array<{ schoolName: string | null }> }).items ?? []).map((x) => x.schoolName);
      return problem(
        [...schools].sort().join() === resultSchools(c).sort().join(),
        `results of other schools listed, or own missing: ${schools.join()}`,
      );
    },
  },
  {
    route: 'GET /api/exams/:id/results.xlsx',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/exams/${statsExamAt.get(c.target.id)}/results.xlsx` }),
    verify: (_b, _c, res) =>
      String(res.headers['content-type']).includes('spreadsheetml') ? null : 'not an .xlsx answer',
  },
  {
    route: 'POST /api/training/projects/:id/classes',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/training/projects/${await newProject(c.target, `cl-${c.seq}`)}/classes`,
      payload: { name: `矩阵新班${c.seq}`, capacity: 30 },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('training_class')
        .select(['name', 'capacity'])
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.name === `矩阵新班${c.seq}` && row.capacity === 30, 'class not stored');
    },
  },
  {
    route: 'PATCH /api/training/classes/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/training/classes/${await newClass(c.target, `pc-${c.seq}`)}`,
      payload: { capacity: 40 },
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('training_class')
        .select('capacity')
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.capacity === 40, 'capacity not stored');
    },
  },
  {
    // made online by who runs the project, with a course on its line that has content
    route: 'PUT /api/training/classes/:id/online',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/training/classes/${await newClass(c.target, `on-${c.seq}`)}/online`,
      payload: {
        courseId: courseAt.get(catalogueOf(c.target).id),
        studyOpensOn: `${year}-03-01`,
        studyClosesOn: `${year}-12-31`,
      },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('training_class')
        .select(['course_id', 'study_closes_on'])
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(
        row?.course_id === courseAt.get(catalogueOf(c.target).id) && row?.study_closes_on === `${year}-12-31`,
        'class not made online',
      );
    },
  },
  {
    route: 'PUT /api/training/classes/:id/trainers',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => {
      const classId = await newClass(c.target, `tr-${c.seq}`);
      const userIdsOf = tree.I1.path.startsWith(c.target.path) ? [userIds.get('trainer')!] : [];
      return { method: 'PUT', url: `/api/training/classes/${classId}/trainers`, payload: { userIds: userIdsOf } };
    },
    verify: async (b, c) => {
      const want = tree.I1.path.startsWith(c.target.path) ? [userIds.get('trainer')!] : [];
      const got = ((b as { items?: Array<{ userId: number }> }).items ?? []).map((x) => x.userId);
      const stored = await t.db
        .selectFrom('training_class_trainer')
        .select('user_id')
        .where('user_id', 'in', [0, ...want])
        .where('class_id', 'in', (eb) =>
          eb.selectFrom('training_class').select('id').where('name', '=', `矩阵班tr-${c.seq}`),
        )
        .execute();
      return problem(got.join() === want.join() && stored.length === want.length, 'trainers not stored');
    },
  },
  {
    // the quota table: every unit below the organiser, for those who set the quotas
    route: 'GET /api/training/classes/:id/quota-units',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'GET',
      url: `/api/training/classes/${await newClass(c.target, `qu-${c.seq}`)}/quota-units`,
    }),
    verify: (b, c) => {
      const below = childOf(c.target);
      const items = (b as { items?: Array<{ orgUnitId: number }> }).items ?? [];
      return problem(
        typeof (b as { capacity?: number }).capacity === 'number' &&
          (below ? items.some((i) => i.orgUnitId === below.id) : items.length === 0),
        'the child units are missing',
      );
    },
  },
  {
    // places reserved for a unit below the organiser (a school organises for nobody below: an empty list)
    route: 'PUT /api/training/classes/:id/quotas',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => {
      const below = childOf(c.target);
      return {
        method: 'PUT',
        url: `/api/training/classes/${await newClass(c.target, `q-${c.seq}`)}/quotas`,
        payload: { quotas: below ? [{ orgUnitId: below.id, quota: 5 }] : [] },
      };
    },
    verify: async (b, c) => {
      const below = childOf(c.target);
      const rows = await t.db
        .selectFrom('training_class_quota as q')
        .innerJoin('training_class as k', 'k.id', 'q.class_id')
        .select(['q.org_unit_id', 'q.quota'])
        .where('k.name', '=', `矩阵班q-${c.seq}`)
        .execute();
      const items = (b as { items?: unknown[] }).items ?? [];
      return problem(
        below
          ? rows.length === 1 && rows[0]!.org_unit_id === below.id && rows[0]!.quota === 5 && items.length === 1
          : rows.length === 0 && items.length === 0,
        'quotas not stored',
      );
    },
  },
  {
    route: 'POST /api/training/classes/:id/sessions',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/training/classes/${await newClass(c.target, `se-${c.seq}`)}/sessions`,
      payload: sessionBody(`矩阵新教室${c.seq}`),
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('training_session')
        .select(['place', 'class_id'])
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(
        row?.place === `矩阵新教室${c.seq}` &&
          row.class_id === (b as { classId?: number }).classId &&
          !('tokenSecret' in (b as object)),
        'session not stored (or its key shown)',
      );
    },
  },
  {
    route: 'PUT /api/training/sessions/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => {
      const sessionId = await createTrainingRepository(t.db).insertSession(
        await newClass(c.target, `us-${c.seq}`),
        sessionNow(),
      );
      return { method: 'PUT', url: `/api/training/sessions/${sessionId}`, payload: sessionBody(`矩阵改教室${c.seq}`) };
    },
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('training_session')
        .select('place')
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.place === `矩阵改教室${c.seq}`, 'change not stored');
    },
  },
  {
    route: 'DELETE /api/training/sessions/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => {
      const classId = await newClass(c.target, `ds-${c.seq}`);
      await createTrainingRepository(t.db).insertSession(classId, sessionNow());
      return {
        method: 'DELETE',
        url: `/api/training/sessions/${(await t.db.selectFrom('training_session').select('id').where('class_id', '=', classId).executeTakeFirstOrThrow()).id}`,
      };
    },
    verify: async (_b, c, res) => {
      const left = await t.db
        .selectFrom('training_session as s')
        .innerJoin('training_class as k', 'k.id', 's.class_id')
        .select('s.id')
        .where('k.name', '=', `矩阵班ds-${c.seq}`)
        .execute();
      return problem(res.statusCode === 204 && left.length === 0, 'session still there');
    },
  },
  // ------------------------------------------------------------------ enrolment
  {
    route: 'GET /api/enrolments/available',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/enrolments/available' }),
    verify: (b) => {
      const ids = ((b as { items?: Array<{ project: { id: number } }> }).items ?? []).map((x) => x.project.id);
      return problem(
        ids.includes(seeded(tree.S1).open) &&
          ids.includes(seeded(tree.K1).open) &&
          !ids.includes(seeded(tree.S2).open) &&
          !ids.includes(seeded(tree.S1).draft),
        "not the open projects of the school's line",
      );
    },
  },
  {
    // a teacher joins an open project of their school or of a unit above it; a sibling school's is "not found"
    route: 'POST /api/enrolments',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: async (c) => ({
      method: 'POST',
      url: '/api/enrolments',
      payload: { classId: await newClass(c.target, `en-${c.seq}`) },
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('enrolment')
        .select(['teacher_id', 'status', 'source'])
        .where('id', '=', Number((b as { enrolmentId?: number }).enrolmentId))
        .executeTakeFirst();
      return problem(
        row?.teacher_id === teacherAtSchool.get(tree.S1.id) && row?.status === 'enrolled' && row?.source === 'self',
        'no place for the teacher',
      );
    },
  },
  {
    // a school admin puts forward a teacher of their school for a project of the school or above it
    route: 'POST /api/enrolments/nominate',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { school_admin: ['own', 'parent'] }, refused: NOT_SCHOOL_ADMIN },
    request: async (c) => ({
      method: 'POST',
      url: '/api/enrolments/nominate',
      payload: { classId: await newClass(c.target, `no-${c.seq}`), teacherIds: [teacherAtSchool.get(tree.S1.id)] },
    }),
    verify: async (b) => {
      const id = (b as { items?: Array<{ enrolmentId: number }> }).items?.[0]?.enrolmentId ?? 0;
      const row = await t.db
        .selectFrom('enrolment')
        .select(['teacher_id', 'status', 'source'])
        .where('id', '=', id)
        .executeTakeFirst();
      return problem(
        row?.teacher_id === teacherAtSchool.get(tree.S1.id) &&
          row?.status === 'enrolled' &&
          row?.source === 'nominated',
        'not nominated',
      );
    },
  },
  {
    route: 'POST /api/enrolments/bulk',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: '/api/enrolments/bulk',
      payload: { classId: await newClass(c.target, `bu-${c.seq}`), orgUnitIds: [c.target.id] },
    }),
    verify: async (b, c) => {
      const r = b as { enrolled?: number; waitlisted?: number };
      const rows = await t.db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as k', 'k.id', 'e.class_id')
        .select(['e.org_path', 'e.source'])
        .where('k.name', '=', `矩阵班bu-${c.seq}`)
        .execute();
      return problem(
        (r.enrolled ?? 0) >= 1 &&
          rows.length === (r.enrolled ?? 0) + (r.waitlisted ?? 0) &&
          rows.every((x) => x.org_path.startsWith(c.target.path) && x.source === 'bulk'),
        `not enrolled in bulk: ${JSON.stringify(b)}`,
      );
    },
  },
  {
    // the counts the bulk enrolment's confirmation shows: the organiser's, like the enrolment itself; nothing written
    route: 'POST /api/enrolments/bulk/preview',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: '/api/enrolments/bulk/preview',
      payload: { classId: await newClass(c.target, `bp-${c.seq}`), orgUnitIds: [c.target.id] },
    }),
    verify: async (b, c) => {
      const r = b as { enrolled?: number; waitlisted?: number };
      const rows = await t.db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as k', 'k.id', 'e.class_id')
        .select('e.id')
        .where('k.name', '=', `矩阵班bp-${c.seq}`)
        .execute();
      return problem((r.enrolled ?? 0) >= 1 && rows.length === 0, `not a preview: ${JSON.stringify(b)}`);
    },
  },
  {
    // the enrolment of a teacher of the first school under the target, in a project run at the target: the teacher,
    // the organiser's admins and the school's admin withdraw it; an admin above the school but not the organiser is refused
    route: 'POST /api/enrolments/:id/withdraw',
    about: 'unit',
    at: ORGANISERS,
    rule: {
      allow: { ...forRoles(ADMINS, SUBTREE), school_admin: ['own', 'parent'], teacher: ['own', 'parent'] },
      reach: LINE,
      reachOf: { trainer: [] },
    },
    request: async (c) => {
      const id = await enrolDirect(
        await newClass(c.target, `wd-${c.seq}`),
        teacherAtSchool.get(schoolUnder(c.target).id)!,
      );
      return { method: 'POST', url: `/api/enrolments/${id}/withdraw` };
    },
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as k', 'k.id', 'e.class_id')
        .select('e.status')
        .where('k.name', '=', `矩阵班wd-${c.seq}`)
        .executeTakeFirst();
      return problem(row?.status === 'withdrawn', 'not withdrawn');
    },
  },
  {
    route: 'GET /api/enrolments/timetable',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/enrolments/timetable' }),
    verify: (b) =>
      problem(
        ((b as { items?: Array<{ sessionId: number }> }).items ?? []).some(
          (x) => x.sessionId === seeded(tree.S1).sessionId,
        ),
        "the session of the teacher's class missing",
      ),
  },
  // ------------------------------------------------------------------ online study, the teacher's side
  {
    route: 'GET /api/me/study',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/me/study' }),
    verify: (b) => {
      const ids = ((b as { items?: Array<{ classId: number }> }).items ?? []).map((x) => x.classId);
      return problem(
        ids.includes(online(tree.K1).classId) && !ids.includes(online(tree.K3).classId),
        "not the teacher's own online classes",
      );
    },
  },
  {
    route: 'GET /api/study/classes/:classId/outline',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: STUDY_READERS },
    request: (c) => ({ method: 'GET', url: `/api/study/classes/${online(c.target).classId}/outline` }),
    verify: (b, c) => {
      const r = b as { class?: { classId: number }; chapters?: Array<{ items: Array<{ id: number }> }> };
      return problem(
        r.class?.classId === online(c.target).classId &&
          (r.chapters ?? []).some((ch) => ch.items.some((i) => i.id === online(c.target).itemId)),
        'not the outline of the class',
      );
    },
  },
  {
    route: 'GET /api/study/classes/:classId/items/:itemId',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: STUDY_READERS },
    request: (c) => ({
      method: 'GET',
      url: `/api/study/classes/${online(c.target).classId}/items/${online(c.target).itemId}`,
    }),
    verify: (b) => problem((b as { body?: string }).body === '矩阵种子正文', 'not the text page'),
  },
  {
    // the matrix's trainer teaches K1's class: its session is in their list
    route: 'GET /api/attendance/my-sessions',
    about: 'self',
    rule: { allow: { trainer: OWN }, refused: NOT_TRAINER },
    request: () => ({ method: 'GET', url: '/api/attendance/my-sessions' }),
    verify: (b) =>
      problem(
        ((b as { items?: Array<{ id: number }> }).items ?? []).some((x) => x.id === seeded(tree.K1).sessionId),
        "the session of the trainer's class missing",
      ),
  },
  {
    // the class of a project on the admin's line; only the rows of the admin's subtree
    route: 'GET /api/enrolments',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/enrolments?classId=${seeded(c.target).classId}&pageSize=200` }),
    verify: async (b, c) => {
      const ids = ((b as { items?: Array<{ teacherId: number }> }).items ?? []).map((x) => x.teacherId);
      const paths = ids.length
        ? await t.db.selectFrom('teacher').select('org_path').where('id', 'in', ids).execute()
        : [];
      return problem(
        ids.length >= 1 && paths.every((p) => p.org_path.startsWith(c.own.path)),
        'no rows, or rows of another subtree',
      );
    },
  },
  {
    route: 'GET /api/enrolments/export',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/enrolments/export?classId=${seeded(c.target).classId}` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  // ------------------------------------------------------------------ attendance and completion (R-15, R-45)
  {
    route: 'GET /api/sessions/:id/checkin-code',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/sessions/${seeded(c.target).sessionId}/checkin-code` }),
    verify: (b, c) =>
      problem(
        typeof (b as { token?: unknown }).token === 'string' &&
          json(b)['session']?.['id'] === seeded(c.target).sessionId,
        'no code for the session',
      ),
  },
  {
    route: 'POST /api/attendance/scan',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: async () => {
      const { id, token_secret } = await t.db
        .selectFrom('training_session')
        .select(['id', 'token_secret'])
        .where('id', '=', seeded(tree.S1).sessionId)
        .executeTakeFirstOrThrow();
      return {
        method: 'POST',
        url: '/api/attendance/scan',
        payload: { token: issueToken(token_secret, id, Date.now(), 'in').token, sessionId: id },
      };
    },
    verify: async () => {
      const row = await t.db
        .selectFrom('attendance')
        .select(['present', 'method'])
        .where('session_id', '=', seeded(tree.S1).sessionId)
        .where('teacher_id', '=', teacherAtSchool.get(tree.S1.id)!)
        .executeTakeFirst();
      return problem(row?.present === true && row.method === 'qr', 'check-in not recorded');
    },
  },
  {
    route: 'GET /api/sessions/:id/attendance',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/sessions/${seeded(c.target).sessionId}/attendance` }),
    verify: (b, c) =>
      problem(
        json(b)['session']?.['id'] === seeded(c.target).sessionId && itemsOf(b).length >= 1,
        'another session, or no enrolled teachers',
      ),
  },
  {
    // the attendance sheet to print and seal (签到表): whoever runs the session
    route: 'GET /api/sessions/:id/sign-in-sheet',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/sessions/${seeded(c.target).sessionId}/sign-in-sheet` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']) === 'application/pdf' &&
          res.rawPayload.subarray(0, 5).toString() === '%PDF-',
        'not a PDF answer',
      ),
  },
  {
    // the completion list to print and seal (结业名单): whoever runs the class
    route: 'GET /api/classes/:id/completion-list',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/classes/${seeded(c.target).classId}/completion-list?format=xlsx` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'PUT /api/sessions/:id/attendance/:teacherId',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: async (c) => {
      const { classId, teacherId } = await runClass(c);
      const sessionId = await createTrainingRepository(t.db).insertSession(classId, sessionNow());
      return {
        method: 'PUT',
        url: `/api/sessions/${sessionId}/attendance/${teacherId}`,
        payload: { present: true, reason: `矩阵补签${c.seq}` },
      };
    },
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('attendance')
        .select(['present', 'method', 'corrected_by'])
        .where('reason', '=', `矩阵补签${c.seq}`)
        .executeTakeFirst();
      return problem(
        row?.present === true && row.method === 'manual' && row.corrected_by === c.userId,
        'correction not stored',
      );
    },
  },
  {
    route: 'PUT /api/classes/:id/enrolments/:teacherId/assessment',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: async (c) => {
      const { classId, teacherId } = await runClass(c);
      return {
        method: 'PUT',
        url: `/api/classes/${classId}/enrolments/${teacherId}/assessment`,
        payload: { passed: true },
      };
    },
    verify: async (b) => {
      const r = b as { classId: number; teacherId: number };
      const row = await t.db
        .selectFrom('enrolment')
        .select('assessment_passed')
        .where('class_id', '=', r.classId)
        .where('teacher_id', '=', r.teacherId)
        .executeTakeFirst();
      return problem(row?.assessment_passed === true, 'result not stored');
    },
  },
  {
    // closing and reopening is the organiser's: the trainers of the class are refused
    route: 'POST /api/classes/:id/close',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({ method: 'POST', url: `/api/classes/${await newClass(c.target, `cc-${c.seq}`)}/close` }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('training_class')
        .select(['status', 'closed_by'])
        .where('id', '=', Number((b as { classId?: number }).classId))
        .executeTakeFirst();
      return problem(row?.status === 'closed', 'not closed');
    },
  },
  {
    // what the close would do, before it is done: the organiser's, like the close itself
    route: 'GET /api/classes/:id/close-preview',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/classes/${seeded(c.target).classId}/close-preview` }),
    verify: (b, c) =>
      problem(
        (b as { classId?: number }).classId === seeded(c.target).classId &&
          typeof (b as { ended?: unknown }).ended === 'boolean' &&
          Array.isArray((b as { completing?: unknown }).completing),
        'not the preview of the class',
      ),
  },
  {
    route: 'POST /api/classes/:id/reopen',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => {
      const classId = await newClass(c.target, `ro-${c.seq}`);
      await t.db
        .updateTable('training_class')
        .set({ status: 'closed', closed_at: new Date() })
        .where('id', '=', classId)
        .execute();
      return { method: 'POST', url: `/api/classes/${classId}/reopen`, payload: { reason: `矩阵重开${c.seq}` } };
    },
    verify: async (b) => {
      const row = await t.db
        .selectFrom('training_class')
        .select('status')
        .where('id', '=', Number((b as { classId?: number }).classId))
        .executeTakeFirst();
      return problem(row?.status === 'open', 'not reopened');
    },
  },
  // ------------------------------------------------------------------ satisfaction survey (R-43)
  {
    route: 'GET /api/training/projects/:id/survey',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/training/projects/${seeded(c.target).open}/survey` }),
    verify: (b, c) =>
      problem(
        (b as { projectId?: number }).projectId === seeded(c.target).open &&
          ((b as { questions?: unknown[] }).questions ?? []).length === 6,
        'not the default questionnaire of the project',
      ),
  },
  {
    route: 'PUT /api/training/projects/:id/survey',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/training/projects/${await newProject(c.target, `sv-${c.seq}`)}/survey`,
      payload: { questions: [{ key: 'useful', kind: 'rating', zh: `矩阵问卷${c.seq}`, en: 'Useful' }] },
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('survey_form')
        .select('questions')
        .where('project_id', '=', Number((b as { projectId?: number }).projectId))
        .executeTakeFirst();
      return problem(
        (row?.questions as Array<{ zh: string }> | undefined)?.[0]?.zh.startsWith('矩阵问卷') === true,
        'questions not stored',
      );
    },
  },
  {
    route: 'GET /api/training/projects/:id/survey/results',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/training/projects/${seeded(c.target).open}/survey/results` }),
    verify: (b, c) =>
      problem(
        ((b as { results?: { classes?: Array<{ classId: number }> } }).results?.classes ?? []).some(
          (x) => x.classId === seeded(c.target).classId,
        ),
        "the project's class missing",
      ),
  },
  {
    // a unit's projects of a year, for its next plan: survey.results in the subtree
    route: 'GET /api/surveys/summary',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/surveys/summary?orgUnitId=${c.target.id}&year=${year}` }),
    verify: (b, c) =>
      problem(
        ((b as { projects?: Array<{ projectId: number }> }).projects ?? []).some(
          (x) => x.projectId === seeded(c.target).open,
        ),
        "the unit's open project missing",
      ),
  },
  {
    route: 'GET /api/training/projects/:id/survey/results.xlsx',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/training/projects/${seeded(c.target).open}/survey/results.xlsx` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    // the seeded classes of the teacher's school and of the units above it have a session under way: their surveys await
    route: 'GET /api/surveys/pending',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/surveys/pending' }),
    verify: (b) => {
      const ids = ((b as { items?: Array<{ classId: number }> }).items ?? []).map((x) => x.classId);
      return problem(
        ids.includes(seeded(tree.S1).classId) &&
          ids.includes(seeded(tree.K1).classId) &&
          !ids.includes(seeded(tree.S2).classId),
        'not the classes of the teacher',
      );
    },
  },
  {
    // a teacher opens the survey of a class they hold a place in; any other class does not exist for them
    route: 'GET /api/surveys/classes/:classId',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: (c) => ({ method: 'GET', url: `/api/surveys/classes/${seeded(c.target).classId}` }),
    verify: (b, c) =>
      problem(
        (b as { classId?: number }).classId === seeded(c.target).classId &&
          (b as { window?: string }).window === 'open',
        'not the open survey of the class',
      ),
  },
  {
    route: 'POST /api/surveys/classes/:classId/answers',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: async (c) => {
      const { classId } = await runClass(c);
      await createTrainingRepository(t.db).insertSession(classId, sessionNow());
      return {
        method: 'POST',
        url: `/api/surveys/classes/${classId}/answers`,
        payload: {
          answers: { content: 5, trainer: 5, organisation: 4, venue: 4, overall: 5, suggestions: `矩阵意见${c.seq}` },
        },
      };
    },
    verify: async (b, c) => {
      const rows = await t.db
        .selectFrom('survey_response')
        .select('answers')
        .where('class_id', '=', Number((b as { classId?: number }).classId))
        .execute();
      const audit = await t.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'survey.answer')
        .where('target_id', '=', String((b as { classId?: number }).classId))
        .execute();
      return problem(
        rows.length === 1 &&
          JSON.stringify(rows[0]!.answers).includes(`矩阵意见${c.seq}`) &&
          audit.length === 1 &&
          !JSON.stringify(audit[0]!.details ?? {}).includes('矩阵意见'),
        'answer not stored once, or its text audited',
      );
    },
  },
  {
    // the class's trainers and the organiser's subtree read the figures; a teacher never does
    route: 'GET /api/surveys/classes/:classId/results',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/surveys/classes/${seeded(c.target).classId}/results` }),
    verify: (b, c) =>
      problem(
        (b as { classId?: number }).classId === seeded(c.target).classId &&
          typeof (b as { results?: { answers?: unknown } }).results?.answers === 'number',
        'not the figures of the class',
      ),
  },
  // ------------------------------------------------------------------ online study (R-36)
  {
    // a teacher studies an item of an online class they hold a place in; any other class does not exist for them
    route: 'POST /api/study/sessions',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: (c) => ({
      method: 'POST',
      url: '/api/study/sessions',
      payload: { classId: seeded(c.target).classId, itemId: sessionItemAt.get(c.target.id)! },
    }),
    verify: (b) => problem(typeof json(b)['sessionId'] === 'number', 'no session'),
  },
  {
    route: 'POST /api/study/sessions/:id/heartbeats',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: async (c) => ({
      method: 'POST',
      url: `/api/study/sessions/${await studySession(c)}/heartbeats`,
      payload: { seq: 0, from: 0, to: 1, rate: 1, visible: true, focused: true, playing: true },
    }),
    verify: (b) => problem((b as { repeated?: boolean }).repeated === false, 'not taken'),
  },
  {
    route: 'POST /api/study/sessions/:id/end',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: async (c) => ({ method: 'POST', url: `/api/study/sessions/${await studySession(c)}/end` }),
    verify: (b) => problem(typeof (b as { endedAt?: unknown }).endedAt === 'string', 'not ended'),
  },
  {
    // its teacher, the class's trainers and the organiser's admins
    route: 'GET /api/study/sessions/:id/receipt',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { ...RUNNERS, teacher: ['own', 'parent'] } },
    request: async (c) => ({ method: 'GET', url: `/api/study/sessions/${await studySession(c)}/receipt` }),
    verify: (b) => problem(typeof (b as { wallSeconds?: unknown }).wallSeconds === 'number', 'not a receipt'),
  },
  {
    route: 'GET /api/study/classes/:classId/my-progress',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: (c) => ({ method: 'GET', url: `/api/study/classes/${seeded(c.target).classId}/my-progress` }),
    verify: (b) => problem((b as { rows?: unknown[] }).rows?.length === 1, 'not the own row'),
  },
  {
    // the tutor's table: the class's trainers and the organiser's admins; a teacher never
    route: 'GET /api/study/classes/:classId/progress',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/study/classes/${seeded(c.target).classId}/progress` }),
    verify: (b, c) =>
      problem((b as { classId?: number }).classId === seeded(c.target).classId, 'not the table of the class'),
  },
  {
    route: 'GET /api/study/classes/:classId/progress.xlsx',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/study/classes/${seeded(c.target).classId}/progress.xlsx` }),
    verify: (_b, _c, res) =>
      problem(String(res.headers['content-type']).includes('spreadsheetml'), 'not an .xlsx answer'),
  },
  {
    route: 'POST /api/study/classes/:classId/reminders',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'POST', url: `/api/study/classes/${seeded(c.target).classId}/reminders`, payload: {} }),
    verify: (b) => problem(typeof (b as { teachers?: unknown }).teachers === 'number', 'no count'),
  },
  {
    route: 'GET /api/study/classes/:classId/items/:itemId/state',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: (c) => ({
      method: 'GET',
      url: `/api/study/classes/${seeded(c.target).classId}/items/${sessionItemAt.get(c.target.id)!}/state`,
    }),
    verify: (b) => problem((b as { requiredMinutes?: number }).requiredMinutes === 10, 'not the item'),
  },
  // ------------------------------------------------------------------ reflections (R-35)
  {
    // the online classes of the teacher's school and of the units above it hold a place for them
    route: 'GET /api/study/reflections',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/study/reflections' }),
    verify: (b) => {
      const ids = ((b as { items?: Array<{ id: number }> }).items ?? []).map((x) => x.id);
      return problem(
        ids.includes(reflectedAt(tree.S1).classId) &&
          ids.includes(reflectedAt(tree.K1).classId) &&
          !ids.includes(reflectedAt(tree.S2).classId),
        'not the online classes of the teacher',
      );
    },
  },
  {
    // a teacher's own reflections of an online class they hold a place in; any other class does not exist for them
    route: 'GET /api/study/classes/:id/reflections',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: (c) => ({ method: 'GET', url: `/api/study/classes/${reflectedAt(c.target).classId}/reflections` }),
    verify: (b, c) =>
      problem(
        json(b)['class']?.['id'] === reflectedAt(c.target).classId && Array.isArray((b as { items?: unknown }).items),
        'not the reflections of the class',
      ),
  },
  {
    route: 'POST /api/study/classes/:id/reflections',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: (c) => ({
      method: 'POST',
      url: `/api/study/classes/${reflectedAt(c.target).classId}/reflections`,
      payload: { title: `矩阵心得${c.seq}`, body: reflectionText(90_000 + c.seq, 300) },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('reflection')
        .select(['title', 'class_id'])
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(
        row?.title === `矩阵心得${c.seq}` &&
          row.class_id === reflectedAt(c.target).classId &&
          json(b)['counts'] !== undefined,
        'reflection not stored in the class',
      );
    },
  },
  {
    route: 'PUT /api/study/classes/:id/reflections/:reflectionId',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: async (c) => {
      const { classId } = reflectedAt(c.target);
      const id = await reflectionIn(classId, reflectionAuthor(c), `改前${c.seq}`, 91_000 + c.seq);
      return {
        method: 'PUT',
        url: `/api/study/classes/${classId}/reflections/${id}`,
        payload: { title: `矩阵改后${c.seq}`, body: reflectionText(92_000 + c.seq, 300) },
      };
    },
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('reflection')
        .select('title')
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.title === `矩阵改后${c.seq}`, 'change not stored');
    },
  },
  {
    route: 'POST /api/study/classes/:id/reflections/:reflectionId/withdraw',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: { teacher: ['own', 'parent'] }, refused: NOT_TEACHER },
    request: async (c) => {
      const { classId } = reflectedAt(c.target);
      const id = await reflectionIn(classId, reflectionAuthor(c), `撤回${c.seq}`, 93_000 + c.seq);
      return { method: 'POST', url: `/api/study/classes/${classId}/reflections/${id}/withdraw` };
    },
    verify: async (b) => {
      const row = await t.db
        .selectFrom('reflection')
        .select('status')
        .where('id', '=', Number((b as { id?: number }).id))
        .executeTakeFirst();
      return problem(row?.status === 'withdrawn', 'not withdrawn');
    },
  },
  {
    // the class's tutors (its trainers) and the organiser's subtree read the class's reflections; a teacher never does
    route: 'GET /api/classes/:id/reflections',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/classes/${reflectedAt(c.target).classId}/reflections` }),
    verify: (b, c) =>
      problem(
        ((b as { items?: Array<{ id: number }> }).items ?? []).some((x) => x.id === reflectedAt(c.target).reflectionId),
        "the class's reflection missing",
      ),
  },
  {
    route: 'GET /api/classes/:id/reflections.xlsx',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/classes/${reflectedAt(c.target).classId}/reflections.xlsx` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'GET /api/classes/:id/reflections/clusters',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => ({ method: 'GET', url: `/api/classes/${reflectedAt(c.target).classId}/reflections/clusters` }),
    verify: (b, c) =>
      problem(
        ((b as { clusters?: Array<{ members: Array<{ id: number }> }> }).clusters ?? []).some((g) =>
          g.members.some((m) => m.id === reflectedAt(c.target).reflectionId),
        ),
        "the class's cluster missing",
      ),
  },
  {
    route: 'GET /api/classes/:id/reflections/:reflectionId',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: RUNNERS, refused: ['teacher'] },
    request: (c) => {
      const o = reflectedAt(c.target);
      return { method: 'GET', url: `/api/classes/${o.classId}/reflections/${o.reflectionId}` };
    },
    verify: (b, c) =>
      problem(
        (b as { id?: number }).id === reflectedAt(c.target).reflectionId &&
          typeof (b as { body?: unknown }).body === 'string',
        'not the reflection',
      ),
  },
  {
    route: 'GET /api/courses/:id/reflection-prompts',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/courses/${courseAt.get(c.target.id)}/reflection-prompts` }),
    verify: (b, c) => problem((b as { courseId?: number }).courseId === courseAt.get(c.target.id), 'another course'),
  },
  {
    // prompts are set by the admins who keep the course; one seen from below is refused with 403
    route: 'PUT /api/courses/:id/reflection-prompts',
    about: 'unit',
    at: CATALOGUE,
    rule: { allow: forRoles(COURSE_KEEPERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/courses/${await newCourse(c.target, `prompt-${c.seq}`)}/reflection-prompts`,
      payload: { prompts: [`矩阵提示${c.seq}`] },
    }),
    verify: async (b, c) => {
      const rows = await t.db
        .selectFrom('course_reflection_prompt')
        .select('body')
        .where('course_id', '=', Number((b as { courseId?: number }).courseId))
        .execute();
      return problem(rows.length === 1 && rows[0]!.body === `矩阵提示${c.seq}`, 'prompts not stored');
    },
  },
  // ------------------------------------------------------------------ annual plans (R-20)
  {
    // the plan of a unit: its own and those above it to everyone there, those below to admins; approved or published ones only from below the plan's unit
    route: 'GET /api/plans',
    about: 'unit',
    at: PLANNERS,
    rule: { allow: PLAN_READERS, reach: [] },
    request: async (c) => {
      const y = planYear('read', c);
      await planAt(c.target, 'published', y);
      return { method: 'GET', url: `/api/plans?orgUnitId=${c.target.id}&year=${y}` };
    },
    verify: (b, c) =>
      problem(
        json(b)['plan']?.['orgUnitId'] === c.target.id &&
          ((json(b)['plan']?.['items'] ?? []) as unknown[]).length === 1,
        "the unit's plan missing",
      ),
  },
  {
    route: 'GET /api/plans/:id',
    about: 'unit',
    at: PLANNERS,
    rule: { allow: PLAN_READERS, reach: [] },
    request: async (c) => ({
      method: 'GET',
      url: `/api/plans/${(await planAt(c.target, 'published', planYear('get', c))).id}`,
    }),
    verify: (b, c) => problem(json(b)['plan']?.['orgUnitId'] === c.target.id, 'another plan answered'),
  },
  {
    // the history (with the county's comments) is for the admins of the unit and above it
    route: 'GET /api/plans/:id/versions',
    about: 'unit',
    at: PLANNERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), reach: [] },
    request: async (c) => ({
      method: 'GET',
      url: `/api/plans/${(await planAt(c.target, 'published', planYear('versions', c))).id}/versions`,
    }),
    verify: (b) => problem(itemsOf(b).length === 1, 'the version missing'),
  },
  {
    route: 'GET /api/plans/versions/:id',
    about: 'unit',
    at: PLANNERS,
    rule: { allow: forRoles(ADMINS, SUBTREE), reach: [] },
    request: async (c) => ({
      method: 'GET',
      url: `/api/plans/versions/${(await planAt(c.target, 'published', planYear('version', c))).versionId}`,
    }),
    verify: (b) =>
      problem(
        ((json(b)['version']?.['content'] as { items?: unknown[] } | undefined)?.items ?? []).length === 1,
        'the content missing',
      ),
  },
  {
    route: 'GET /api/plans/:id/export.xlsx',
    about: 'unit',
    at: PLANNERS,
    rule: { allow: PLAN_READERS, reach: [] },
    request: async (c) => ({
      method: 'GET',
      url: `/api/plans/${(await planAt(c.target, 'published', planYear('export', c))).id}/export.xlsx`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    // each unit writes its own plan; below it is refused, elsewhere not found
    route: 'PUT /api/plans',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, OWN), refused: STAFF },
    request: (c) => ({
      method: 'PUT',
      url: '/api/plans',
      payload: {
        orgUnitId: c.target.id,
        year: planYear('save', c),
        title: `矩阵新计划${c.seq}`,
        items: [{ month: 5, title: `矩阵新活动${c.seq}` }],
      },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('training_plan')
        .select(['org_unit_id', 'status'])
        .where('id', '=', Number(json(b)['plan']?.['id']))
        .executeTakeFirst();
      return problem(row?.org_unit_id === c.target.id && row.status === 'draft', 'plan not stored at the unit');
    },
  },
  {
    // a school submits its own plan to the county; the province, cities and counties publish theirs instead
    route: 'POST /api/plans/:id/submit',
    about: 'unit',
    at: PLANNERS,
    rule: {
      allow: forRoles(ADMINS, OWN),
      refused: STAFF,
      kinds: { only: ['school', 'township'], otherwise: { invalid: 'PLAN_LEVEL_MISMATCH' } },
    },
    request: async (c) => ({
      method: 'POST',
      url: `/api/plans/${(await planAt(c.target, 'draft', planYear('submit', c))).id}/submit`,
    }),
    verify: async (b) =>
      problem((await planStatusOf(Number(json(b)['plan']?.['id']))) === 'submitted', 'not submitted'),
  },
  {
    route: 'POST /api/plans/:id/publish',
    about: 'unit',
    at: PLANNERS,
    rule: {
      allow: forRoles(ADMINS, OWN),
      refused: STAFF,
      kinds: { only: ['province', 'city', 'county'], otherwise: { invalid: 'PLAN_LEVEL_MISMATCH' } },
    },
    request: async (c) => ({
      method: 'POST',
      url: `/api/plans/${(await planAt(c.target, 'draft', planYear('publish', c))).id}/publish`,
    }),
    verify: async (b) =>
      problem((await planStatusOf(Number(json(b)['plan']?.['id']))) === 'published', 'not published'),
  },
  {
    route: 'POST /api/plans/:id/reopen',
    about: 'unit',
    at: PLANNERS,
    rule: {
      allow: forRoles(ADMINS, OWN),
      refused: STAFF,
      kinds: { only: ['school', 'township'], otherwise: { invalid: 'PLAN_LEVEL_MISMATCH' } },
    },
    request: async (c) => ({
      method: 'POST',
      url: `/api/plans/${(await planAt(c.target, 'approved', planYear('reopen', c))).id}/reopen`,
    }),
    verify: async (b) => problem((await planStatusOf(Number(json(b)['plan']?.['id']))) === 'draft', 'not reopened'),
  },
  {
    // 校本培训计划审批: only the county decides on the plans of its schools
    route: 'POST /api/plans/:id/approve',
    about: 'unit',
    at: PLANNERS,
    rule: { allow: { county_admin: BELOW }, refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/plans/${(await planAt(c.target, 'submitted', planYear('approve', c))).id}/approve`,
      payload: { comment: `矩阵同意${c.seq}` },
    }),
    verify: async (b) => problem((await planStatusOf(Number(json(b)['plan']?.['id']))) === 'approved', 'not approved'),
  },
  {
    route: 'POST /api/plans/:id/return',
    about: 'unit',
    at: PLANNERS,
    rule: { allow: { county_admin: BELOW }, refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/plans/${(await planAt(c.target, 'submitted', planYear('return', c))).id}/return`,
      payload: { comment: `矩阵退回${c.seq}` },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('training_plan')
        .select(['status', 'review_comment'])
        .where('id', '=', Number(json(b)['plan']?.['id']))
        .executeTakeFirst();
      return problem(
        row?.status === 'returned' && row.review_comment === `矩阵退回${c.seq}`,
        'not returned with the comment',
      );
    },
  },
  {
    route: 'GET /api/plans/calendar',
    about: 'unit',
    rule: { allow: PLAN_READERS, reach: [] },
    request: async (c) => {
      const y = planYear('calendar', c);
      if (PLANNERS.includes(c.target.kind)) await planAt(c.target, 'published', y);
      return { method: 'GET', url: `/api/plans/calendar?orgUnitId=${c.target.id}&year=${y}` };
    },
    verify: (b, c) =>
      problem(
        json(b)['unit']?.['id'] === c.target.id &&
          (!PLANNERS.includes(c.target.kind) ||
            ((b as { items?: Array<{ unitId: number }> }).items ?? []).some((i) => i.unitId === c.target.id)),
        "the unit's plan missing from its calendar",
      ),
  },
  {
    route: 'GET /api/plans/review-queue',
    about: 'self',
    rule: { allow: { county_admin: OWN } },
    request: async (c) => {
      const y = planYear('queue', c);
      await planAt(tree.S1, 'submitted', y);
      return { method: 'GET', url: `/api/plans/review-queue?year=${y}` };
    },
    verify: (b) =>
      problem(
        ((b as { submitted?: Array<{ orgUnitId: number }> }).submitted ?? []).some((p) => p.orgUnitId === tree.S1.id),
        "the school's submitted plan missing",
      ),
  },
  {
    route: 'POST /api/plans/sheet',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: (c) => ({
      method: 'POST',
      url: `/api/plans/sheet?year=${year}`,
      ...multipartFile(`月份,培训内容\n3月,矩阵读表${c.seq}\n`, {
        filename: `plan-${c.seq}.csv`,
        contentType: 'text/csv',
      }),
    }),
    verify: (b, c) =>
      problem(
        ((b as { items?: Array<{ title: string }> }).items ?? []).some((i) => i.title === `矩阵读表${c.seq}`),
        'the line not read',
      ),
  },
  // ------------------------------------------------------------------ fees (R-50)
  {
    // the organiser's side reads every fee; an admin below it (once published) reads the fees their unit pays
    route: 'GET /api/training/projects/:id/fees',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => {
      await feeItemAt(c.target, `ls-${c.seq}`);
      return { method: 'GET', url: `/api/training/projects/${seeded(c.target).open}/fees` };
    },
    verify: (b, c) =>
      problem(
        itemsOf(b).length >= 1 &&
          (b as { items: Array<{ name: string }> }).items.some((i) => i.name === `矩阵费用ls-${c.seq}`),
        'the fee missing',
      ),
  },
  {
    route: 'POST /api/training/projects/:id/fees',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(FEE_MANAGERS, SUBTREE), refused: STAFF, reach: LINE },
    request: (c) => ({
      method: 'POST',
      url: `/api/training/projects/${seeded(c.target).open}/fees`,
      payload: { name: `矩阵新费用${c.seq}`, kind: 'textbook', amountFen: 3_550 },
    }),
    verify: async (b, c) => {
      const row = await t.db
        .selectFrom('fee_item')
        .select(['project_id', 'amount_fen', 'kind'])
        .where('id', '=', Number(json(b)['item']?.['id']))
        .executeTakeFirst();
      return problem(
        row?.project_id === seeded(c.target).open && row.amount_fen === 3_550 && row.kind === 'textbook',
        'fee not stored on the project',
      );
    },
  },
  {
    // below the organiser only the lines of the units of the actor's own subtree
    route: 'GET /api/training/projects/:id/fees/units',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => {
      await feeItemAt(c.target, `du-${c.seq}`);
      return { method: 'GET', url: `/api/training/projects/${seeded(c.target).open}/fees/units` };
    },
    verify: (b, c) => {
      const lines = feeLinesOf(b);
      const within = c.relation === 'parent' ? c.own.path : c.target.path;
      return problem(
        lines.length >= 1 &&
          lines.every((l) => unitOf(l.unitId).path.startsWith(within)) &&
          lines.some((l) => l.teachers >= 1),
        `no lines, or lines of another subtree: ${JSON.stringify(lines)}`,
      );
    },
  },
  {
    route: 'GET /api/training/projects/:id/fees/export.xlsx',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => {
      await feeItemAt(c.target, `ex-${c.seq}`);
      return { method: 'GET', url: `/api/training/projects/${seeded(c.target).open}/fees/export.xlsx` };
    },
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'PATCH /api/fees/:itemId',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(FEE_MANAGERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/fees/${await feeItemAt(c.target, `pa-${c.seq}`)}`,
      payload: { amountFen: 9_050 },
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('fee_item')
        .select('amount_fen')
        .where('id', '=', Number(json(b)['item']?.['id']))
        .executeTakeFirst();
      return problem(row?.amount_fen === 9_050, 'amount not changed');
    },
  },
  {
    route: 'POST /api/fees/:itemId/archive',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(FEE_MANAGERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({ method: 'POST', url: `/api/fees/${await feeItemAt(c.target, `ar-${c.seq}`)}/archive` }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('fee_item')
        .select('archived')
        .where('id', '=', Number(json(b)['item']?.['id']))
        .executeTakeFirst();
      return problem(row?.archived === true, 'not archived');
    },
  },
  {
    route: 'POST /api/fees/:itemId/unarchive',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(FEE_MANAGERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/fees/${await feeItemAt(c.target, `ua-${c.seq}`, true)}/unarchive`,
    }),
    verify: async (b) => {
      const row = await t.db
        .selectFrom('fee_item')
        .select('archived')
        .where('id', '=', Number(json(b)['item']?.['id']))
        .executeTakeFirst();
      return problem(row?.archived === false, 'not brought back');
    },
  },
  {
    route: 'DELETE /api/fees/:itemId',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(FEE_MANAGERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({ method: 'DELETE', url: `/api/fees/${await feeItemAt(c.target, `de-${c.seq}`)}` }),
    verify: async (_b, c, res) => {
      const left = await t.db.selectFrom('fee_item').select('id').where('name', '=', `矩阵费用de-${c.seq}`).execute();
      return problem(res.statusCode === 204 && left.length === 0, 'fee still there');
    },
  },
  {
    route: 'PUT /api/fees/:itemId/units/:unitId/override',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(FEE_MANAGERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/fees/${await feeItemAt(c.target, `ov-${c.seq}`)}/units/${payerOf(c.target).id}/override`,
      payload: { dueFen: 12_300, reason: `矩阵调整${c.seq}` },
    }),
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('fee_due_override')
        .select(['due_fen', 'org_unit_id'])
        .where('reason', '=', `矩阵调整${c.seq}`)
        .executeTakeFirst();
      return problem(row?.due_fen === 12_300 && row.org_unit_id === payerOf(c.target).id, 'amount due not set');
    },
  },
  {
    route: 'DELETE /api/fees/:itemId/units/:unitId/override',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(FEE_MANAGERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => {
      const itemId = await feeItemAt(c.target, `oc-${c.seq}`);
      const payer = payerOf(c.target);
      await t.db
        .insertInto('fee_due_override')
        .values({
          fee_item_id: itemId,
          org_unit_id: payer.id,
          org_path: payer.path,
          due_fen: 1,
          reason: `矩阵清除${c.seq}`,
        })
        .execute();
      return { method: 'DELETE', url: `/api/fees/${itemId}/units/${payer.id}/override` };
    },
    verify: async (_b, c) =>
      problem(
        (await t.db.selectFrom('fee_due_override').select('due_fen').where('reason', '=', `矩阵清除${c.seq}`).execute())
          .length === 0,
        'amount due still set',
      ),
  },
  {
    route: 'POST /api/fees/:itemId/units/:unitId/payments',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(FEE_MANAGERS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/fees/${await feeItemAt(c.target, `py-${c.seq}`)}/units/${payerOf(c.target).id}/payments`,
      payload: { amountFen: 8_000, paidOn: `${year}-01-02`, receiptNo: `MX${c.seq}` },
    }),
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('fee_payment')
        .select(['amount_fen', 'org_unit_id', 'created_by'])
        .where('receipt_no', '=', `MX${c.seq}`)
        .executeTakeFirst();
      return problem(
        row?.amount_fen === 8_000 && row.org_unit_id === payerOf(c.target).id && row.created_by === c.userId,
        'payment not recorded',
      );
    },
  },
  {
    // the organiser's side, and the paying unit's own admins (a school of a county project, a county of a city project)
    route: 'GET /api/fees/:itemId/units/:unitId/payments',
    about: 'unit',
    at: ORGANISERS,
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => {
      const itemId = await feeItemAt(c.target, `pl-${c.seq}`);
      const payer = payerOf(c.target);
      await t.db
        .insertInto('fee_payment')
        .values({
          fee_item_id: itemId,
          org_unit_id: payer.id,
          org_path: payer.path,
          amount_fen: 4_000,
          paid_on: `${year}-01-02`,
          receipt_no: `MXL${c.seq}`,
        })
        .execute();
      return { method: 'GET', url: `/api/fees/${itemId}/units/${payer.id}/payments` };
    },
    verify: (b, c) =>
      problem(
        (b as { items?: Array<{ receiptNo: string }> }).items?.[0]?.receiptNo === `MXL${c.seq}` &&
          (b as { paidFen?: number }).paidFen === 4_000,
        'the payment missing',
      ),
  },
  {
    route: 'GET /api/fees/my-unit',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/fees/my-unit' }),
    verify: (b, c) =>
      problem(
        json(b)['unit']?.['id'] === c.own.id && Array.isArray((b as { lines?: unknown }).lines),
        'another unit answered',
      ),
  },
  {
    route: 'GET /api/fees/my-unit/export.xlsx',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/fees/my-unit/export.xlsx' }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  // ------------------------------------------------------------------ message centre (消息)
  {
    // everyone has an inbox of their own
    route: 'GET /api/messages',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => {
      await messageTo(c, `list-${c.seq}`);
      return { method: 'GET', url: '/api/messages?unread=true' };
    },
    verify: (b, c) =>
      problem(
        ((b as { items?: Array<{ params: { note?: string } }> }).items ?? []).some(
          (m) => m.params.note === `list-${c.seq}`,
        ),
        'the own message missing',
      ),
  },
  {
    route: 'GET /api/messages/unread-count',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => {
      await messageTo(c, `count-${c.seq}`);
      return { method: 'GET', url: '/api/messages/unread-count' };
    },
    verify: (b) => problem(((b as { messages?: number }).messages ?? 0) >= 1, 'the unread message not counted'),
  },
  {
    route: 'POST /api/messages/:id/read',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => ({ method: 'POST', url: `/api/messages/${await messageTo(c, `read-${c.seq}`)}/read` }),
    verify: async (_b, c) => {
      const rows = await t.db
        .selectFrom('message')
        .select(['read_at', 'params'])
        .where('recipient_id', '=', c.userId)
        .execute();
      const row = rows.find((r) => (r.params as { note?: string }).note === `read-${c.seq}`);
      return problem(row?.read_at != null, 'not marked read');
    },
  },
  {
    route: 'POST /api/messages/read-all',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => {
      await messageTo(c, `all-${c.seq}`);
      return { method: 'POST', url: '/api/messages/read-all' };
    },
    verify: async (_b, c) => {
      // up to the one sent for this row: rows running beside it may send the account more afterwards
      const last = await t.db
        .selectFrom('message')
        .select('id')
        .where('recipient_id', '=', c.userId)
        .where(sql`params->>'note'`, '=', `all-${c.seq}`)
        .executeTakeFirstOrThrow();
      const left = await t.db
        .selectFrom('message')
        .select('id')
        .where('recipient_id', '=', c.userId)
        .where('read_at', 'is', null)
        .where('id', '<=', last.id)
        .execute();
      return problem(left.length === 0, 'unread messages left');
    },
  },
  {
    // the schools below that have not submitted their year, for a reminder (催办)
    route: 'GET /api/messages/reminders/verification-pending',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: (c) => ({
      method: 'GET',
      url: `/api/messages/reminders/verification-pending?cycleId=${cycles.get(c.own.provinceId)!.current}&year=${year}`,
    }),
    verify: (b, c) => {
      const below = SCHOOLS.map((k) => tree[k]).filter((s) => s.path.startsWith(c.own.path) && s.id !== c.own.id);
      const listed = (b as { items?: Array<{ orgUnitId: number }> }).items ?? [];
      return problem(
        below.every((s) => listed.some((i) => i.orgUnitId === s.id)) && listed.every((i) => i.orgUnitId !== c.own.id),
        'not the schools below the unit',
      );
    },
  },
  {
    // 催办: an admin reminds the admins of units below; the own unit is refused, outside not found
    route: 'POST /api/messages/reminders',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, BELOW), refused: STAFF },
    request: (c) => ({
      method: 'POST',
      url: '/api/messages/reminders',
      payload: { orgUnitIds: [c.target.id], topic: 'general', note: `矩阵催办${c.seq}` },
    }),
    verify: async (b, c) => {
      const got = await t.db
        .selectFrom('message as m')
        .innerJoin('app_user as u', 'u.id', 'm.recipient_id')
        .select(['u.org_unit_id', 'm.params'])
        .where('m.kind', '=', 'reminder')
        .execute()
        .then((rows) => rows.filter((r) => (r.params as { note?: string }).note === `矩阵催办${c.seq}`));
      return problem(
        (b as { units?: number }).units === 1 && got.length >= 1 && got.every((r) => r.org_unit_id === c.target.id),
        "not delivered to the unit's admins only",
      );
    },
  },
  {
    route: 'GET /api/notices',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => {
      await noticeAt(c, `列表${c.seq}`);
      return { method: 'GET', url: '/api/notices' };
    },
    verify: (b, c) =>
      problem(
        ((b as { items?: Array<{ title: string }> }).items ?? []).some((n) => n.title === `矩阵通知列表${c.seq}`),
        'the notice of the own unit missing',
      ),
  },
  {
    // a bureau (county and above) publishes to its own subtree
    route: 'POST /api/notices',
    about: 'self',
    rule: { allow: forRoles(['province_admin', 'city_admin', 'county_admin'], OWN) },
    request: (c) => ({
      method: 'POST',
      url: '/api/notices',
      payload: { title: `矩阵发布${c.seq}`, body: '矩阵通知正文' },
    }),
    verify: (b, c) =>
      problem(
        json(b)['notice']?.['orgUnitId'] === c.own.id && json(b)['notice']?.['title'] === `矩阵发布${c.seq}`,
        'not published at the own unit',
      ),
  },
  {
    route: 'POST /api/notices/:id/read',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => ({ method: 'POST', url: `/api/notices/${await noticeAt(c, `已读${c.seq}`)}/read` }),
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('notice_read as r')
        .innerJoin('notice as n', 'n.id', 'r.notice_id')
        .select('r.user_id')
        .where('n.title', '=', `矩阵通知已读${c.seq}`)
        .executeTakeFirst();
      return problem(row?.user_id === c.userId, 'not marked read');
    },
  },
  // ------------------------------------------------------------------ home page and the header's search
  {
    route: 'GET /api/home',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: () => ({ method: 'GET', url: '/api/home' }),
    verify: (b, c) => {
      const kind = (b as { kind?: string }).kind;
      const want = ADMINS.some((r) => r === c.role) ? 'admin' : c.role;
      return problem(kind === want, `the home of ${kind}, not of ${want}`);
    },
  },
  {
    route: 'GET /api/search',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: `/api/search?q=${encodeURIComponent('矩阵')}` }),
    verify: (b) =>
      problem(
        ['teachers', 'projects', 'courses', 'certificates'].every((k) => k in (b as object)),
        'a kind of result is missing',
      ),
  },
  // ------------------------------------------------------------------ training archive and development plan (R-52)
  {
    route: 'GET /api/archive/me',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/archive/me' }),
    verify: (b) => problem(json(b)['identifiers'] === ('own' as unknown), 'not the own archive'),
  },
  {
    route: 'GET /api/archive/me/archive.pdf',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/archive/me/archive.pdf' }),
    verify: (_b, _c, res) => problem(res.rawPayload.subarray(0, 5).toString() === '%PDF-', 'not a PDF'),
  },
  {
    route: 'GET /api/archive/teachers/:id',
    about: 'unit',
    rule: ARCHIVE_READ,
    request: (c) => ({ method: 'GET', url: `/api/archive/teachers/${teacherOf(c)}` }),
    verify: (b, c) =>
      problem(
        (b as { identity: Array<[string, string]> }).identity.some(([, v]) => v === personOf.get(teacherOf(c))!.name),
        'another teacher answered',
      ),
  },
  {
    route: 'GET /api/archive/teachers/:id/archive.pdf',
    about: 'unit',
    rule: ARCHIVE_READ,
    request: (c) => ({ method: 'GET', url: `/api/archive/teachers/${teacherOf(c)}/archive.pdf` }),
    verify: (_b, _c, res) => problem(res.rawPayload.subarray(0, 5).toString() === '%PDF-', 'not a PDF'),
  },
  {
    route: 'GET /api/archive/teachers/:id/archive.xlsx',
    about: 'unit',
    rule: ARCHIVE_READ,
    request: (c) => ({ method: 'GET', url: `/api/archive/teachers/${teacherOf(c)}/archive.xlsx` }),
    verify: (_b, _c, res) =>
      problem(String(res.headers['content-type']).includes('spreadsheetml'), 'not an .xlsx answer'),
  },
  {
    route: 'GET /api/development-plans/mine',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/development-plans/mine' }),
    verify: (b) =>
      problem(
        itemsOf(b).length > 0 &&
          itemsOf(b).every((p) => (p as { teacherId?: number }).teacherId === teacherAtSchool.get(tree.S1.id)),
        "not the teacher's own plans",
      ),
  },
  {
    route: 'GET /api/development-plans',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({
      method: 'GET',
      url: `/api/development-plans?orgUnitId=${c.target.id}&status=submitted&pageSize=200`,
    }),
    verify: (b, c) =>
      problem(
        itemsOf(b).some((p) => p.id === planOf.get(teacherOf(c))) &&
          itemsOf(b).every((p) => (p as { orgUnitId?: number }).orgUnitId !== undefined),
        "the unit's submitted plan is missing",
      ),
  },
  {
    route: 'GET /api/development-plans/:id',
    about: 'unit',
    rule: ARCHIVE_READ,
    request: (c) => ({ method: 'GET', url: `/api/development-plans/${planOf.get(teacherOf(c))}` }),
    verify: (b, c) => problem((b as { teacherId?: number }).teacherId === teacherOf(c), 'another plan answered'),
  },
  {
    route: 'POST /api/development-plans',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({
      method: 'POST',
      url: '/api/development-plans',
      payload: { startYear: year, goals: '矩阵目标', years: planYearsBody(year) },
    }),
    verify: (b) => problem((b as { status?: string }).status === 'draft', 'not saved as a draft'),
  },
  {
    route: 'PUT /api/development-plans/:id',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: async (c) => {
      const start = nextPlanYear();
      return {
        method: 'PUT',
        url: `/api/development-plans/${await developmentPlanAt(teacherAtSchool.get(tree.S1.id)!, 'draft', start)}`,
        payload: { goals: `矩阵修改${c.seq}`, years: planYearsBody(start) },
      };
    },
    verify: (b, c) => problem((b as { goals?: string }).goals === `矩阵修改${c.seq}`, 'not saved'),
  },
  {
    route: 'POST /api/development-plans/:id/submit',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: async () => ({
      method: 'POST',
      url: `/api/development-plans/${await developmentPlanAt(teacherAtSchool.get(tree.S1.id)!, 'draft')}/submit`,
    }),
    verify: (b) => problem((b as { status?: string }).status === 'submitted', 'not submitted'),
  },
  {
    route: 'POST /api/development-plans/:id/review',
    about: 'unit',
    // the school reviews its own teachers' plans; the bureaus above read them
    rule: { allow: { school_admin: OWN }, refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/development-plans/${await developmentPlanAt(teacherOf(c), 'submitted')}/review`,
      payload: { decision: 'return', comment: `矩阵退回${c.seq}` },
    }),
    verify: (b, c) => problem((b as { reviewComment?: string }).reviewComment === `矩阵退回${c.seq}`, 'not returned'),
  },
  {
    route: 'PUT /api/development-plans/:id/self-review',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: async (c) => {
      const start = pastPlanYearSeq++;
      return {
        method: 'PUT',
        url: `/api/development-plans/${await developmentPlanAt(teacherAtSchool.get(tree.S1.id)!, 'approved', start)}/self-review`,
        payload: { year: start, text: `矩阵自评${c.seq}` },
      };
    },
    verify: (b, c) =>
      problem(
        (b as { years?: Array<{ selfReview: string }> }).years?.[0]?.selfReview === `矩阵自评${c.seq}`,
        'not kept',
      ),
  },
  // ------------------------------------------------------------------ homework of online classes (研修作业)
  {
    route: 'GET /api/classes/:id/homework/assignments',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: (c) => ({ method: 'GET', url: `/api/classes/${study(c.target).classId}/homework/assignments` }),
    verify: (b, c) =>
      problem(
        itemsOf(b).some((a) => a.id === study(c.target).assignmentId),
        "the class's assignment missing",
      ),
  },
  {
    route: 'POST /api/classes/:id/homework/assignments',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: (c) => ({
      method: 'POST',
      url: `/api/classes/${study(c.target).classId}/homework/assignments`,
      payload: { title: `矩阵布置${c.seq}`, dueAt: new Date(Date.now() + 86_400_000).toISOString(), grading: 'grade' },
    }),
    verify: async (_b, c) =>
      problem(
        (await t.db.selectFrom('homework_assignment').select('id').where('title', '=', `矩阵布置${c.seq}`).execute())
          .length === 1,
        'assignment not stored',
      ),
  },
  {
    route: 'PUT /api/homework/assignments/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => ({
      method: 'PUT',
      url: `/api/homework/assignments/${await assignmentIn(study(c.target).classId, `矩阵改前${c.seq}`)}`,
      payload: { title: `矩阵改后${c.seq}`, dueAt: new Date(Date.now() + 86_400_000).toISOString(), grading: 'grade' },
    }),
    verify: async (_b, c) =>
      problem(
        (await t.db.selectFrom('homework_assignment').select('id').where('title', '=', `矩阵改后${c.seq}`).execute())
          .length === 1,
        'assignment not changed',
      ),
  },
  {
    route: 'DELETE /api/homework/assignments/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => ({
      method: 'DELETE',
      url: `/api/homework/assignments/${await assignmentIn(study(c.target).classId, `矩阵删除${c.seq}`)}`,
    }),
    verify: async (_b, c) =>
      problem(
        (await t.db.selectFrom('homework_assignment').select('id').where('title', '=', `矩阵删除${c.seq}`).execute())
          .length === 0,
        'assignment not deleted',
      ),
  },
  {
    route: 'POST /api/homework/assignments/:id/release',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => ({
      method: 'POST',
      url: `/api/homework/assignments/${await assignmentIn(study(c.target).classId, `矩阵匿名${c.seq}`, true)}/release`,
    }),
    verify: (b) => problem(json(b)['assignment']?.['blindNow'] === false, 'not released'),
  },
  {
    route: 'GET /api/homework/assignments/:id/submissions',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: (c) => ({ method: 'GET', url: `/api/homework/assignments/${study(c.target).assignmentId}/submissions` }),
    verify: (b, c) =>
      problem(
        ((b as { items?: Array<{ submissionId: number }> }).items ?? []).some(
          (l) => l.submissionId === study(c.target).submissionId,
        ),
        'the submission missing',
      ),
  },
  {
    route: 'GET /api/homework/assignments/:id/submissions.xlsx',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: (c) => ({
      method: 'GET',
      url: `/api/homework/assignments/${study(c.target).assignmentId}/submissions.xlsx`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'GET /api/homework/submissions/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: (c) => ({ method: 'GET', url: `/api/homework/submissions/${study(c.target).submissionId}` }),
    verify: (b, c) => problem(json(b)['submission']?.['id'] === study(c.target).submissionId, 'another submission'),
  },
  {
    route: 'POST /api/homework/submissions/:id/grade',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => ({
      method: 'POST',
      url: `/api/homework/submissions/${await freshSubmission(c)}/grade`,
      payload: { version: 1, grade: 'good', comment: `矩阵评语${c.seq}` },
    }),
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('homework_submission')
        .select(['status', 'passed'])
        .where('comment', '=', `矩阵评语${c.seq}`)
        .executeTakeFirst();
      return problem(row?.status === 'graded' && row.passed === true, 'not graded');
    },
  },
  {
    route: 'POST /api/homework/submissions/:id/return',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => ({
      method: 'POST',
      url: `/api/homework/submissions/${await freshSubmission(c)}/return`,
      payload: { version: 1, comment: `矩阵退回${c.seq}` },
    }),
    verify: async (_b, c) => {
      const row = await t.db
        .selectFrom('homework_submission')
        .select('status')
        .where('comment', '=', `矩阵退回${c.seq}`)
        .executeTakeFirst();
      return problem(row?.status === 'returned', 'not returned');
    },
  },
  {
    route: 'PUT /api/homework/submissions/:id/recommended',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => ({
      method: 'PUT',
      url: `/api/homework/submissions/${await freshSubmission(c, 'graded')}/recommended`,
      payload: { recommended: true },
    }),
    verify: (b) => problem(json(b)['submission']?.['recommended'] === true, 'not recommended'),
  },
  {
    // the teacher's own work in a class they hold a place in; anyone else has none there
    route: 'GET /api/classes/:id/homework/mine',
    about: 'unit',
    at: ORGANISERS,
    rule: STUDENTS,
    request: (c) => ({ method: 'GET', url: `/api/classes/${study(c.target).classId}/homework/mine` }),
    verify: (b, c) =>
      problem(
        ((b as { items?: Array<{ assignment: { id: number } }> }).items ?? []).some(
          (x) => x.assignment.id === study(c.target).assignmentId,
        ),
        "the class's assignment missing",
      ),
  },
  {
    route: 'POST /api/classes/:id/homework/files',
    about: 'unit',
    at: ORGANISERS,
    rule: STUDENTS,
    request: (c) => ({
      method: 'POST',
      url: `/api/classes/${study(c.target).classId}/homework/files`,
      ...multipartFile(HOMEWORK_PDF, { filename: `矩阵作业${c.seq}.pdf`, contentType: 'application/pdf' }),
    }),
    verify: async (_b, c) =>
      problem(
        (await t.db.selectFrom('homework_file').select('id').where('file_name', '=', `矩阵作业${c.seq}.pdf`).execute())
          .length === 1,
        'file not stored',
      ),
  },
  {
    route: 'POST /api/homework/assignments/:id/submission',
    about: 'unit',
    at: ORGANISERS,
    rule: STUDENTS,
    request: async (c) => ({
      method: 'POST',
      url: `/api/homework/assignments/${await assignmentIn(study(c.target).classId, `矩阵提交${c.seq}`)}/submission`,
      payload: { body: `矩阵正文${c.seq}` },
    }),
    verify: async (_b, c) =>
      problem(
        (await t.db.selectFrom('homework_version').select('id').where('body', '=', `矩阵正文${c.seq}`).execute())
          .length === 1,
        'work not stored',
      ),
  },
  {
    route: 'GET /api/classes/:id/homework/recommended',
    about: 'unit',
    at: ORGANISERS,
    rule: CLASS_MEMBERS,
    request: (c) => ({ method: 'GET', url: `/api/classes/${study(c.target).classId}/homework/recommended` }),
    verify: (b, c) => problem(json(b)['class']?.['id'] === study(c.target).classId, 'another class'),
  },
  {
    // the author's own file (the matrix's teacher wrote the work at S1's and K1's class), the tutors' once handed in
    route: 'GET /api/homework/files/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: CLASS_MEMBERS,
    request: (c) => ({ method: 'GET', url: `/api/homework/files/${study(c.target).fileId}` }),
    verify: (_b, _c, res) => problem(res.rawPayload.equals(HOMEWORK_PDF), 'not the file'),
  },
  {
    // a trainer's online classes; an admin's those of the unit's own projects
    route: 'GET /api/study/tutoring',
    about: 'self',
    rule: { allow: { ...forRoles(ADMINS, OWN), trainer: OWN }, refused: ['teacher'] },
    request: () => ({ method: 'GET', url: '/api/study/tutoring' }),
    verify: (b, c) => {
      const want = study(c.role === 'trainer' ? tree.K1 : c.own).classId;
      return problem(
        ((b as { items?: Array<{ classId: number }> }).items ?? []).some((x) => x.classId === want),
        'the online class missing',
      );
    },
  },
  {
    route: 'GET /api/study/my-classes',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/study/my-classes' }),
    verify: (b) => {
      const ids = ((b as { items?: Array<{ classId: number }> }).items ?? []).map((x) => x.classId);
      return problem(
        ids.includes(study(tree.S1).classId) &&
          ids.includes(study(tree.K1).classId) &&
          !ids.includes(study(tree.S2).classId),
        'not the classes of the teacher',
      );
    },
  },
  // ------------------------------------------------------------------ class forums (班级研讨)
  {
    route: 'GET /api/classes/:id/forum/topics',
    about: 'unit',
    at: ORGANISERS,
    rule: CLASS_MEMBERS,
    request: (c) => ({ method: 'GET', url: `/api/classes/${study(c.target).classId}/forum/topics` }),
    verify: (b, c) =>
      problem(
        itemsOf(b).some((x) => x.id === study(c.target).topicId),
        "the class's topic missing",
      ),
  },
  {
    route: 'POST /api/classes/:id/forum/topics',
    about: 'unit',
    at: ORGANISERS,
    rule: CLASS_MEMBERS,
    request: (c) => ({
      method: 'POST',
      url: `/api/classes/${study(c.target).classId}/forum/topics`,
      payload: { title: `矩阵主题${c.seq}`, body: '矩阵主题的开篇帖子内容' },
    }),
    verify: async (_b, c) =>
      problem(
        (await t.db.selectFrom('forum_topic').select('id').where('title', '=', `矩阵主题${c.seq}`).execute()).length ===
          1,
        'topic not stored',
      ),
  },
  {
    route: 'GET /api/forum/topics/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: CLASS_MEMBERS,
    request: (c) => ({ method: 'GET', url: `/api/forum/topics/${study(c.target).topicId}` }),
    verify: (b, c) =>
      problem(
        json(b)['topic']?.['id'] === study(c.target).topicId &&
          ((b as { posts?: Array<{ id: number }> }).posts ?? []).some((p) => p.id === study(c.target).postId),
        'not the topic with its posts',
      ),
  },
  {
    route: 'POST /api/forum/topics/:id/posts',
    about: 'unit',
    at: ORGANISERS,
    rule: CLASS_MEMBERS,
    request: (c) => ({
      method: 'POST',
      url: `/api/forum/topics/${study(c.target).topicId}/posts`,
      payload: { body: `矩阵回复${c.seq}` },
    }),
    verify: async (_b, c) =>
      problem(
        (await t.db.selectFrom('forum_post').select('id').where('body', '=', `矩阵回复${c.seq}`).execute()).length ===
          1,
        'reply not stored',
      ),
  },
  {
    route: 'POST /api/forum/posts/:id/reports',
    about: 'unit',
    at: ORGANISERS,
    rule: CLASS_MEMBERS,
    request: async (c) => ({
      method: 'POST',
      url: `/api/forum/posts/${await postIn(c.target, `矩阵被举报${c.seq}`)}/reports`,
      payload: { reason: `矩阵举报${c.seq}` },
    }),
    verify: async (_b, c) =>
      problem(
        (await t.db.selectFrom('forum_report').select('id').where('reason', '=', `矩阵举报${c.seq}`).execute())
          .length === 1,
        'report not stored',
      ),
  },
  {
    // moderators: the class's tutors (the matrix's teacher moderates nothing)
    route: 'PATCH /api/forum/topics/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: (c) => ({
      method: 'PATCH',
      url: `/api/forum/topics/${study(c.target).topicId}`,
      payload: { pinned: true },
    }),
    verify: (b) => problem(json(b)['topic']?.['pinned'] === true, 'not pinned'),
  },
  {
    route: 'POST /api/forum/posts/:id/hide',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => ({
      method: 'POST',
      url: `/api/forum/posts/${await postIn(c.target, `矩阵待隐藏${c.seq}`)}/hide`,
      payload: { reason: `矩阵隐藏理由${c.seq}` },
    }),
    verify: async (_b, c) =>
      problem(
        (
          await t.db
            .selectFrom('forum_post')
            .select('id')
            .where('hidden_reason', '=', `矩阵隐藏理由${c.seq}`)
            .where('counts', '=', false)
            .execute()
        ).length === 1,
        'not hidden',
      ),
  },
  {
    route: 'POST /api/forum/posts/:id/unhide',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => ({
      method: 'POST',
      url: `/api/forum/posts/${await postIn(c.target, `矩阵已隐藏${c.seq}`, true)}/unhide`,
    }),
    verify: (b) => problem(json(b)['post']?.['hidden'] === false, 'still hidden'),
  },
  {
    route: 'GET /api/classes/:id/forum/reports',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: (c) => ({ method: 'GET', url: `/api/classes/${study(c.target).classId}/forum/reports` }),
    verify: (b, c) => problem(json(b)['class']?.['id'] === study(c.target).classId, 'another class'),
  },
  {
    route: 'POST /api/forum/reports/:id/answer',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => {
      const postId = await postIn(c.target, `矩阵待处理${c.seq}`);
      const report = await t.db
        .insertInto('forum_report')
        .values({
          province_id: c.target.provinceId,
          class_id: study(c.target).classId,
          post_id: postId,
          reporter_id: userIds.get('province_admin')!,
          reason: `矩阵待答${c.seq}`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return {
        method: 'POST',
        url: `/api/forum/reports/${report.id}/answer`,
        payload: { decision: 'dismiss', answer: `矩阵答复${c.seq}` },
      };
    },
    verify: async (_b, c) =>
      problem(
        (
          await t.db
            .selectFrom('forum_report')
            .select('id')
            .where('answer', '=', `矩阵答复${c.seq}`)
            .where('status', '=', 'dismissed')
            .execute()
        ).length === 1,
        'report not answered',
      ),
  },
  {
    // choosing moderators is the tutors' (on a class of its own, so the matrix's teacher moderates nothing elsewhere)
    route: 'GET /api/classes/:id/forum/moderators',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: (c) => ({ method: 'GET', url: `/api/classes/${study(c.target).classId}/forum/moderators` }),
    verify: (b, c) =>
      problem(
        ((b as { candidates?: Array<{ teacherId: number }> }).candidates ?? []).some(
          (x) => x.teacherId === studentOf(c.target),
        ),
        'the enrolled teacher missing among the candidates',
      ),
  },
  {
    route: 'PUT /api/classes/:id/forum/moderators',
    about: 'unit',
    at: ORGANISERS,
    rule: TUTORS,
    request: async (c) => ({
      method: 'PUT',
      url: `/api/classes/${await newOnlineClass(c.target, `mod-${c.seq}`)}/forum/moderators`,
      payload: { teacherIds: [studentOf(c.target)] },
    }),
    verify: (b, c) =>
      problem(
        ((b as { moderators?: Array<{ teacherId: number }> }).moderators ?? []).map((m) => m.teacherId).join() ===
          String(studentOf(c.target)),
        'moderator not stored',
      ),
  },
  // ------------------------------------------------------------------ public notice (公示) and commendations (R-44)
  {
    // anyone whose unit lies under the list's scope reads it (teachers too), and the admins of the organiser's subtree
    route: 'GET /api/publicity',
    about: 'unit',
    rule: { allow: pubReaders(), outside: 'hidden' },
    request: () => ({ method: 'GET', url: '/api/publicity?status=finalised&kind=competition_round&pageSize=200' }),
    verify: async (b, c) =>
      problem(
        itemsOf(b).some((l) => l.id === pubShared.get(c.target.id)),
        "the unit's list missing",
      ),
    unlisted: async (b, c) =>
      problem(!itemsOf(b).some((l) => l.id === pubShared.get(c.target.id)), 'list of another scope shown'),
  },
  {
    route: 'GET /api/publicity/running',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: () => ({ method: 'GET', url: '/api/publicity/running' }),
    verify: (b) => problem(typeof (b as { running?: unknown }).running === 'number', 'no count'),
  },
  {
    route: 'GET /api/publicity/:id',
    about: 'unit',
    rule: { allow: pubReaders() },
    request: (c) => ({ method: 'GET', url: `/api/publicity/${pubShared.get(c.target.id)}` }),
    verify: (b, c) =>
      problem(
        json(b)['list']?.['id'] === pubShared.get(c.target.id) &&
          json(b)['list']?.['manage'] === (isAdminRole(c.role) && c.relation !== 'parent'),
        'another list, or manage wrong',
      ),
  },
  {
    // anyone in scope objects; the admins of the units above the scope read the list but are not in it
    route: 'POST /api/publicity/:id/objections',
    about: 'unit',
    rule: { allow: forRoles(ROLES, ['own', 'parent']) },
    request: async (c) => {
      const p = await pubList(c.target, 'running');
      return {
        method: 'POST',
        url: `/api/publicity/${p.id}/objections`,
        payload: { itemId: p.itemId, body: '矩阵异议' },
      };
    },
    verify: (b) => problem(((b as { objections?: unknown[] }).objections ?? []).length === 1, 'objection not stored'),
  },
  {
    route: 'POST /api/publicity/objections/:id/answer',
    about: 'unit',
    rule: pubManage(),
    request: async (c) => ({
      method: 'POST',
      url: `/api/publicity/objections/${(await pubList(c.target, 'objected')).objectionId}/answer`,
      payload: { decision: 'upheld', answer: '矩阵答复' },
    }),
    verify: (b) =>
      problem(
        (b as { objections?: Array<{ status: string }> }).objections?.[0]?.status === 'upheld',
        'answer not stored',
      ),
  },
  {
    route: 'POST /api/publicity/:id/finalise',
    about: 'unit',
    rule: pubManage(),
    request: async (c) => ({ method: 'POST', url: `/api/publicity/${(await pubList(c.target, 'ended')).id}/finalise` }),
    verify: (b) => problem(json(b)['list']?.['status'] === 'finalised', 'not finalised'),
  },
  {
    route: 'POST /api/publicity/:id/withdraw',
    about: 'unit',
    rule: pubManage(),
    request: async (c) => ({
      method: 'POST',
      url: `/api/publicity/${(await pubList(c.target, 'running')).id}/withdraw`,
      payload: { reason: '矩阵撤回' },
    }),
    verify: (b) => problem(json(b)['list']?.['status'] === 'withdrawn', 'not withdrawn'),
  },
  {
    route: 'GET /api/publicity/:id/list',
    about: 'unit',
    rule: { allow: pubReaders() },
    request: (c) => ({ method: 'GET', url: `/api/publicity/${pubShared.get(c.target.id)}/list?format=pdf` }),
    verify: (_b, _c, res) =>
      problem(String(res.headers['content-type']).includes('pdf') && res.rawPayload.length > 1000, 'not a PDF'),
  },
  {
    // a bureau (county and above) commends in its subtree; a school is no bureau
    route: 'GET /api/commendations',
    about: 'unit',
    rule: { allow: forRoles(BUREAU_ADMINS(), SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/commendations?orgUnitId=${c.target.id}&pageSize=200` }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    route: 'POST /api/commendations',
    about: 'unit',
    rule: {
      allow: forRoles(BUREAU_ADMINS(), SUBTREE),
      refused: STAFF,
      kinds: { only: ['province', 'city', 'county'], otherwise: { invalid: 'COMMENDATION_INVALID' } },
    },
    request: (c) => ({
      method: 'POST',
      url: '/api/commendations',
      payload: { orgUnitId: c.target.id, year, title: `矩阵表彰${c.seq}`, criteria: DEFAULT_CRITERIA },
    }),
    verify: (b, c) => problem(json(b)['batch']?.['orgUnitId'] === c.target.id, 'batch not at the target'),
  },
  {
    route: 'GET /api/commendations/:id',
    about: 'unit',
    at: ['province', 'city', 'county'],
    rule: { allow: forRoles(BUREAU_ADMINS(), SUBTREE), refused: STAFF },
    request: async (c) => ({ method: 'GET', url: `/api/commendations/${await batchAt(c.target, 'r', true)}` }),
    verify: async (b, c) => problem(json(b)['batch']?.['id'] === (await batchAt(c.target, 'r', true)), 'another batch'),
  },
  {
    route: 'PATCH /api/commendations/:id',
    about: 'unit',
    at: ['province', 'city', 'county'],
    rule: { allow: forRoles(BUREAU_ADMINS(), SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/commendations/${await batchAt(c.target, `u${c.seq}`)}`,
      payload: { title: `矩阵改表彰${c.seq}` },
    }),
    verify: (b, c) => problem(json(b)['batch']?.['title'] === `矩阵改表彰${c.seq}`, 'change not stored'),
  },
  {
    route: 'POST /api/commendations/:id/propose',
    about: 'unit',
    at: ['province', 'city', 'county'],
    rule: { allow: forRoles(BUREAU_ADMINS(), SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/commendations/${await batchAt(c.target, `p${c.seq}`)}/propose`,
    }),
    verify: (b) => problem(json(b)['batch']?.['proposedAt'] !== null, 'not proposed'),
  },
  {
    route: 'POST /api/commendations/:id/candidates',
    about: 'unit',
    at: ['province', 'city', 'county'],
    rule: { allow: forRoles(BUREAU_ADMINS(), SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/commendations/${await batchAt(c.target, `a${c.seq}`)}/candidates`,
      payload: { kind: 'advanced_unit', orgUnitId: schoolUnder(c.target).id, reason: '矩阵增补' },
    }),
    verify: (b) => problem(((b as { candidates?: unknown[] }).candidates ?? []).length === 2, 'candidate not added'),
  },
  {
    route: 'POST /api/commendations/:id/candidates/:candidateId/remove',
    about: 'unit',
    at: ['province', 'city', 'county'],
    rule: { allow: forRoles(BUREAU_ADMINS(), SUBTREE), refused: STAFF },
    request: async (c) => {
      const id = await batchAt(c.target, `x${c.seq}`);
      return {
        method: 'POST',
        url: `/api/commendations/${id}/candidates/${await candidateOf(id)}/remove`,
        payload: { reason: '矩阵移出' },
      };
    },
    verify: (b) =>
      problem(
        (b as { candidates?: Array<{ removedReason: string | null }> }).candidates?.[0]?.removedReason === '矩阵移出',
        'not removed',
      ),
  },
  {
    route: 'POST /api/commendations/:id/candidates/:candidateId/restore',
    about: 'unit',
    at: ['province', 'city', 'county'],
    rule: { allow: forRoles(BUREAU_ADMINS(), SUBTREE), refused: STAFF },
    request: async (c) => {
      const id = await batchAt(c.target, `s${c.seq}`);
      const candidate = await candidateOf(id);
      await t.db
        .updateTable('commendation_candidate')
        .set({ removed_at: new Date(), removed_reason: '矩阵准备' })
        .where('id', '=', candidate)
        .execute();
      return { method: 'POST', url: `/api/commendations/${id}/candidates/${candidate}/restore` };
    },
    verify: (b) =>
      problem(
        (b as { candidates?: Array<{ removedAt: string | null }> }).candidates?.[0]?.removedAt === null,
        'not restored',
      ),
  },
  {
    route: 'POST /api/commendations/:id/publish',
    about: 'unit',
    at: ['province', 'city', 'county'],
    rule: { allow: forRoles(BUREAU_ADMINS(), SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/commendations/${await batchAt(c.target, `g${c.seq}`)}/publish`,
      payload: {},
    }),
    verify: (b) => problem(json(b)['batch']?.['status'] === 'published', 'not published'),
  },
  {
    // the honours of the subtree's units and people, and those its units awarded
    route: 'GET /api/honours',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/honours?orgUnitId=${c.target.id}&pageSize=200` }),
    verify: async (b, c) =>
      problem(
        itemsOf(b).some((h) => h.id === honourShared.get(c.target.id)),
        "the unit's honour missing",
      ),
  },
  {
    route: 'GET /api/honours.xlsx',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/honours.xlsx?orgUnitId=${c.target.id}` }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not .xlsx',
      ),
  },
  {
    route: 'GET /api/honours/:id',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: (c) => ({ method: 'GET', url: `/api/honours/${honourShared.get(c.target.id)}` }),
    verify: (b, c) => problem(json(b)['id'] === (honourShared.get(c.target.id) as unknown), 'another honour'),
  },
  {
    route: 'POST /api/honours/:id/revoke',
    about: 'unit',
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/honours/${await honourAt(c.target, `v${c.seq}`)}/revoke`,
      payload: { reason: '矩阵撤销' },
    }),
    verify: (b) => problem(json(b)['revokeReason'] === ('矩阵撤销' as unknown), 'not revoked'),
  },
  // ------------------------------------------------------------------ exams (R-30 … R-34)
  {
    route: 'GET /api/exams',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({ method: 'GET', url: `/api/exams?unitId=${c.target.id}&pageSize=200` }),
    verify: (b, c) =>
      problem(
        itemsOf(b).some((e) => e.id === examOf(c.target).examId),
        "the unit's exam missing",
      ),
  },
  {
    route: 'POST /api/exams',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({
      method: 'POST',
      url: '/api/exams',
      payload: {
        title: `矩阵新考试${c.seq}`,
        target: 'course',
        courseId: courseAt.get(catalogueOf(c.target).id)!,
        orgUnitId: c.target.id,
        opensAt: new Date(Date.now() - 60_000).toISOString(),
        closesAt: new Date(Date.now() + 86_400_000).toISOString(),
        durationMinutes: 30,
        paper: { mode: 'fixed', items: [{ questionId: examQuestionsAt.get(c.target.provinceId)!.single, points: 5 }] },
      },
    }),
    verify: async (_b, c) =>
      problem(
        (
          await t.db
            .selectFrom('exam')
            .select('org_unit_id')
            .where('title', '=', `矩阵新考试${c.seq}`)
            .executeTakeFirst()
        )?.org_unit_id === c.target.id,
        'exam not stored at the unit',
      ),
  },
  {
    route: 'GET /api/exams/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({ method: 'GET', url: `/api/exams/${examOf(c.target).examId}` }),
    verify: (b, c) => problem(json(b)['exam']?.['id'] === examOf(c.target).examId, 'another exam answered'),
  },
  {
    route: 'PATCH /api/exams/:id',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/exams/${await newExam(c.target, `改${c.seq}`, { draft: true })}`,
      payload: { title: `矩阵改后考试${c.seq}` },
    }),
    verify: async (_b, c) =>
      problem(
        !!(await t.db.selectFrom('exam').select('id').where('title', '=', `矩阵改后考试${c.seq}`).executeTakeFirst()),
        'title not changed',
      ),
  },
  {
    route: 'POST /api/exams/:id/publish',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: async (c) => ({
      method: 'POST',
      url: `/api/exams/${await newExam(c.target, `发布${c.seq}`, { draft: true })}/publish`,
    }),
    verify: (b) => problem(json(b)['exam']?.['status'] === 'published', 'not published'),
  },
  {
    route: 'POST /api/exams/:id/close',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: async (c) => ({ method: 'POST', url: `/api/exams/${await newExam(c.target, `结束${c.seq}`)}/close` }),
    verify: (b) => problem(json(b)['exam']?.['status'] === 'closed', 'not closed'),
  },
  {
    route: 'POST /api/exams/:id/paper-preview',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({ method: 'POST', url: `/api/exams/${examOf(c.target).examId}/paper-preview`, payload: {} }),
    verify: (b) => problem(((b as { questions?: unknown[] }).questions ?? []).length === 2, 'paper not shown'),
  },
  {
    route: 'GET /api/exams/:id/markers',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({ method: 'GET', url: `/api/exams/${examOf(c.target).examId}/markers` }),
  },
  {
    route: 'PUT /api/exams/:id/markers',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({ method: 'PUT', url: `/api/exams/${examOf(c.target).examId}/markers`, payload: { userIds: [] } }),
  },
  {
    route: 'GET /api/exams/:id/events',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({ method: 'GET', url: `/api/exams/${examOf(c.target).examId}/events` }),
  },
  {
    route: 'GET /api/exams/:id/marking',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({ method: 'GET', url: `/api/exams/${examOf(c.target).examId}/marking` }),
    verify: (b) =>
      problem(
        ((b as { questions?: Array<{ pending: number }> }).questions ?? []).some((q) => q.pending > 0),
        'essay not queued',
      ),
  },
  {
    route: 'GET /api/exams/:id/marking/:position',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({ method: 'GET', url: `/api/exams/${examOf(c.target).examId}/marking/1` }),
    verify: (b, c) =>
      problem(
        ((b as { items?: Array<{ attemptId: number }> }).items ?? []).some(
          (x) => x.attemptId === examOf(c.target).attemptId,
        ),
        'answer not listed',
      ),
  },
  {
    route: 'POST /api/exams/:id/marks',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: async (c) => {
      const examId = examOf(c.target).examId;
      const attemptId = await submittedAttempt(examId, teacherAtSchool.get(schoolUnder(c.target).id)!);
      return { method: 'POST', url: `/api/exams/${examId}/marks`, payload: { attemptId, position: 1, score: 6 } };
    },
    verify: (b) => problem(json(b)['state'] === ('marked' as never), 'not marked'),
  },
  {
    route: 'POST /api/exams/:id/regrade/preview',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: async (c) => {
      const { examId, questionId } = await correctedExam(c);
      return { method: 'POST', url: `/api/exams/${examId}/regrade/preview`, payload: { questionId } };
    },
    verify: (b) => problem(json(b)['attempts'] === (1 as never), 'the attempt not regraded'),
  },
  {
    route: 'POST /api/exams/:id/regrade',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: async (c) => {
      const { examId, questionId } = await correctedExam(c);
      return { method: 'POST', url: `/api/exams/${examId}/regrade`, payload: { questionId } };
    },
    verify: (b) => problem(json(b)['toVersion'] === (2 as never), 'not regraded to version 2'),
  },
  {
    route: 'PUT /api/exams/:id/components',
    about: 'unit',
    at: ORGANISERS,
    rule: EXAM_ADMINS,
    request: (c) => ({
      method: 'PUT',
      url: `/api/exams/${examOf(c.target).examId}/components`,
      payload: {
        rows: [{ teacherId: teacherAtSchool.get(schoolUnder(c.target).id)!, component: 'process', score: 88 }],
      },
    }),
    verify: (b) => problem(json(b)['updated'] === (1 as never), 'not stored'),
  },
  {
    route: 'GET /api/me/marking',
    about: 'self',
    rule: { allow: { ...forRoles(ADMINS, OWN), trainer: OWN }, refused: ['teacher'] },
    request: () => ({ method: 'GET', url: '/api/me/marking' }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    route: 'GET /api/me/exams',
    about: 'self',
    rule: { allow: { teacher: OWN }, refused: NOT_TEACHER },
    request: () => ({ method: 'GET', url: '/api/me/exams' }),
    verify: (b) =>
      problem(
        itemsOf(b).some((e) => e.id === examOf(tree.S1).examId),
        "the school's exam missing",
      ),
  },
  {
    route: 'GET /api/exams/:id/entry',
    about: 'unit',
    at: ORGANISERS,
    rule: CANDIDATE,
    request: (c) => ({ method: 'GET', url: `/api/exams/${examOf(c.target).examId}/entry` }),
    verify: (b) => problem((b as { canStart?: boolean }).canStart === true, 'may not start'),
  },
  {
    route: 'POST /api/exams/:id/attempts',
    about: 'unit',
    at: ORGANISERS,
    rule: CANDIDATE,
    request: (c) => ({ method: 'POST', url: `/api/exams/${examOf(c.target).examId}/attempts` }),
    verify: (b) => problem(typeof (b as { attemptId?: number }).attemptId === 'number', 'no attempt'),
  },
  {
    route: 'GET /api/exam-attempts/:id',
    about: 'self',
    rule: { allow: { teacher: OWN }, refused: NOT_TEACHER },
    request: async (c) => ({ method: 'GET', url: `/api/exam-attempts/${await myAttempt(`读${c.seq}`)}` }),
    verify: (b) =>
      problem(
        JSON.stringify(b).includes('矩阵单选') && !JSON.stringify(b).includes('"answer":"A"'),
        'paper wrong or key shown',
      ),
  },
  {
    route: 'PUT /api/exam-attempts/:id/answers',
    about: 'self',
    rule: { allow: { teacher: OWN }, refused: NOT_TEACHER },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/exam-attempts/${await myAttempt(`存${c.seq}`)}/answers`,
      payload: { answers: [{ position: 0, answer: 'B', clientSeq: 1 }] },
    }),
    verify: (b) => problem(((b as { saved?: unknown[] }).saved ?? []).length === 1, 'not saved'),
  },
  {
    route: 'POST /api/exam-attempts/:id/events',
    about: 'self',
    rule: { allow: { teacher: OWN }, refused: NOT_TEACHER },
    request: async (c) => ({
      method: 'POST',
      url: `/api/exam-attempts/${await myAttempt(`离开${c.seq}`)}/events`,
      payload: { kind: 'left' },
    }),
  },
  {
    route: 'POST /api/exam-attempts/:id/submit',
    about: 'self',
    rule: { allow: { teacher: OWN }, refused: NOT_TEACHER },
    request: async (c) => ({
      method: 'POST',
      url: `/api/exam-attempts/${await myAttempt(`交卷${c.seq}`)}/submit`,
      payload: { answers: [{ position: 0, answer: 'A', clientSeq: 1 }] },
    }),
    // the essay left blank scores 0 with nothing to mark: graded at once
    verify: (b) => problem(json(b)['status'] === ('graded' as never), 'not graded'),
  },
  {
    route: 'GET /api/exam-attempts/:id/result',
    about: 'self',
    rule: { allow: { teacher: OWN }, refused: NOT_TEACHER },
    request: async (c) => ({ method: 'GET', url: `/api/exam-attempts/${await myAttempt(`成绩${c.seq}`)}/result` }),
  },
  {
    // not required by the coverage check (auth routes are exempt), listed because every role must reach it
    route: 'GET /api/auth/me',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: () => ({ method: 'GET', url: '/api/auth/me' }),
    verify: (b, c) => (json(b)['user']?.['username'] === c.username ? null : 'another account answered'),
  },
  {
    // public (the activation page asks before any login): every role reads the same rule
    route: 'GET /api/auth/password-policy',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: () => ({ method: 'GET', url: '/api/auth/password-policy' }),
    verify: (b) => problem((b as { minLength?: number }).minLength === 10, 'not the configured rule'),
  },
  // ------------------------------------------------------------------ mentoring pairs (师徒结对, R-40)
  {
    route: 'GET /api/pairs',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/pairs?status=active' }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    route: 'GET /api/pairs/export.xlsx',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/pairs/export.xlsx' }),
    verify: (_b, _c, res) =>
      problem(String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 0, 'no sheet'),
  },
  {
    route: 'GET /api/pairs/mine',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/pairs/mine' }),
    verify: (b) => problem(((b as { items?: unknown[] }).items ?? []).length > 0, 'the teacher’s pairs missing'),
  },
  {
    route: 'GET /api/pairs/candidates',
    about: 'self',
    rule: { allow: { ...forRoles(ADMINS, OWN), teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/pairs/candidates?q=' }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    // a teacher applies naming a teacher of the county; a school pairs its own teachers, a county those of its subtree
    route: 'POST /api/pairs',
    about: 'unit',
    rule: {
      allow: { teacher: ['own', 'sibling', 'parent'], school_admin: OWN, county_admin: SUBTREE },
      refused: ['city_admin', 'province_admin', 'trainer'],
    },
    request: async (c) => {
      const school = schoolOf(c);
      const payload =
        c.role === 'teacher'
          ? { kind: 'mentoring', as: 'mentee', partnerTeacherId: await seedTeacher(school), note: `矩阵申请${c.seq}` }
          : {
              kind: 'mentoring',
              mentorTeacherId: await seedTeacher(school),
              menteeTeacherId: await seedTeacher(school),
              note: `矩阵申请${c.seq}`,
            };
      return { method: 'POST', url: '/api/pairs', payload };
    },
    verify: async (b, c) =>
      problem(
        (
          await t.db
            .selectFrom('pair')
            .select('status')
            .where('application_note', '=', `矩阵申请${c.seq}`)
            .executeTakeFirst()
        )?.status === json(b)['pair']?.['status'],
        'pair not stored',
      ),
  },
  {
    route: 'GET /api/pairs/:id',
    about: 'unit',
    rule: { allow: { ...forRoles(ADMINS, SUBTREE), teacher: OWN }, refused: ['trainer'] },
    request: async (c) => ({ method: 'GET', url: `/api/pairs/${await sharedPair(schoolOf(c))}` }),
    verify: async (b, c) => problem(json(b)['pair']?.['id'] === (await sharedPair(schoolOf(c))), 'another pair'),
  },
  {
    route: 'GET /api/pairs/:id/agreement.pdf',
    about: 'unit',
    rule: { allow: { ...forRoles(ADMINS, SUBTREE), teacher: OWN }, refused: ['trainer'] },
    request: async (c) => ({ method: 'GET', url: `/api/pairs/${await sharedPair(schoolOf(c))}/agreement.pdf` }),
    verify: (_b, _c, res) => problem(res.rawPayload.subarray(0, 5).toString('latin1') === '%PDF-', 'not a PDF'),
  },
  {
    route: 'POST /api/pairs/:id/resubmit',
    about: 'unit',
    rule: { allow: { teacher: OWN }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/${await pairAt(schoolOf(c), 'returned')}/resubmit`,
      payload: { note: '补充了指导方向' },
    }),
    verify: (b) => problem(json(b)['pair']?.['status'] === 'applied', 'not sent again'),
  },
  {
    route: 'POST /api/pairs/:id/recommend',
    about: 'unit',
    rule: { allow: { school_admin: OWN, county_admin: SUBTREE }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/${await pairAt(schoolOf(c), 'applied')}/recommend`,
      payload: {},
    }),
    verify: (b) => problem(json(b)['pair']?.['status'] === 'recommended', 'not recommended'),
  },
  {
    route: 'POST /api/pairs/:id/return',
    about: 'unit',
    rule: { allow: { school_admin: OWN, county_admin: SUBTREE }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/${await pairAt(schoolOf(c), 'applied')}/return`,
      payload: { reason: '请写明结对目标' },
    }),
    verify: (b) => problem(json(b)['pair']?.['status'] === 'returned', 'not returned'),
  },
  {
    route: 'POST /api/pairs/:id/register',
    about: 'unit',
    rule: { allow: { county_admin: SUBTREE }, refused: ['trainer'] },
    request: async (c) => ({ method: 'POST', url: `/api/pairs/${await pairAt(schoolOf(c), 'recommended')}/register` }),
    verify: (b) => problem(json(b)['pair']?.['status'] === 'registered', 'not registered'),
  },
  {
    route: 'POST /api/pairs/:id/refuse',
    about: 'unit',
    rule: { allow: { county_admin: SUBTREE }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/${await pairAt(schoolOf(c), 'recommended')}/refuse`,
      payload: { reason: '名额已满' },
    }),
    verify: (b) => problem(json(b)['pair']?.['status'] === 'refused', 'not refused'),
  },
  {
    route: 'PUT /api/pairs/:id/agreement',
    about: 'unit',
    rule: { allow: { school_admin: OWN, county_admin: SUBTREE, teacher: OWN }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/pairs/${await pairAt(schoolOf(c), 'registered')}/agreement`,
      payload: {
        goals: `矩阵目标${c.seq}`,
        plan: '每月听课两节',
        termStart: `${year}-01-01`,
        termEnd: `${year + 1}-01-01`,
      },
    }),
    verify: (b, c) => problem(json(b)['pair']?.['goals'] === `矩阵目标${c.seq}`, 'agreement not stored'),
  },
  {
    route: 'POST /api/pairs/:id/confirm',
    about: 'unit',
    rule: { allow: { teacher: OWN }, refused: ['trainer'] },
    request: async (c) => ({ method: 'POST', url: `/api/pairs/${await pairAt(schoolOf(c), 'registered')}/confirm` }),
    verify: (b) => problem(json(b)['pair']?.['mentorConfirmedAt'] !== null, 'not confirmed'),
  },
  {
    route: 'POST /api/pairs/:id/activities',
    about: 'unit',
    rule: { allow: { teacher: OWN }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/${await pairAt(schoolOf(c), 'active')}/activities`,
      payload: { kind: 'observation', occurredOn: `${year}-01-02`, minutes: 40, note: `矩阵听课${c.seq}` },
    }),
    verify: async (b, c) =>
      problem(
        (await t.db.selectFrom('pair_activity').select('id').where('note', '=', `矩阵听课${c.seq}`).execute())
          .length === 1 && typeof (b as { activityId?: unknown }).activityId === 'number',
        'activity not stored',
      ),
  },
  {
    // the logger adds evidence while the activity waits
    route: 'POST /api/pairs/activities/:id/files',
    about: 'unit',
    rule: { allow: { teacher: OWN }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/activities/${await activityAt(schoolOf(c), 'mentor')}/files`,
      ...multipartFile(PDF, { filename: '听课记录.pdf', contentType: 'application/pdf' }),
    }),
    verify: (b) => problem(json(b)['file']?.['fileName'] === '听课记录.pdf', 'file not stored'),
  },
  {
    route: 'GET /api/pairs/files/:id',
    about: 'unit',
    rule: { allow: { ...forRoles(ADMINS, SUBTREE), teacher: OWN }, refused: ['trainer'] },
    request: async (c) => ({ method: 'GET', url: `/api/pairs/files/${await pairFileAt(schoolOf(c))}` }),
    verify: (_b, _c, res) => problem(res.rawPayload.equals(PDF), 'another file'),
  },
  {
    // the other side confirms; so may the school and the county
    route: 'POST /api/pairs/activities/:id/decision',
    about: 'unit',
    rule: { allow: { school_admin: OWN, county_admin: SUBTREE, teacher: OWN }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/activities/${await activityAt(schoolOf(c), 'mentee')}/decision`,
      payload: { decision: 'confirm' },
    }),
    verify: (b) =>
      problem(
        ((b as { activities?: Array<{ status: string }> }).activities ?? []).some((a) => a.status === 'confirmed'),
        'not confirmed',
      ),
  },
  {
    // the school scores first, then the county (the fixture's school score is in)
    route: 'POST /api/pairs/:id/reviews/:stage',
    about: 'unit',
    rule: { allow: { school_admin: OWN, county_admin: SUBTREE }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/${await pairAt(schoolOf(c), 'active', { schoolScored: true })}/reviews/midterm`,
      payload: { score: 88, comment: '矩阵评分' },
    }),
    verify: (b) =>
      problem(
        (
          (b as { pair?: { reviews?: Array<{ schoolScore: number | null; countyScore: number | null }> } }).pair
            ?.reviews ?? []
        ).some((r) => r.schoolScore === 88 || r.countyScore === 88),
        'score not stored',
      ),
  },
  {
    route: 'POST /api/pairs/:id/award',
    about: 'unit',
    rule: { allow: { county_admin: SUBTREE }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/${await pairAt(schoolOf(c), 'active')}/award`,
      payload: { title: '优秀师徒结对' },
    }),
    verify: (b) => problem(typeof json(b)['pair']?.['honourCode'] === 'string', 'no honour'),
  },
  {
    route: 'POST /api/pairs/:id/end',
    about: 'unit',
    rule: { allow: { county_admin: SUBTREE }, refused: ['trainer'] },
    request: async (c) => ({
      method: 'POST',
      url: `/api/pairs/${await pairAt(schoolOf(c), 'active')}/end`,
      payload: { endKind: 'completed', reason: '期满' },
    }),
    verify: (b) => problem(json(b)['pair']?.['status'] === 'ended', 'not ended'),
  },
  {
    // the county's own admins, those above it, and its schools read it
    route: 'GET /api/pairs/rules/:id',
    about: 'unit',
    at: ['county'],
    rule: {
      allow: { county_admin: OWN, city_admin: BELOW, province_admin: BELOW, school_admin: ['parent'] },
      refused: STAFF,
    },
    request: (c) => ({ method: 'GET', url: `/api/pairs/rules/${c.target.id}` }),
    verify: (b) => problem('rule' in (b as object), 'no rule field'),
  },
  {
    route: 'PUT /api/pairs/rules/:id',
    about: 'unit',
    at: ['county'],
    rule: { allow: { county_admin: OWN }, refused: STAFF },
    request: (c) => ({
      method: 'PUT',
      url: `/api/pairs/rules/${c.target.id}`,
      payload: {
        enabled: true,
        tenths: { observation: 10, guidance: 10, coteaching: 20, other: 5 },
        capTenths: 100 + (c.seq % 1000),
        category: null,
      },
    }),
    verify: (b, c) => problem(json(b)['rule']?.['capTenths'] === 100 + (c.seq % 1000), 'rule not stored'),
  },
  // ------------------------------------------------------------------ LRS mapping rules (学时转换规则)
  {
    route: 'GET /api/lrs/rules',
    about: 'unit',
    rule: LRS_RULE,
    request: (c) => ({ method: 'GET', url: `/api/lrs/rules?orgUnitId=${c.target.id}` }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    route: 'POST /api/lrs/rules',
    about: 'unit',
    rule: LRS_RULE,
    request: (c) => ({
      method: 'POST',
      url: '/api/lrs/rules',
      payload: {
        orgUnitId: c.target.id,
        name: `矩阵新规则${c.seq}`,
        enabled: false,
        priority: 0,
        definition: lrsDefinition,
      },
    }),
    verify: async (b, c) =>
      problem(
        json(b)['orgUnitId'] === (c.target.id as unknown) &&
          (await t.db.selectFrom('lrs_rule').select('id').where('name', '=', `矩阵新规则${c.seq}`).execute()).length ===
            1,
        'rule not stored at the target',
      ),
  },
  {
    route: 'GET /api/lrs/rules/:id',
    about: 'unit',
    rule: LRS_RULE,
    request: async (c) => ({ method: 'GET', url: `/api/lrs/rules/${await lrsRuleAt(c.target, `r${c.seq}`)}` }),
    verify: (b, c) => problem(json(b)['name'] === (`矩阵规则r${c.seq}` as unknown), 'another rule'),
  },
  {
    route: 'PATCH /api/lrs/rules/:id',
    about: 'unit',
    rule: LRS_RULE,
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/lrs/rules/${await lrsRuleAt(c.target, `u${c.seq}`)}`,
      payload: { name: `矩阵改规则${c.seq}` },
    }),
    verify: (b, c) => problem(json(b)['name'] === (`矩阵改规则${c.seq}` as unknown), 'change not stored'),
  },
  {
    route: 'POST /api/lrs/rules/preview',
    about: 'unit',
    rule: LRS_RULE,
    request: (c) => ({
      method: 'POST',
      url: '/api/lrs/rules/preview',
      payload: { orgUnitId: c.target.id, definition: lrsDefinition },
    }),
    verify: (b) => problem(typeof json(b)['totals']?.['credit'] === 'number', 'no totals'),
  },
  // ------------------------------------------------------------------ backbone teachers (骨干教师, R-41)
  {
    route: 'GET /api/backbone/rounds',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/backbone/rounds' }),
    verify: (b) => problem(Array.isArray(itemsOf(b)), 'no list'),
  },
  {
    route: 'POST /api/backbone/rounds',
    about: 'unit',
    at: bbLevels(),
    rule: { allow: forRoles(ADMINS, OWN), refused: STAFF },
    request: (c) => ({
      method: 'POST',
      url: '/api/backbone/rounds',
      payload: {
        orgUnitId: c.target.id,
        title: `矩阵评选${c.seq}`,
        criteria: '师德良好',
        nominationDeadline: addDays(chinaDay(new Date()), 30),
        termYears: 3,
        quotas: [{ orgUnitId: bbQuotaUnit(c.target).id, quota: 2 }],
      },
    }),
    verify: (b, c) => problem(json(b)['round']?.['orgUnitId'] === c.target.id, 'round not at the target'),
  },
  {
    route: 'GET /api/backbone/rounds/:id',
    about: 'unit',
    at: bbLevels(),
    rule: bbRoundRead(),
    request: async (c) => ({
      method: 'GET',
      url: `/api/backbone/rounds/${(await bbRound(c.target, 'nominating')).id}`,
    }),
    verify: (b, c) => problem(json(b)['round']?.['orgUnitId'] === c.target.id, 'not the round'),
  },
  ...(['close', 'reopen', 'cancel'] as const).map(
    (step): Entry => ({
      route: `POST /api/backbone/rounds/:id/${step}`,
      about: 'unit',
      at: bbLevels(),
      rule: bbRoundManage(),
      request: async (c) => ({
        method: 'POST',
        url: `/api/backbone/rounds/${(await bbRound(c.target, step === 'reopen' ? 'scoring' : 'nominating')).id}/${step}`,
      }),
      verify: (b) =>
        problem(
          json(b)['round']?.['status'] === { close: 'scoring', reopen: 'nominating', cancel: 'cancelled' }[step],
          'status unchanged',
        ),
    }),
  ),
  {
    route: 'PUT /api/backbone/rounds/:id/panel',
    about: 'unit',
    at: bbLevels(),
    rule: bbRoundManage(),
    request: async (c) => ({
      method: 'PUT',
      url: `/api/backbone/rounds/${(await bbRound(c.target, 'nominating')).id}/panel`,
      payload: { userIds: [] },
    }),
    verify: (b) => problem(Array.isArray(json(b)['panel']), 'no panel'),
  },
  {
    route: 'POST /api/backbone/rounds/:id/nominations',
    about: 'unit',
    at: bbLevels(),
    rule: bbRoundRead(),
    request: async (c) => ({
      method: 'POST',
      url: `/api/backbone/rounds/${(await bbRound(c.target, 'nominating')).id}/nominations`,
      payload: { teacherId: teacherAtSchool.get(schoolUnder(c.target).id), statement: '矩阵推荐' },
    }),
    verify: (b) => problem(typeof json(b)['id'] === 'number', 'no nomination'),
  },
  {
    route: 'POST /api/backbone/nominations/:id/forward',
    about: 'unit',
    at: bbLevels(),
    rule: bbRoundRead(),
    request: async (c) => ({
      method: 'POST',
      url: `/api/backbone/nominations/${await bbNomination(c.target, 'proposed')}/forward`,
    }),
    verify: (b) => problem(json(b)['status'] === ('nominated' as never), 'not nominated'),
  },
  {
    route: 'POST /api/backbone/nominations/:id/withdraw',
    about: 'unit',
    at: bbLevels(),
    rule: bbRoundRead(),
    request: async (c) => ({
      method: 'POST',
      url: `/api/backbone/nominations/${await bbNomination(c.target, 'nominated')}/withdraw`,
    }),
    verify: (b) => problem(json(b)['status'] === ('withdrawn' as never), 'not withdrawn'),
  },
  {
    route: 'POST /api/backbone/nominations/:id/files',
    about: 'unit',
    at: bbLevels(),
    rule: bbRoundRead(),
    request: async (c) => ({
      method: 'POST',
      url: `/api/backbone/nominations/${await bbNomination(c.target, 'nominated')}/files`,
      ...multipartFile(PDF, { filename: '推荐材料.pdf', contentType: 'application/pdf' }),
    }),
    verify: (b) => problem(typeof json(b)['id'] === 'number', 'no file'),
  },
  {
    route: 'GET /api/backbone/files/:id',
    about: 'unit',
    at: bbLevels(),
    rule: bbRoundRead(),
    request: async (c) => ({ method: 'GET', url: `/api/backbone/files/${await bbNominationFile(c.target)}` }),
    verify: (_b, _c, res) => problem(res.rawPayload.subarray(0, 5).toString() === '%PDF-', 'not the file'),
  },
  {
    route: 'PUT /api/backbone/nominations/:id/score',
    about: 'unit',
    at: bbLevels(),
    rule: {
      allow: { ...forRoles(ADMINS, ['own', 'parent']), trainer: ['parent'], teacher: ['own', 'parent'] },
      reach: ['own', 'child', 'parent'],
    },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/backbone/nominations/${await bbNomination(c.target, 'nominated', { scoring: true, panel: c })}/score`,
      payload: { score: 88, comment: '矩阵评分' },
    }),
    verify: (b) => problem(json(b)['score'] === (88 as never), 'score not kept'),
  },
  {
    route: 'GET /api/backbone/rounds/:id/ranking',
    about: 'unit',
    at: bbLevels(),
    rule: bbRoundManage(),
    request: async (c) => ({
      method: 'GET',
      url: `/api/backbone/rounds/${(await bbScoredRound(c.target)).roundId}/ranking`,
    }),
    verify: (b) => problem(itemsOf(b).length === 1, 'no ranking'),
  },
  {
    route: 'POST /api/backbone/rounds/:id/publish',
    about: 'unit',
    at: bbLevels(),
    rule: bbRoundManage(),
    request: async (c) => {
      const r = await bbScoredRound(c.target);
      return {
        method: 'POST',
        url: `/api/backbone/rounds/${r.roundId}/publish`,
        payload: { nominationIds: [r.nominationId] },
      };
    },
    verify: (b) => problem(typeof json(b)['publicityId'] === 'number', 'not published'),
  },
  {
    route: 'GET /api/backbone/titles',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/backbone/titles' }),
    verify: (b) => problem(Array.isArray(itemsOf(b)), 'no list'),
  },
  {
    route: 'GET /api/backbone/titles.xlsx',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/backbone/titles.xlsx' }),
    verify: (_b, _c, res) =>
      problem(String(res.headers['content-type']).includes('spreadsheetml'), 'not an .xlsx answer'),
  },
  {
    route: 'GET /api/backbone/titles/:id',
    about: 'unit',
    at: bbLevels(),
    rule: { allow: { ...forRoles(ADMINS, SUBTREE), teacher: OWN }, reachOf: { trainer: [], teacher: OWN } },
    request: async (c) => ({ method: 'GET', url: `/api/backbone/titles/${await bbTitle(c, false)}` }),
    verify: (b) => problem(Array.isArray(json(b)['events']), 'no history'),
  },
  ...(['keep', 'revoke'] as const).map(
    (decision): Entry => ({
      route: `POST /api/backbone/titles/:id/${decision}`,
      about: 'unit',
      at: bbLevels(),
      rule: { allow: forRoles(ADMINS, SUBTREE), reachOf: { trainer: [], teacher: OWN } },
      request: async (c) => ({
        method: 'POST',
        url: `/api/backbone/titles/${await bbTitle(c, true)}/${decision}`,
        payload: { reason: '矩阵处理' },
      }),
      verify: async (b) => {
        const row = await t.db
          .selectFrom('backbone_title')
          .select(['status', 'flagged_at'])
          .where('id', '=', Number(json(b)['id']))
          .executeTakeFirstOrThrow();
        return problem(decision === 'keep' ? row.flagged_at === null : row.status === 'revoked', 'title unchanged');
      },
    }),
  ),
  {
    route: 'GET /api/backbone/duties',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/backbone/duties' }),
    verify: (b) => problem(Array.isArray(itemsOf(b)), 'no list'),
  },
  {
    route: 'POST /api/backbone/duties/:id/decide',
    about: 'unit',
    at: bbLevels(),
    rule: { allow: { school_admin: OWN, county_admin: SUBTREE }, refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/backbone/duties/${await bbDuty(c, false)}/decide`,
      payload: { confirm: true },
    }),
    verify: (b) => problem(json(b)['status'] === ('confirmed' as never), 'not confirmed'),
  },
  {
    route: 'GET /api/backbone/duties/:id/file',
    about: 'unit',
    at: bbLevels(),
    rule: { allow: { ...forRoles(ADMINS, SUBTREE), teacher: OWN }, reachOf: { trainer: [], teacher: OWN } },
    request: async (c) => ({ method: 'GET', url: `/api/backbone/duties/${await bbDuty(c, true)}/file` }),
    verify: (_b, _c, res) => problem(res.rawPayload.subarray(0, 5).toString() === '%PDF-', 'not the file'),
  },
  {
    route: 'POST /api/backbone/sweep',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'POST', url: '/api/backbone/sweep' }),
    verify: (b) => problem(typeof json(b)['expired'] === 'number', 'no counts'),
  },
  {
    route: 'GET /api/backbone/panel',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: () => ({ method: 'GET', url: '/api/backbone/panel' }),
    verify: (b) => problem(Array.isArray(itemsOf(b)), 'no list'),
  },
  {
    route: 'GET /api/backbone/me',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: () => ({ method: 'GET', url: '/api/backbone/me' }),
    verify: (b) => problem(json(b)['linked'] === (true as never), 'not linked'),
  },
  {
    route: 'POST /api/backbone/me/duties',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: async (c) => {
      const titleId = await bbTitle({ ...c, target: tree.S1, relation: 'own' }, false);
      const day = chinaDay(new Date());
      return {
        method: 'POST',
        url: '/api/backbone/me/duties',
        payload: { titleId, year: Number(day.slice(0, 4)), kind: 'paper', subject: '矩阵论文', heldOn: day },
      };
    },
    verify: (b) => problem(json(b)['status'] === ('recorded' as never), 'not recorded'),
  },
  {
    route: 'POST /api/backbone/me/duties/:id/file',
    about: 'self',
    rule: { allow: { teacher: OWN } },
    request: async (c) => ({
      method: 'POST',
      url: `/api/backbone/me/duties/${await bbDuty({ ...c, target: tree.S1, relation: 'own' }, false)}/file`,
      ...multipartFile(PDF, { filename: '论文.pdf', contentType: 'application/pdf' }),
    }),
    verify: (b) => problem(json(b)['hasFile'] === (true as never), 'no file'),
  },
  // ------------------------------------------------------------------ LRS clients (学习记录接口) and the review queue (待匹配学习记录)
  {
    route: 'GET /api/lrs/clients',
    about: 'self',
    rule: { allow: forRoles(LRS_MANAGERS, OWN) },
    request: () => ({ method: 'GET', url: '/api/lrs/clients' }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    route: 'GET /api/lrs/clients/:id',
    about: 'unit',
    rule: { allow: forRoles(LRS_MANAGERS, SUBTREE) },
    request: async (c) => ({ method: 'GET', url: `/api/lrs/clients/${await lrsClientAt(c.target, `r${c.seq}`)}` }),
    verify: (b, c) =>
      problem(
        json(b)['client']?.['orgUnitId'] === c.target.id && !JSON.stringify(b).includes('secret_hash'),
        'not the client',
      ),
  },
  {
    route: 'POST /api/lrs/clients',
    about: 'unit',
    rule: { allow: forRoles(LRS_MANAGERS, SUBTREE) },
    request: (c) => ({
      method: 'POST',
      url: '/api/lrs/clients',
      payload: { orgUnitId: c.target.id, name: `矩阵接口${c.seq}`, identity: 'mbox' },
    }),
    verify: async (b, c) =>
      problem(
        typeof (b as { secret?: unknown }).secret === 'string' &&
          (
            await t.db
              .selectFrom('lrs_client')
              .select('id')
              .where('name', '=', `矩阵接口${c.seq}`)
              .where('org_unit_id', '=', c.target.id)
              .execute()
          ).length === 1,
        'client not stored at the target',
      ),
  },
  {
    route: 'POST /api/lrs/clients/:id/revoke',
    about: 'unit',
    rule: { allow: forRoles(LRS_MANAGERS, SUBTREE) },
    request: async (c) => ({
      method: 'POST',
      url: `/api/lrs/clients/${await lrsClientAt(c.target, `x${c.seq}`)}/revoke`,
    }),
    verify: async (b) =>
      problem(
        (
          await t.db
            .selectFrom('lrs_client')
            .select('revoked_at')
            .where('id', '=', Number(json(b)['client']?.['id']))
            .executeTakeFirst()
        )?.revoked_at != null,
        'not revoked',
      ),
  },
  {
    route: 'GET /api/lrs/review',
    about: 'self',
    rule: { allow: forRoles(LRS_MANAGERS, OWN) },
    request: () => ({ method: 'GET', url: '/api/lrs/review' }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    route: 'POST /api/lrs/review/map',
    about: 'unit',
    rule: { allow: forRoles(LRS_MANAGERS, SUBTREE) },
    request: async (c) => {
      const w = await waitingActorAt(c.target, `m${c.seq}`);
      return {
        method: 'POST',
        url: '/api/lrs/review/map',
        payload: { ...w, teacherId: teacherOf(c), remember: true },
      };
    },
    verify: async (b, c) => {
      const clientId = (
        await t.db
          .selectFrom('lrs_client')
          .select('id')
          .where('name', '=', `矩阵平台m${c.seq}`)
          .executeTakeFirstOrThrow()
      ).id;
      const st = await statusOfActor(clientId);
      return problem(
        json(b)['matched'] === (1 as unknown) && st.match_status === 'matched' && st.teacher_id === teacherOf(c),
        'statement not matched',
      );
    },
  },
  {
    route: 'POST /api/lrs/review/reject',
    about: 'unit',
    rule: { allow: forRoles(LRS_MANAGERS, SUBTREE) },
    request: async (c) => ({
      method: 'POST',
      url: '/api/lrs/review/reject',
      payload: await waitingActorAt(c.target, `j${c.seq}`),
    }),
    verify: async (_b, c) => {
      const clientId = (
        await t.db
          .selectFrom('lrs_client')
          .select('id')
          .where('name', '=', `矩阵平台j${c.seq}`)
          .executeTakeFirstOrThrow()
      ).id;
      return problem((await statusOfActor(clientId)).match_status === 'rejected', 'statement not rejected');
    },
  },
  // ------------------------------------------------------------------ competitions and judging (评比, R-42)
  // read: the organiser's subtree and the units below it (they take part); entries: the admins over their school;
  // the organiser's steps: a unit below sees the round and is refused (403); judges: whoever sits on the panel
  {
    route: 'GET /api/competitions',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN), refused: STAFF },
    request: () => ({ method: 'GET', url: '/api/competitions' }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    // any unit of the tree that holds a level (school, township, county, city, province) organises; an institution is no level
    route: 'POST /api/competitions',
    about: 'unit',
    rule: {
      allow: forRoles(ADMINS, SUBTREE),
      refused: STAFF,
      kinds: {
        only: ['province', 'city', 'county', 'township', 'school'],
        otherwise: { invalid: 'COMPETITION_INVALID' },
      },
    },
    request: (c) => ({
      method: 'POST',
      url: '/api/competitions',
      payload: {
        orgUnitId: c.target.id,
        title: `矩阵新评比${c.seq}`,
        kind: 'essay',
        year,
        rubric: COMP_RUBRIC,
        rounds: [{ level: COMP_LEVEL[c.target.kind] ?? 'county', deadline: '2099-12-31', quotaDefault: 3 }],
      },
    }),
    verify: async (b, c) =>
      problem(
        json(b)['competition']?.['orgUnitId'] === c.target.id &&
          (await t.db.selectFrom('competition_round').select('id').where('org_unit_id', '=', c.target.id).execute())
            .length > 0,
        'competition not stored at the target',
      ),
  },
  {
    route: 'GET /api/competitions/:id',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => ({
      method: 'GET',
      url: `/api/competitions/${(await compRoundAt(c.target, 'open', 'read', { shared: true })).competitionId}`,
    }),
    verify: (b, c) => problem(json(b)['competition']?.['orgUnitId'] === c.target.id, 'another competition'),
  },
  {
    route: 'GET /api/competitions/rounds/:id/entries',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => ({
      method: 'GET',
      url: `/api/competitions/rounds/${(await compRoundAt(c.target, 'open', 'read', { shared: true })).roundId}/entries`,
    }),
    verify: (b) => problem(Array.isArray((b as { entries?: unknown }).entries), 'no entries'),
  },
  {
    // a unit enters its own schools' work into a round held at, above or below it
    route: 'POST /api/competitions/rounds/:id/entries',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, LINE), refused: STAFF },
    request: async (c) => {
      const school = schoolUnder(c.relation === 'parent' ? c.own : c.target);
      const teacherId = await seedTeacher(school);
      return {
        method: 'POST',
        url: `/api/competitions/rounds/${(await compRoundAt(c.target, 'open', `e${c.seq}`)).roundId}/entries`,
        payload: { title: `矩阵作品${c.seq}`, teacherIds: [teacherId], schoolUnitId: school.id },
      };
    },
    verify: (b) => problem(typeof (b as { entryId?: unknown }).entryId === 'number', 'no entry'),
  },
  {
    route: 'POST /api/competitions/entries/:id/files',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/competitions/entries/${(await compRoundAt(c.target, 'open', `f${c.seq}`, { outside: c.relation === 'parent' ? c.own : undefined })).entryId}/files`,
      ...multipartFile(Buffer.from('%PDF-1.4\n%matrix\n'), { filename: '作品.pdf', contentType: 'application/pdf' }),
    }),
    verify: (b) => problem(json(b)['file']?.['mime'] === 'application/pdf', 'file not stored'),
  },
  {
    route: 'POST /api/competitions/entries/:id/withdraw',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF },
    request: async (c) => ({
      method: 'POST',
      url: `/api/competitions/entries/${(await compRoundAt(c.target, 'open', `w${c.seq}`, { outside: c.relation === 'parent' ? c.own : undefined })).entryId}/withdraw`,
    }),
    verify: async (_b, c) =>
      problem(
        (
          await t.db
            .selectFrom('competition_entry')
            .select('status')
            .where('title', '=', `矩阵评比作品w${c.seq}`)
            .executeTakeFirst()
        )?.status === 'withdrawn',
        'not withdrawn',
      ),
  },
  {
    route: 'POST /api/competitions/rounds/:id/panels',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/competitions/rounds/${(await compRoundAt(c.target, 'open', 'panel', { shared: true })).roundId}/panels`,
      payload: {
        name: `矩阵评审组${c.seq}`,
        leadUserId: await compJudgeAt(c.target),
        judgeUserIds: [await compJudgeAt(c.target)],
      },
    }),
    verify: (b) => problem(typeof (b as { panelId?: unknown }).panelId === 'number', 'no panel'),
  },
  {
    route: 'POST /api/competitions/rounds/:id/assign',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => {
      const r = await compRoundAt(c.target, 'open', 'assign', { shared: true });
      return {
        method: 'POST',
        url: `/api/competitions/rounds/${r.roundId}/assign`,
        payload: { panelId: r.panelId, entryRoundIds: [r.entryRoundId] },
      };
    },
    verify: (b) => problem((b as { assigned?: number }).assigned === 1, 'not assigned'),
  },
  {
    route: 'POST /api/competitions/rounds/:id/start-judging',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/competitions/rounds/${(await compRoundAt(c.target, 'open', `s${c.seq}`)).roundId}/start-judging`,
    }),
    verify: (b) => problem((b as { ok?: boolean }).ok === true, 'not started'),
  },
  {
    route: 'POST /api/competitions/rounds/:id/aggregate',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/competitions/rounds/${(await compRoundAt(c.target, 'submitted', `a${c.seq}`)).roundId}/aggregate`,
    }),
    verify: (b) => problem((b as { summary?: { scored?: number } }).summary?.scored === 1, 'not aggregated'),
  },
  {
    // from a round at the target into the round of the unit above it
    route: 'POST /api/competitions/rounds/:id/advance',
    about: 'unit',
    at: ['city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/competitions/rounds/${(await compRoundAt(c.target, 'scored', `v${c.seq}`, { upward: true })).roundId}/advance`,
    }),
    verify: (b) => problem((b as { advanced?: number }).advanced === 1, 'nothing advanced'),
  },
  {
    route: 'POST /api/competitions/rounds/:id/publish-awards',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'POST',
      url: `/api/competitions/rounds/${(await compRoundAt(c.target, 'scored', `p${c.seq}`)).roundId}/publish-awards`,
      payload: { startsOn: '2027-07-01', endsOn: '2027-07-07' },
    }),
    verify: (b) => problem((b as { awards?: number }).awards === 1, 'no award published'),
  },
  {
    route: 'GET /api/competitions/rounds/:id/results.xlsx',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'GET',
      url: `/api/competitions/rounds/${(await compRoundAt(c.target, 'open', 'read', { shared: true })).roundId}/results.xlsx`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'GET /api/competitions/rounds/:id/honours',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), refused: STAFF, reach: LINE },
    request: async (c) => ({
      method: 'GET',
      url: `/api/competitions/rounds/${(await compRoundAt(c.target, 'finalised', 'honours', { shared: true })).roundId}/honours`,
    }),
    verify: (b) => problem((b as { items?: unknown[] }).items?.length === 1, 'no honour'),
  },
  {
    // the admins over the honoured teacher's school (and the teacher themself, tested in the routes' own test)
    route: 'GET /api/competitions/honours/:id/certificate.pdf',
    about: 'unit',
    at: ['province', 'city', 'county', 'school'],
    rule: { allow: forRoles(ADMINS, SUBTREE), reachOf: { trainer: [], teacher: [] } },
    request: async (c) => ({
      method: 'GET',
      url: `/api/competitions/honours/${(await compRoundAt(c.target, 'finalised', `h${c.relation === 'parent' ? c.own.id : ''}`, { shared: true, outside: c.relation === 'parent' ? c.own : undefined })).honourId}/certificate.pdf`,
    }),
    verify: (_b, _c, res) => problem(res.rawPayload.subarray(0, 5).toString() === '%PDF-', 'not a PDF'),
  },
  {
    // a judge's work: anyone named on a panel, whatever their role
    route: 'GET /api/judging/queue',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => {
      await judgeRoundFor(c, 'queue');
      return { method: 'GET', url: '/api/judging/queue' };
    },
    verify: (b) => problem(((b as { items?: unknown[] }).items?.length ?? 0) > 0, 'empty queue'),
  },
  {
    route: 'GET /api/judging/entries/:id',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => ({
      method: 'GET',
      url: `/api/judging/entries/${(await judgeRoundFor(c, 'read')).entryRoundId}`,
    }),
    verify: (b) => problem(typeof json(b)['entry']?.['blindCode'] === 'string', 'no blind entry'),
  },
  {
    route: 'GET /api/judging/entries/:id/files/:n',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => ({
      method: 'GET',
      url: `/api/judging/entries/${(await judgeRoundFor(c, 'read')).entryRoundId}/files/1`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-disposition']).includes('attachment-1') &&
          res.rawPayload.subarray(0, 4).toString() === '%PDF',
        'not the file',
      ),
  },
  {
    route: 'PUT /api/judging/entries/:id/score',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => ({
      method: 'PUT',
      url: `/api/judging/entries/${(await judgeRoundFor(c, `s${c.seq}`)).entryRoundId}/score`,
      payload: { items: { a: 80 }, comment: '好', submit: true },
    }),
    verify: (b) => problem((b as { status?: string }).status === 'submitted', 'not submitted'),
  },
  {
    route: 'POST /api/judging/entries/:id/recuse',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => ({
      method: 'POST',
      url: `/api/judging/entries/${(await judgeRoundFor(c, `r${c.seq}`)).entryRoundId}/recuse`,
      payload: { reason: '同校同事' },
    }),
    verify: (b) => problem((b as { status?: string }).status === 'recused', 'not recused'),
  },
  {
    route: 'GET /api/judging/panels/:id',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => ({ method: 'GET', url: `/api/judging/panels/${(await judgeRoundFor(c, 'read')).panelId}` }),
    verify: (b) => problem(Array.isArray((b as { entries?: unknown }).entries), 'no review'),
  },
  {
    route: 'POST /api/judging/panels/:id/rescore',
    about: 'self',
    rule: { allow: forRoles(ROLES, OWN) },
    request: async (c) => {
      const r = await judgeRoundFor(c, `q${c.seq}`, true);
      return {
        method: 'POST',
        url: `/api/judging/panels/${r.panelId}/rescore`,
        payload: { entryRoundId: r.entryRoundId, seats: [1] },
      };
    },
    verify: (b) => problem((b as { requested?: number }).requested === 1, 'nothing asked'),
  },
  // ------------------------------------------------------------------ spot-checks (抽测, R-34)
  {
    route: 'GET /api/spot-checks',
    about: 'self',
    rule: { allow: forRoles(ADMINS, OWN) },
    request: () => ({ method: 'GET', url: '/api/spot-checks' }),
    verify: (b) => problem(Array.isArray((b as { items?: unknown }).items), 'no list'),
  },
  {
    // a bureau organises its own; province and city also for a bureau below them; a school is no organiser
    route: 'POST /api/spot-checks',
    about: 'unit',
    rule: {
      allow: forRoles(SPOT_CHECK_MANAGERS, SUBTREE),
      refused: STAFF,
      kinds: { only: BUREAUS, otherwise: { invalid: 'SPOT_CHECK_INVALID' } },
    },
    request: (c) => ({
      method: 'POST',
      url: '/api/spot-checks',
      payload: { title: `矩阵新建抽测${c.seq}`, year, ratePercent: 10, orgUnitId: c.target.id },
    }),
    verify: async (b, c) =>
      problem(
        json(b)['spotCheck']?.['orgUnitId'] === c.target.id &&
          (await t.db.selectFrom('spot_check').select('id').where('title', '=', `矩阵新建抽测${c.seq}`).execute())
            .length === 1,
        'spot-check not stored at the target',
      ),
  },
  {
    route: 'GET /api/spot-checks/:id',
    about: 'unit',
    at: BUREAUS,
    rule: SPOT_CHECK_READ,
    request: async (c) => ({
      method: 'GET',
      url: `/api/spot-checks/${await spotCheckAt(c.target, 'drawn', 'r', true)}`,
    }),
    verify: async (b, c) =>
      problem(
        json(b)['spotCheck']?.['id'] === (await spotCheckAt(c.target, 'drawn', 'r', true)) &&
          json(b)['spotCheck']?.['manage'] === (c.relation !== 'parent' && c.role !== 'school_admin'),
        'another spot-check, or manage wrong',
      ),
  },
  {
    route: 'PUT /api/spot-checks/:id',
    about: 'unit',
    at: BUREAUS,
    rule: SPOT_CHECK_DRAFT,
    request: async (c) => ({
      method: 'PUT',
      url: `/api/spot-checks/${await spotCheckAt(c.target, 'draft', `u${c.seq}`)}`,
      payload: { title: `矩阵改抽测${c.seq}`, year, ratePercent: 12.5, minPerUnit: 2 },
    }),
    verify: (b, c) => problem(json(b)['spotCheck']?.['title'] === `矩阵改抽测${c.seq}`, 'change not stored'),
  },
  {
    route: 'POST /api/spot-checks/:id/commit',
    about: 'unit',
    at: BUREAUS,
    rule: SPOT_CHECK_DRAFT,
    request: async (c) => ({
      method: 'POST',
      url: `/api/spot-checks/${await spotCheckAt(c.target, 'draft', `c${c.seq}`)}/commit`,
    }),
    verify: (b) =>
      problem(
        json(b)['spotCheck']?.['status'] === 'committed' && json(b)['spotCheck']?.['seed'] === null,
        'not committed, or the seed shown',
      ),
  },
  {
    route: 'POST /api/spot-checks/:id/draw',
    about: 'unit',
    at: BUREAUS,
    rule: SPOT_CHECK_STEP,
    request: async (c) => ({
      method: 'POST',
      url: `/api/spot-checks/${await spotCheckAt(c.target, 'committed', `d${c.seq}`)}/draw`,
    }),
    verify: async (b) =>
      problem(
        json(b)['spotCheck']?.['status'] === 'drawn' &&
          (await spotCheckStatus(Number(json(b)['spotCheck']?.['id']))) === 'drawn',
        'not drawn',
      ),
  },
  {
    route: 'POST /api/spot-checks/:id/publish-results',
    about: 'unit',
    at: BUREAUS,
    rule: SPOT_CHECK_STEP,
    request: async (c) => ({
      method: 'POST',
      url: `/api/spot-checks/${await spotCheckAt(c.target, 'drawn', `p${c.seq}`)}/publish-results`,
    }),
    verify: (b) => problem(json(b)['spotCheck']?.['status'] === 'published', 'not published'),
  },
  {
    route: 'GET /api/spot-checks/:id/list.json',
    about: 'unit',
    at: BUREAUS,
    rule: SPOT_CHECK_READ,
    request: async (c) => ({
      method: 'GET',
      url: `/api/spot-checks/${await spotCheckAt(c.target, 'drawn', 'r', true)}/list.json`,
    }),
    verify: (b) => {
      const list = b as { listSha256?: string; seed?: string; units?: Array<{ teachers: Array<{ name: string }> }> };
      return problem(
        /^[0-9a-f]{64}$/.test(list.listSha256 ?? '') &&
          /^[0-9a-f]{64}$/.test(list.seed ?? '') &&
          (list.units ?? []).every((u) => u.teachers.every((x) => x.name.includes('*'))),
        'not the published list with masked names and the seed',
      );
    },
  },
  {
    route: 'GET /api/spot-checks/:id/list.xlsx',
    about: 'unit',
    at: BUREAUS,
    rule: SPOT_CHECK_READ,
    request: async (c) => ({
      method: 'GET',
      url: `/api/spot-checks/${await spotCheckAt(c.target, 'drawn', 'r', true)}/list.xlsx`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
  {
    route: 'GET /api/spot-checks/:id/results',
    about: 'unit',
    at: BUREAUS,
    rule: SPOT_CHECK_READ,
    request: async (c) => ({
      method: 'GET',
      url: `/api/spot-checks/${await spotCheckAt(c.target, 'published', 'pub', true)}/results`,
    }),
    verify: (b) =>
      problem(
        (b as { published?: boolean }).published === true && ((b as { people?: unknown[] }).people ?? []).length > 0,
        'results not published or empty',
      ),
  },
  {
    route: 'GET /api/spot-checks/:id/results.xlsx',
    about: 'unit',
    at: BUREAUS,
    rule: SPOT_CHECK_READ,
    request: async (c) => ({
      method: 'GET',
      url: `/api/spot-checks/${await spotCheckAt(c.target, 'published', 'pub', true)}/results.xlsx`,
    }),
    verify: (_b, _c, res) =>
      problem(
        String(res.headers['content-type']).includes('spreadsheetml') && res.rawPayload.length > 1000,
        'not an .xlsx answer',
      ),
  },
];

const EXEMPT = (url: string) =>
  url.startsWith('/api/docs') || url === '/api/openapi.json' || url === '/api/health' || url.startsWith('/api/auth/');

function expectedOutcome(e: Entry, role: Role, relation: Relation, target: OrgUnitRow): Outcome {
  const { rule } = e;
  if (rule.allow[role]?.includes(relation)) {
    if (!rule.kinds || rule.kinds.only.includes(target.kind)) return 'ok';
    return rule.kinds.otherwise === 'forbidden' ? 'forbidden' : 'invalid';
  }
  if (rule.refused?.includes(role) || e.about === 'self') return 'forbidden';
  return (rule.reachOf?.[role] ?? rule.reach ?? SUBTREE).includes(relation)
    ? 'forbidden'
    : (rule.outside ?? 'not_found');
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-matrix-'));
  t = await createTestDatabase({ PEIXUN_DATA_DIR: dataDir });
  year = currentYear(t.env);
  tree = await buildTree(t.db);
  for (const role of ROLES)
    userIds.set(role, await addUser(t.db, tree[ACTORS[role].unit], role, ACTORS[role].username));
  for (const role of ROLES) {
    for (const rel of RELATIONS) {
      const key = TARGETS[role][rel];
      if (!key) continue;
      const unit = tree[key];
      const r = lowerRoleAt(role, unit.kind);
      if (!victims.has(`${unit.id}:${r}`))
        victims.set(`${unit.id}:${r}`, await addUser(t.db, unit, r, `mx-v-${key}-${r}`.replace(/_/g, '-')));
    }
  }
  for (const k of SCHOOLS) teacherAtSchool.set(tree[k].id, await seedTeacher(tree[k]));
  // the matrix's teacher account is the teacher of S1
  await createTeacherRepository(t.db).linkUser(teacherAtSchool.get(tree.S1.id)!, userIds.get('teacher')!);
  services = createServices({ db: t.db, env: t.env });
  await prepareCredits();
  await prepareTraining();
  await prepareQuestions();
  await prepareOnline();
  await prepareReflections();
  await prepareStudy();
  await prepareExams();
  await prepareExamStats();
  await preparePairs();
  await prepareBackbone();
  await prepareCompetitions();
  await preparePublicity();
  await prepareArchive();
  app = await buildApp({
    services,
    db: t.db,
    env: t.env,
    databaseMode: 'external',
    logger: false,
    serveWeb: false,
    onRoute: (r: RouteOptions) => {
      for (const method of [r.method].flat())
        registered.push({ method, url: r.url, config: (r.config ?? {}) as RouteConfig });
    },
  });
  await app.ready();
  for (const role of ROLES) sessions.set(role, await login(app, ACTORS[role].username));
});
afterAll(async () => {
  await app?.close();
  await closeCertificatePool();
  await t?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Cycles in both provinces (the current one, and two past ones whose years hold the verifications
 * the rows act on), and at every school an evidence file on an entry of its teacher, a certificate,
 * a review request and an open verification; statuses computed as the refresh job does.
 */
async function prepareCredits(): Promise<void> {
  fs.mkdirSync(path.join(dataDir, 'jobs'), { recursive: true });
  for (const p of [tree.P1, tree.P2]) {
    const admin =
      p.id === tree.P1.id ? userIds.get('province_admin')! : await addUser(t.db, p, 'province_admin', 'mx-p2-province');
    const ctx: RequestContext = {
      actor: {
        userId: admin,
        username: `mx-prep-${p.id}`,
        role: 'province_admin',
        orgUnitId: p.id,
        orgPath: p.path,
        provinceId: p.provinceId,
      },
      ip: '127.0.0.1',
    };
    const current = (
      await services.cycles.create(ctx, { name: `${year}—${year + 4}年`, startYear: year, endYear: year + 4 })
    ).id;
    const pastA = (await services.cycles.create(ctx, { name: '往期甲', startYear: year - 10, endYear: year - 1 })).id;
    const pastB = (await services.cycles.create(ctx, { name: '往期乙', startYear: year - 20, endYear: year - 11 })).id;
    cycles.set(p.id, { current, pastA, pastB });
    const seederId = await addUser(t.db, p, 'county_admin', `mx-seeder-${p.id}`);
    seeders.set(p.id, {
      actor: {
        userId: seederId,
        username: `mx-seeder-${p.id}`,
        role: 'county_admin',
        orgUnitId: p.id,
        orgPath: p.path,
        provinceId: p.provinceId,
      },
      ip: '127.0.0.1',
    });
  }
  await runJobsUntilIdle(t.db);
  for (const k of SCHOOLS) {
    const school = tree[k];
    const seeder = seederOf(school);
    const teacherId = teacherAtSchool.get(school.id)!;
    const ev = await services.credits.uploadEvidence(seeder, school.id, { name: `${k}.pdf`, data: PDF });
    evidenceAt.set(school.id, ev.id);
    await services.credits.register(seeder, [
      {
        teacherId,
        hours: 120,
        occurredOn: `${year}-01-01`,
        title: '暑期集中培训',
        categories: ['ethics'],
        evidenceId: ev.id,
        idemKey: `mx-seed-${k}`,
      },
    ]);
    certificateAt.set(
      school.id,
      (
        await services.certificates.issue(seeder, {
          teacherId,
          cycleId: cycles.get(school.provinceId)!.current,
          kind: 'cycle',
          year: null,
        })
      ).id,
    );
    await createCreditReviewRepository(t.db).insert({
      provinceId: school.provinceId,
      teacherId,
      orgPath: school.path,
      cycleId: cycles.get(school.provinceId)!.current,
      topic: '矩阵',
      message: '准备',
    });
    await services.verifications.open(seeder, {
      orgUnitId: school.id,
      cycleId: cycles.get(school.provinceId)!.pastA,
      year: year - 9,
    });
  }
}

/** At every catalogue unit a question of its bank; the matrix trainer (at I1) is named to keep K1's. */
async function prepareQuestions(): Promise<void> {
  for (const u of Object.values(tree))
    if (CATALOGUE.includes(u.kind)) questionAt.set(u.id, await newQuestion(u, `种子${u.id}`));
  await createQuestionRepository(t.db).setEditors(tree.K1.id, [userIds.get('trainer')!], null);
}

/**
 * At every catalogue unit a course with a file among its materials; at every organiser unit an open
 * project (one class, one session under way, the teachers of the schools below enrolled) and a draft.
 * The matrix's trainer teaches K1's class.
 */
async function prepareTraining(): Promise<void> {
  const training = createTrainingRepository(t.db);
  for (const u of Object.values(tree)) {
    if (CATALOGUE.includes(u.kind)) {
      courseAt.set(
        u.id,
        await createCourseRepository(t.db).insert({
          title: `矩阵种子课程${u.id}`,
          category: 'required',
          module: '师德',
          form: 'centralised',
          hours: 30,
          creditCategories: [],
          stages: [],
          subjects: [],
          description: null,
          materials: [
            {
              kind: 'file',
              title: '讲义',
              evidenceId: evidenceAt.get((u.provinceId === tree.P1.provinceId ? tree.S1 : tree.S5).id)!,
            },
          ],
          provinceId: u.provinceId,
          orgUnitId: u.id,
          orgPath: u.path,
          createdBy: null,
        }),
      );
    }
    if (!ORGANISERS.includes(u.kind)) continue;
    const open = await newProject(u, `种子${u.id}`, 'open', year);
    const draft = await newProject(u, `草稿${u.id}`, 'draft', year);
    const classId = await training.insertClass({
      projectId: open,
      provinceId: u.provinceId,
      orgPath: u.path,
      name: `矩阵种子班${u.id}`,
      capacity: 1000,
    });
    const sessionId = await training.insertSession(classId, sessionNow());
    for (const k of SCHOOLS)
      if (tree[k].path.startsWith(u.path)) await enrolDirect(classId, teacherAtSchool.get(tree[k].id)!);
    if (u.id === tree.K1.id) await training.setTrainers(classId, [userIds.get('trainer')!]);
    seededAt.set(u.id, { open, draft, classId, sessionId });
    sessionItemAt.set(u.id, await makeOnline(u, classId));
  }
}

/**
 * At every catalogue unit, its seeded course gets a chapter with a text page and a video file (on disk
 * under the data dir, as an upload leaves it), and an online project of the unit opens it in a class
 * whose window is open, with the teachers of the schools below enrolled; the matrix's trainer teaches K1's.
 */
async function prepareOnline(): Promise<void> {
  const training = createTrainingRepository(t.db);
  const sha = crypto.createHash('sha256').update(MATRIX_MP4).digest('hex');
  fs.mkdirSync(path.join(dataDir, 'study-files', sha.slice(0, 2)), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'study-files', sha.slice(0, 2), sha), MATRIX_MP4);
  const day = chinaDay(new Date());
  for (const u of Object.values(tree)) {
    if (!CATALOGUE.includes(u.kind)) continue;
    const courseId = courseAt.get(u.id)!;
    const chapterId = (
      await t.db
        .insertInto('course_chapter')
        .values({ course_id: courseId, title: '矩阵种子章', position: 0 })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const itemId = (
      await t.db
        .insertInto('course_item')
        .values({
          course_id: courseId,
          chapter_id: chapterId,
          position: 0,
          kind: 'text',
          title: '矩阵种子页',
          required_minutes: 30,
          body: '矩阵种子正文',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const fileId = await createOnlineCourseRepository(t.db).insertFile({
      provinceId: u.provinceId,
      courseId,
      kind: 'video',
      fileName: '矩阵视频.mp4',
      mimeType: 'video/mp4',
      sizeBytes: MATRIX_MP4.length,
      sha256: sha,
      durationSeconds: 30,
      createdBy: userIds.get('province_admin')!,
    });
    const projectId = await newProject(u, `网络${u.id}`, 'open', year);
    const classId = await training.insertClass({
      projectId,
      provinceId: u.provinceId,
      orgPath: u.path,
      name: `矩阵网络班${u.id}`,
      capacity: 1000,
    });
    await training.setOnline(classId, { courseId, opensOn: addDays(day, -1), closesOn: addDays(day, 60) });
    for (const k of SCHOOLS)
      if (tree[k].path.startsWith(u.path)) await enrolDirect(classId, teacherAtSchool.get(tree[k].id)!);
    if (u.id === tree.K1.id) await training.setTrainers(classId, [userIds.get('trainer')!]);
    onlineAt.set(u.id, { classId, chapterId, itemId, fileId });
  }
}

/**
 * At every organiser unit an online class with an assignment, the work of the first school's teacher
 * (with a file stored under the data dir) and a topic with its opening post.
 */
async function prepareStudy(): Promise<void> {
  const stored = storeBySha256(path.join(dataDir, 'homework'), HOMEWORK_PDF);
  for (const u of Object.values(tree)) {
    if (!ORGANISERS.includes(u.kind)) continue;
    const classId = await newOnlineClass(u, `网络${u.id}`);
    const assignmentId = await assignmentIn(classId, `矩阵种子作业${u.id}`);
    const teacherId = studentOf(u);
    const submissionId = await submissionIn(assignmentId, teacherId);
    const fileId = (
      await t.db
        .insertInto('homework_file')
        .values({
          province_id: u.provinceId,
          class_id: classId,
          teacher_id: teacherId,
          sha256: stored.sha256,
          file_name: `矩阵种子${u.id}.pdf`,
          mime_type: 'application/pdf',
          size_bytes: HOMEWORK_PDF.length,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const { id: versionId } = await t.db
      .selectFrom('homework_version')
      .select('id')
      .where('submission_id', '=', submissionId)
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('homework_version_file')
      .values({ version_id: versionId, file_id: fileId, position: 0 })
      .execute();
    const topicId = (
      await t.db
        .insertInto('forum_topic')
        .values({
          province_id: u.provinceId,
          class_id: classId,
          title: `矩阵种子主题${u.id}`,
          author_id: userIds.get('province_admin')!,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    studyAt.set(u.id, { classId, assignmentId, submissionId, fileId, topicId, postId: 0 });
    const postId = await postIn(u, `矩阵种子帖子${u.id}`);
    studyAt.set(u.id, { classId, assignmentId, submissionId, fileId, topicId, postId });
  }
}

/** At every organiser unit a closed exam of its open project, graded for the teacher of each school below. */
async function prepareExamStats(): Promise<void> {
  const question = new Map<number, number>();
  for (const p of [tree.P1, tree.P2])
    question.set(p.provinceId, (await seedQuestion(t.db, p, 'single', `矩阵种子试题${p.id}`)).versionId);
  for (const u of Object.values(tree)) {
    if (!ORGANISERS.includes(u.kind)) continue;
    const examId = await seedExam(
      t.db,
      u,
      { target: 'project', projectId: seeded(u).open },
      { title: `矩阵考试${u.id}` },
    );
    statsExamAt.set(u.id, examId);
    for (const k of SCHOOLS)
      if (tree[k].path.startsWith(u.path))
        await seedSitting(t.db, examId, teacherAtSchool.get(tree[k].id)!, tree[k], [
          { versionId: question.get(u.provinceId)!, points: 10, earned: 8 },
        ]);
  }
}

/** The schools whose results a reader of `target`'s exam sees: those below the reader's base (the organiser, or the reader's unit below it). */
const resultSchools = (c: Case) => {
  const base = c.relation === 'parent' ? c.own : c.target;
  return SCHOOLS.filter((k) => tree[k].path.startsWith(base.path)).map((k) => tree[k].name);
};

describe('access matrix (R-01)', () => {
  it('has a row for every API route', () => {
    const apiRoutes = registered
      .filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/') && !EXEMPT(r.url))
      .map((r) => `${r.method} ${r.url}`);
    expect(apiRoutes.length).toBeGreaterThan(10);
    const declared = new Set(MATRIX.map((e) => e.route));
    expect(
      apiRoutes.filter((r) => !declared.has(r)),
      'routes without a row in the access matrix',
    ).toEqual([]);
    const known = new Set(registered.map((r) => `${r.method} ${r.url}`));
    expect(
      [...declared].filter((r) => !known.has(r)),
      'matrix rows for routes that do not exist',
    ).toEqual([]);
  });

  it('answers every role at every relation as the rules say, and audits each refusal', async () => {
    const notFoundBody = (
      await as(app, sessions.get('county_admin')!)({ method: 'GET', url: '/api/org-units/999999999' })
    ).body;
    expect(JSON.parse(notFoundBody).error.code).toBe('NOT_FOUND');
    const actionOf = new Map(registered.map((r) => [`${r.method} ${r.url}`, r.config.action]));

    const cells = new Map<string, string>();
    const unexpectedSuccesses: string[] = [];
    const missingSuccesses: string[] = [];
    const problems: string[] = [];

    async function runCase(e: Entry, role: Role, relation: Relation, targetKey: UnitKey): Promise<void> {
      const c: Case = {
        role,
        relation,
        username: ACTORS[role].username,
        userId: userIds.get(role)!,
        own: tree[ACTORS[role].unit],
        target: tree[targetKey],
        seq: ++seq,
      };
      const want = expectedOutcome(e, role, relation, c.target);
      const where = `${role}@${ACTORS[role].unit} ${relation}=${targetKey} ${e.route}${e.variant ? ` (${e.variant})` : ''}`;
      const lastAudit = await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirstOrThrow();
      const res = await as(app, sessions.get(role)!)(await e.request(c));
      const status = res.statusCode;
      const ok = status >= 200 && status < 300;
      const body: unknown = res.body
        ? res.headers['content-type']?.toString().includes('json')
          ? res.json()
          : res.body
        : null;
      const got = `${status} ${String(res.headers['content-type']).includes('json') ? res.body.slice(0, 160) : `<${res.rawPayload.length} bytes of ${String(res.headers['content-type'])}>`}`;
      let mark = { ok: '✓', hidden: 'h', forbidden: 'F', not_found: 'N', invalid: 'V' }[want];

      if (ok && (want === 'forbidden' || want === 'not_found' || want === 'invalid')) {
        unexpectedSuccesses.push(`${where}: expected ${want}, got ${got}`);
        mark = '!';
      } else if (want === 'ok' || want === 'hidden') {
        if (!ok) {
          missingSuccesses.push(`${where}: expected ${want}, got ${got}`);
          mark = '!';
        } else {
          const problem =
            want === 'ok'
              ? ((await e.verify?.(body, c, res)) ?? null)
              : e.unlisted
                ? await e.unlisted(body, c)
                : itemsOf(body).some((u) => u.id === c.target.id)
                  ? 'target listed outside the subtree'
                  : null;
          if (problem) {
            problems.push(`${where}: ${problem}`);
            mark = '!';
          }
        }
      } else if (want === 'invalid') {
        const code = (e.rule.kinds?.otherwise as { invalid: string } | undefined)?.invalid;
        if (status !== 400 || json(body)['error']?.['code'] !== code) {
          problems.push(`${where}: expected 400 ${code}, got ${got}`);
          mark = '!';
        }
      } else {
        const expectedStatus = want === 'forbidden' ? 403 : 404;
        const err = json(body)['error'];
        if (status !== expectedStatus) problems.push(`${where}: expected ${expectedStatus}, got ${got}`);
        else if (
          Object.keys(body as object).join() !== 'error' ||
          Object.keys(err ?? {})
            .sort()
            .join() !== 'code,message'
        )
          problems.push(`${where}: the refusal carries more than a code and a message: ${res.body}`);
        else if (want === 'not_found' && res.body !== notFoundBody)
          problems.push(`${where}: 404 differs from the answer for a unit that does not exist: ${res.body}`);
        else if (want === 'forbidden' && err?.['code'] !== 'FORBIDDEN')
          problems.push(`${where}: expected FORBIDDEN, got ${got}`);
        else if (res.body.includes(c.target.name) || res.body.includes(c.target.path))
          problems.push(`${where}: the refusal names the target unit`);
        else {
          const rows = await t.db
            .selectFrom('audit_log')
            .select(['action', 'outcome', 'error_code'])
            .where('id', '>', Number(lastAudit.id ?? 0))
            .where('actor_username', '=', c.username)
            .execute();
          const action = actionOf.get(e.route);
          if (!rows.some((r) => r.outcome === 'denied' && r.action === action && r.error_code === err?.['code'])) {
            problems.push(`${where}: no 'denied' audit row for ${action} (rows: ${JSON.stringify(rows)})`);
          }
        }
        if (problems.at(-1)?.startsWith(where)) mark = '!';
      }
      cells.set(`${e.route}|${e.variant ?? ''}|${role}|${relation}`, mark);
    }

    // one actor's requests in order (their audit rows are then theirs alone), the six actors side by side
    await Promise.all(
      ROLES.map(async (role) => {
        for (const e of MATRIX) {
          for (const relation of RELATIONS) {
            const targetKey =
              e.about === 'self' ? (relation === 'own' ? ACTORS[role].unit : null) : TARGETS[role][relation];
            if (targetKey && (!e.at || e.at.includes(tree[targetKey].kind)))
              await runCase(e, role, relation, targetKey);
          }
        }
      }),
    );

    printSummary(cells);
    expect(unexpectedSuccesses, 'successes where the rules refuse').toEqual([]);
    expect(missingSuccesses, 'refusals where the rules allow').toEqual([]);
    expect(problems).toEqual([]);
    const counted = [...cells.values()];
    expect(counted.filter((m) => m === '✓').length).toBeGreaterThan(60);
    expect(counted.filter((m) => m === 'F' || m === 'N').length).toBeGreaterThan(150);
    // every route × role × relation, one request each: minutes on a busy 2-core machine
  }, 300_000);

  it('writes refusals to the audit log with the target and the code', async () => {
    const county = as(app, sessions.get('county_admin')!);
    const teacher = as(app, sessions.get('teacher')!);
    const school = as(app, sessions.get('school_admin')!);
    const trainer = as(app, sessions.get('trainer')!);
    const before = Number(
      (
        await t.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirstOrThrow()
      ).id ?? 0,
    );

    expect((await county({ method: 'GET', url: `/api/org-units/${tree.K2.id}` })).statusCode).toBe(404);
    expect(
      (await teacher({ method: 'PATCH', url: `/api/org-units/${tree.S1.id}`, payload: { contactName: '王老师' } }))
        .statusCode,
    ).toBe(403);
    expect((await school({ method: 'GET', url: `/api/users?orgUnitId=${tree.K1.id}` })).statusCode).toBe(404);
    expect((await trainer({ method: 'POST', url: '/api/api-tokens', payload: { name: '不该有' } })).statusCode).toBe(
      403,
    );
    expect(
      (
        await county({
          method: 'POST',
          url: '/api/org-units',
          payload: { parentId: tree.K3.id, kind: 'school', name: '越界新建学校' },
        })
      ).statusCode,
    ).toBe(404);

    const rows = await t.db
      .selectFrom('audit_log')
      .select(['actor_username', 'action', 'outcome', 'error_code', 'target_id'])
      .where('id', '>', before)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        actor_username: 'mx-county',
        action: 'org_unit.read',
        outcome: 'denied',
        error_code: 'NOT_FOUND',
        target_id: String(tree.K2.id),
      },
      {
        actor_username: 'mx-teacher',
        action: 'org_unit.update',
        outcome: 'denied',
        error_code: 'FORBIDDEN',
        target_id: String(tree.S1.id),
      },
      {
        actor_username: 'mx-school',
        action: 'user.list',
        outcome: 'denied',
        error_code: 'NOT_FOUND',
        target_id: String(tree.K1.id),
      },
      {
        actor_username: 'mx-trainer',
        action: 'api_token.create',
        outcome: 'denied',
        error_code: 'FORBIDDEN',
        target_id: null,
      },
      {
        actor_username: 'mx-county',
        action: 'org_unit.create',
        outcome: 'denied',
        error_code: 'NOT_FOUND',
        target_id: String(tree.K3.id),
      },
    ]);
    const stored = await t.db.selectFrom('org_unit').select('id').where('name', '=', '越界新建学校').execute();
    expect(stored).toEqual([]);
  });

  it('refuses to manage accounts of the same or a higher rank inside the subtree', async () => {
    const peer = await addUser(t.db, tree.K1, 'county_admin', 'mx-peer-county');
    const schoolPeer = await addUser(t.db, tree.S1, 'school_admin', 'mx-peer-school');
    const trainerAtS1 = await addUser(t.db, tree.S1, 'trainer', 'mx-trainer-s1');
    const county = as(app, sessions.get('county_admin')!);
    const school = as(app, sessions.get('school_admin')!);
    const city = as(app, sessions.get('city_admin')!);
    const cases: Array<[ReturnType<typeof as>, InjectOptions]> = [
      [county, { method: 'PATCH', url: `/api/users/${peer}`, payload: { displayName: '同级改名' } }],
      [county, { method: 'POST', url: `/api/users/${peer}/reset-password` }],
      [
        county,
        {
          method: 'POST',
          url: '/api/users',
          payload: { username: 'mx-rank-1', displayName: '同级', role: 'county_admin', orgUnitId: tree.K1.id },
        },
      ],
      [school, { method: 'PATCH', url: `/api/users/${schoolPeer}`, payload: { disabled: true } }],
      [
        school,
        {
          method: 'POST',
          url: '/api/users',
          payload: { username: 'mx-rank-2', displayName: '同级', role: 'school_admin', orgUnitId: tree.S1.id },
        },
      ],
      [
        city,
        {
          method: 'POST',
          url: '/api/users',
          payload: { username: 'mx-rank-3', displayName: '同级', role: 'city_admin', orgUnitId: tree.C1.id },
        },
      ],
      // a teacher cannot touch even a trainer of their own school
      [as(app, sessions.get('teacher')!), { method: 'POST', url: `/api/users/${trainerAtS1}/reset-password` }],
    ];
    for (const [who, req] of cases) {
      const res = await who(req);
      expect(res.statusCode, `${req.method} ${req.url}`).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    const after = await t.db
      .selectFrom('app_user')
      .select(['username', 'display_name', 'disabled'])
      .where('id', 'in', [peer, schoolPeer])
      .orderBy('id')
      .execute();
    expect(after).toEqual([
      { username: 'mx-peer-county', display_name: 'mx-peer-county', disabled: false },
      { username: 'mx-peer-school', display_name: 'mx-peer-school', disabled: false },
    ]);
    expect(await t.db.selectFrom('app_user').select('id').where('username', 'like', 'mx-rank-%').execute()).toEqual([]);
    // the refused disable left the peer's account usable
    await login(app, 'mx-peer-school');
  });

  it("treats another user's API token as not found", async () => {
    const county = as(app, sessions.get('county_admin')!);
    const city = as(app, sessions.get('city_admin')!);
    const created = await county({ method: 'POST', url: '/api/api-tokens', payload: { name: '县里的对接' } });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json();
    const res = await city({ method: 'DELETE', url: `/api/api-tokens/${apiToken.id}` });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('县里的对接');
    const still = await app.inject({
      method: 'GET',
      url: `/api/org-units/${tree.K1.id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(still.statusCode).toBe(200);
  });
});

function printSummary(cells: Map<string, string>): void {
  const short: Record<Role, string> = {
    province_admin: 'province',
    city_admin: 'city',
    county_admin: 'county',
    school_admin: 'school',
    trainer: 'trainer',
    teacher: 'teacher',
  };
  const block = (s: string) => s.padEnd(10);
  const lines = [
    'Access matrix. Columns per role: o own, c child, s sibling, p parent, x other province.',
    'Cells: ✓ 2xx, h 2xx with the target filtered out, F 403, N 404, V 400 (wrong kind of unit), · n/a (also: no such thing can live at that unit), ! differs from the rules.',
    `Actors and targets: ${ROLES.map((r) => `${short[r]}@${ACTORS[r].unit}(${RELATIONS.map((rel) => TARGETS[r][rel] ?? 'n/a').join(' ')})`).join(', ')}`,
    `${''.padEnd(58)}${ROLES.map((r) => block(short[r])).join('')}`,
    `${''.padEnd(58)}${ROLES.map(() => block('o c s p x')).join('')}`,
  ];
  for (const e of MATRIX) {
    const name = `${e.route}${e.variant ? ` (${e.variant})` : ''}`;
    const row = ROLES.map((role) =>
      block(RELATIONS.map((rel) => cells.get(`${e.route}|${e.variant ?? ''}|${role}|${rel}`) ?? '·').join(' ')),
    );
    lines.push(`${name.padEnd(58)}${row.join('')}`);
  }
  console.log(lines.join('\n'));
}

/** Mentoring pairs the rows act on (R-40). */
async function preparePairs(): Promise<void> {
  for (const k of SCHOOLS) menteeAtSchool.set(tree[k].id, await seedTeacher(tree[k]));
}

/** a second teacher per school: the mentee of the pairs there (the school's first teacher mentors; at S1 that is the matrix's teacher) */
const menteeAtSchool = new Map<number, number>();
const sharedPairs = new Map<number, Promise<number>>();

/** A mentoring pair between the school's two teachers, put straight into `state` (a fresh one each call). */
async function pairAt(
  school: OrgUnitRow,
  state: 'applied' | 'returned' | 'recommended' | 'registered' | 'active',
  opts: { schoolScored?: boolean } = {},
): Promise<number> {
  const county = await t.db
    .selectFrom('org_unit')
    .select(['id', 'path'])
    .where('kind', '=', 'county')
    .where(sql<boolean>`${school.path} LIKE path || '%'`)
    .executeTakeFirstOrThrow();
  const signed = state === 'active';
  const row = await t.db
    .insertInto('pair')
    .values({
      province_id: school.provinceId,
      kind: 'mentoring',
      county_id: county.id,
      county_path: county.path,
      org_unit_id: school.id,
      org_path: school.path,
      mentee_org_unit_id: school.id,
      mentee_org_path: school.path,
      mentor_teacher_id: teacherAtSchool.get(school.id)!,
      mentee_teacher_id: menteeAtSchool.get(school.id)!,
      applied_as: 'mentor',
      status: state,
      goals: state === 'registered' || signed ? '站稳讲台' : null,
      plan: state === 'registered' || signed ? '每月听课两节' : null,
      term_start: state === 'registered' || signed ? `${year - 1}-09-01` : null,
      term_end: state === 'registered' || signed ? `${year + 1}-07-01` : null,
      mentor_confirmed_at: signed ? new Date() : null,
      mentee_confirmed_at: signed || state === 'registered' ? new Date() : null,
      registered_at: state === 'registered' || signed ? new Date() : null,
      created_by: userIds.get('teacher')!,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  if (opts.schoolScored)
    await t.db
      .insertInto('pair_review')
      .values({ pair_id: id, stage: 'midterm', school_score: 80, school_at: new Date() })
      .execute();
  return id;
}
/** One working pair per school for the reading rows. */
function sharedPair(school: OrgUnitRow): Promise<number> {
  if (!sharedPairs.has(school.id)) sharedPairs.set(school.id, pairAt(school, 'active'));
  return sharedPairs.get(school.id)!;
}
/** An activity waiting for confirmation in a fresh working pair, logged by one side (by the matrix's teacher as mentor). */
async function activityAt(school: OrgUnitRow, side: 'mentor' | 'mentee'): Promise<number> {
  const pairId = await pairAt(school, 'active');
  const row = await t.db
    .insertInto('pair_activity')
    .values({
      pair_id: pairId,
      kind: 'guidance',
      occurred_on: `${year}-01-03`,
      minutes: 30,
      note: '矩阵准备的指导',
      side,
      teacher_id: side === 'mentor' ? teacherAtSchool.get(school.id)! : menteeAtSchool.get(school.id)!,
      logged_by: userIds.get('teacher')!,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
const pairFiles = new Map<number, Promise<number>>();
/** An evidence file of an activity of the school's shared pair. */
function pairFileAt(school: OrgUnitRow): Promise<number> {
  if (!pairFiles.has(school.id))
    pairFiles.set(
      school.id,
      (async () => {
        const pairId = await sharedPair(school);
        const activity = await t.db
          .insertInto('pair_activity')
          .values({
            pair_id: pairId,
            kind: 'observation',
            occurred_on: `${year}-01-04`,
            minutes: 45,
            note: '矩阵证明材料',
            side: 'mentor',
            teacher_id: teacherAtSchool.get(school.id)!,
            logged_by: userIds.get('teacher')!,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const { sha256 } = storeBySha256(path.join(dataDir, 'pairs'), PDF);
        const file = await t.db
          .insertInto('pair_activity_file')
          .values({
            activity_id: activity.id,
            sha256,
            file_name: '听课记录.pdf',
            mime_type: 'application/pdf',
            size_bytes: PDF.length,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return Number(file.id);
      })(),
    );
  return pairFiles.get(school.id)!;
}

/** Backbone rounds and titles the rows act on (R-41). */
/** Units that certify backbone titles (a township or an institution organises no round). */
function bbLevels(): readonly OrgUnitKind[] {
  return ['province', 'city', 'county', 'school'];
}
/**
 * A round is read by the admins of its organiser's subtree and by those of a unit with a quota on their
 * line (a school reads the county's round it nominates to); trainers and teachers only on its panel.
 */
function bbRoundRead(): Rule {
  return { allow: forRoles(ADMINS, ['own', 'child', 'parent']), reachOf: { trainer: [], teacher: [] } };
}
/** Only the organiser's subtree runs a round; a nominating unit above is refused. */
function bbRoundManage(): Rule {
  return { allow: forRoles(ADMINS, SUBTREE), reach: ['own', 'child', 'parent'], reachOf: { trainer: [], teacher: [] } };
}

/** The unit of `unit`'s round that holds the quota on the line to its first school (a school: itself). */
function bbQuotaUnit(unit: OrgUnitRow): OrgUnitRow {
  if (unit.kind === 'school') return unit;
  const school = schoolUnder(unit);
  return Object.values(tree).find((u) => u.parentId === unit.id && school.path.startsWith(u.path)) ?? school;
}

const BB_LEVEL_OF: Partial<Record<OrgUnitKind, string>> = {
  province: 'province',
  city: 'city',
  county: 'county',
  school: 'school',
};

/** A round organised at `unit` (quota 50 for the unit on the line to its first school), in `status`. */
async function bbRound(unit: OrgUnitRow, status: string): Promise<{ id: number; quotaUnit: OrgUnitRow }> {
  const quotaUnit = bbQuotaUnit(unit);
  const row = await t.db
    .insertInto('backbone_round')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      level: BB_LEVEL_OF[unit.kind] ?? 'county',
      title: `矩阵骨干评选${unit.id}`,
      criteria: '矩阵条件',
      nomination_deadline: addDays(chinaDay(new Date()), 30),
      term_years: 3,
      duties: JSON.stringify({ openLessons: 1, papers: 1 }),
      status,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('backbone_quota')
    .values({ round_id: row.id, org_unit_id: quotaUnit.id, org_path: quotaUnit.path, quota: 50 })
    .execute();
  return { id: Number(row.id), quotaUnit };
}

/**
 * A nomination of the first school's teacher to a fresh round at `unit`. With `scoring` the round is
 * closed; with `panel` the case's actor sits on its panel when their unit lies under the organiser
 * (as naming a panel allows).
 */
async function bbNomination(
  unit: OrgUnitRow,
  status: 'proposed' | 'nominated',
  opts: { scoring?: boolean; panel?: Case } = {},
): Promise<number> {
  const r = await bbRound(unit, opts.scoring ? 'scoring' : 'nominating');
  const school = schoolUnder(unit);
  const row = await t.db
    .insertInto('backbone_nomination')
    .values({
      province_id: unit.provinceId,
      round_id: r.id,
      teacher_id: teacherAtSchool.get(school.id)!,
      org_path: school.path,
      quota_unit_id: r.quotaUnit.id,
      by_unit_id: school.id,
      statement: '矩阵推荐材料',
      status,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const c = opts.panel;
  if (c?.own.path.startsWith(unit.path))
    await t.db.insertInto('backbone_panel_member').values({ round_id: r.id, user_id: c.userId }).execute();
  return Number(row.id);
}

async function bbNominationFile(unit: OrgUnitRow): Promise<number> {
  const nominationId = await bbNomination(unit, 'nominated');
  const { sha256 } = storeBySha256(path.join(dataDir, 'backbone'), PDF);
  const row = await t.db
    .insertInto('backbone_nomination_file')
    .values({
      nomination_id: nominationId,
      sha256,
      file_name: '推荐材料.pdf',
      mime_type: 'application/pdf',
      size_bytes: PDF.length,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A closed round at `unit` with one nomination scored by one panel member. */
async function bbScoredRound(unit: OrgUnitRow): Promise<{ roundId: number; nominationId: number }> {
  const nominationId = await bbNomination(unit, 'nominated', { scoring: true });
  const n = await t.db
    .selectFrom('backbone_nomination')
    .select('round_id')
    .where('id', '=', nominationId)
    .executeTakeFirstOrThrow();
  const judge = userIds.get('province_admin')!;
  await t.db.insertInto('backbone_panel_member').values({ round_id: n.round_id, user_id: judge }).execute();
  await t.db.insertInto('backbone_score').values({ nomination_id: nominationId, user_id: judge, score: 80 }).execute();
  return { roundId: Number(n.round_id), nominationId };
}

/** The teacher a title or duty of the case belongs to: at a school under the target (for the parent, one outside the actor's unit). */
const bbTeacherOf = (c: Case) => {
  const school = schoolUnder(c.target, c.relation === 'parent' ? c.own : undefined);
  return { school, teacherId: teacherAtSchool.get(school.id)! };
};

/** An active title granted by the target to a teacher under it, flagged when asked. */
async function bbTitle(c: Case, flagged: boolean): Promise<number> {
  const { school, teacherId } = bbTeacherOf(c);
  const day = chinaDay(new Date());
  const row = await t.db
    .insertInto('backbone_title')
    .values({
      province_id: c.target.provinceId,
      teacher_id: teacherId,
      org_path: school.path,
      level: BB_LEVEL_OF[c.target.kind] ?? 'county',
      granted_by_unit_id: c.target.id,
      granted_path: c.target.path,
      term_start: day,
      term_end: addDays(day, 3 * 365),
      ...(flagged ? { flagged_at: new Date(), flag_reason: '矩阵标记', flag_source_kind: 'admin' } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db.insertInto('backbone_title_event').values({ title_id: row.id, kind: 'granted' }).execute();
  return Number(row.id);
}

/** A duty recorded (with a link, and a file when asked) on a fresh title of the case's teacher. */
async function bbDuty(c: Case, withFile: boolean): Promise<number> {
  const titleId = await bbTitle(c, false);
  const { school, teacherId } = bbTeacherOf(c);
  const day = chinaDay(new Date());
  const file = withFile ? storeBySha256(path.join(dataDir, 'backbone'), PDF).sha256 : null;
  const row = await t.db
    .insertInto('backbone_duty')
    .values({
      province_id: c.target.provinceId,
      title_id: titleId,
      teacher_id: teacherId,
      org_path: school.path,
      year: Number(day.slice(0, 4)),
      kind: 'open_lesson',
      subject: '矩阵公开课',
      held_on: day,
      link: 'https://example.cn/lesson',
      ...(file ? { sha256: file, file_name: '课件.pdf', mime_type: 'application/pdf', size_bytes: PDF.length } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Backbone rows make their rounds, titles and duties as they go (see the bb* helpers above). */
async function prepareBackbone(): Promise<void> {
  fs.mkdirSync(path.join(dataDir, 'backbone'), { recursive: true });
}

/** Competitions, entries and panels the rows act on (R-42). */
async function prepareCompetitions(): Promise<void> {
  // the rows make their competitions as they go (compRoundAt, judgeRoundFor below)
}

// ------------------------------------------------------------------ competitions: what the rows stand on
const COMP_LEVEL: Partial<Record<OrgUnitKind, 'school' | 'county' | 'city' | 'province'>> = {
  province: 'province',
  city: 'city',
  county: 'county',
  township: 'school',
  school: 'school',
};
const COMP_RUBRIC = [{ key: 'a', label: '内容', weight: 1, max: 100 }];
type CompStage = 'open' | 'judging' | 'submitted' | 'scored' | 'finalised';
interface CompRound {
  competitionId: number;
  roundId: number;
  entryId: number;
  entryRoundId: number;
  panelId: number;
  honourId: number | null;
}
const compCache = new Map<string, Promise<CompRound>>();
const compJudges = new Map<number, Promise<number>>();

/** A trainer account at the unit, the judge of the rounds held there. */
function compJudgeAt(unit: OrgUnitRow): Promise<number> {
  if (!compJudges.has(unit.id)) compJudges.set(unit.id, addUser(t.db, unit, 'trainer', `mx-cjudge-${unit.id}`));
  return compJudges.get(unit.id)!;
}

/**
 * A round held at `unit` (with `upward`, the first round of a competition of the unit above, whose round is
 * the next one) with one entry of a school below it (outside `outside`), a panel of `judge` (the unit's
 * judge by default) with every entry assigned, brought to `stage`.
 */
function compRoundAt(
  unit: OrgUnitRow,
  stage: CompStage,
  tag: string,
  o: { shared?: boolean; outside?: OrgUnitRow; upward?: boolean; judge?: number; file?: boolean } = {},
): Promise<CompRound> {
  const key = `${unit.id}:${stage}:${tag}`;
  if (!o.shared) return newCompRound(unit, stage, tag, o);
  if (!compCache.has(key)) compCache.set(key, newCompRound(unit, stage, tag, o));
  return compCache.get(key)!;
}

async function newCompRound(
  unit: OrgUnitRow,
  stage: CompStage,
  tag: string,
  o: { outside?: OrgUnitRow; upward?: boolean; judge?: number; file?: boolean },
): Promise<CompRound> {
  const ctx = await provinceCtx(unit);
  const cs = services.competitions;
  const organiser = o.upward ? (await createOrgUnitRepository(t.db).findById(unit.parentId!))! : unit;
  const levels = [COMP_LEVEL[unit.kind]!, ...(o.upward ? [COMP_LEVEL[organiser.kind]!] : [])];
  const comp = await cs.create(ctx, {
    orgUnitId: organiser.id,
    title: `矩阵评比${tag}`,
    kind: 'essay',
    year,
    categories: [],
    rubric: COMP_RUBRIC,
    trimAt: 5,
    normalise: false,
    normaliseMin: 10,
    spreadThreshold: 20,
    rounds: levels.map((level) => ({
      level,
      deadline: '2099-12-31',
      quotaDefault: 50,
      awardSpec: { by: 'ranks' as const, counts: [1, 0, 0] as [number, number, number] },
    })),
  });
  const roundId = Number(
    (
      await t.db
        .selectFrom('competition_round')
        .select('id')
        .where('competition_id', '=', comp.id)
        .where('org_unit_id', '=', unit.id)
        .executeTakeFirstOrThrow()
    ).id,
  );
  const school = schoolUnder(unit, o.outside);
  const teacherId = await seedTeacher(school);
  const entry = await cs.submitEntry(ctx, roundId, {
    title: `矩阵评比作品${tag}`,
    teacherIds: [teacherId],
    schoolUnitId: school.id,
  });
  if (o.file)
    await cs.addFile(ctx, entry.entryId, { name: '张三的作品.pdf', data: Buffer.from('%PDF-1.4\n%matrix entry\n') });
  const judge = o.judge ?? (await compJudgeAt(unit));
  const panelId = await cs.createPanel(ctx, roundId, { name: '矩阵评审组', leadUserId: judge, judgeUserIds: [judge] });
  await cs.assign(ctx, roundId, { panelId });
  const order: CompStage[] = ['open', 'judging', 'submitted', 'scored', 'finalised'];
  const upto = order.indexOf(stage);
  let honourId: number | null = null;
  if (upto >= 1) await cs.startJudging(ctx, roundId);
  if (upto >= 2)
    await t.db
      .insertInto('competition_score')
      .values({
        round_id: roundId,
        entry_id: entry.entryId,
        judge_id: judge,
        items: JSON.stringify({ a: 80 }),
        total: 80,
        status: 'submitted',
      })
      .execute();
  if (upto >= 3) await cs.aggregate(ctx, roundId);
  if (upto >= 4) {
    const pub = await cs.publishAwards(ctx, roundId, { startsOn: '2027-07-01', endsOn: '2027-07-07' });
    const kept = (
      await t.db.selectFrom('competition_award').select('id').where('round_id', '=', roundId).execute()
    ).map((a) => Number(a.id));
    await t.db
      .transaction()
      .execute((trx) =>
        publicityHook('competition_round')!.finalise(
          trx,
          { actor: ctx.actor!, publicityId: pub.publicityId, sourceId: roundId },
          { kept, removed: [] },
        ),
      );
    honourId = Number(
      (
        await t.db
          .selectFrom('competition_award_honour as ah')
          .innerJoin('competition_award as a', 'a.id', 'ah.award_id')
          .select('ah.honour_id')
          .where('a.round_id', '=', roundId)
          .executeTakeFirstOrThrow()
      ).honour_id,
    );
  }
  return {
    competitionId: comp.id,
    roundId,
    entryId: entry.entryId,
    entryRoundId: entry.entryRoundId,
    panelId,
    honourId,
  };
}

/** A round of the actor's province being judged, the actor its only judge and panel lead (with a submitted score when asked). */
async function judgeRoundFor(c: Case, tag: string, submitted = false): Promise<CompRound> {
  const province = c.own.provinceId === tree.P1.provinceId ? tree.P1 : tree.P2;
  const key = `${c.userId}:${tag}`;
  const make = () =>
    newCompRound(province, submitted ? 'submitted' : 'judging', `j${tag}`, { judge: c.userId, file: true });
  if (tag !== 'read' && tag !== 'queue') return make();
  if (!compCache.has(key)) compCache.set(key, make());
  return compCache.get(key)!;
}

/** Published lists and commendation batches the rows act on (公示, R-44). */
async function preparePublicity(): Promise<void> {
  // at every unit a final list organised there and published to its subtree: what the readers' rows read
  for (const unit of Object.values(tree)) {
    const p = await pubList(unit, 'ended', 'competition_round');
    await t.db
      .updateTable('publicity')
      .set({ status: 'finalised', finalised_at: new Date() })
      .where('id', '=', p.id)
      .execute();
    pubShared.set(unit.id, p.id);
  }
  for (const unit of Object.values(tree)) honourShared.set(unit.id, await honourAt(unit, 'r'));
}

/** the honour awarded at each unit to itself, read by the rows that only read */
const honourShared = new Map<number, number>();
function BUREAU_ADMINS(): Role[] {
  return ['province_admin', 'city_admin', 'county_admin'];
}
const batchCache = new Map<string, Promise<number>>();
/** A draft commendation batch of the current year at a bureau, with one candidate (the unit itself). */
function batchAt(unit: OrgUnitRow, tag: string, shared = false): Promise<number> {
  const key = `${unit.id}:${tag}`;
  if (shared && batchCache.has(key)) return batchCache.get(key)!;
  const made = (async () => {
    const b = await t.db
      .insertInto('commendation_batch')
      .values({
        province_id: unit.provinceId,
        org_unit_id: unit.id,
        org_path: unit.path,
        year,
        title: `矩阵表彰${tag}`,
        criteria: JSON.stringify(DEFAULT_CRITERIA),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('commendation_candidate')
      .values({
        batch_id: b.id,
        kind: 'advanced_unit',
        org_unit_id: unit.id,
        org_path: unit.path,
        name: unit.name,
        unit_name: unit.name,
        figures: JSON.stringify({}),
        origin: 'proposed',
      })
      .execute();
    return Number(b.id);
  })();
  if (shared) batchCache.set(key, made);
  return made;
}
async function candidateOf(batchId: number): Promise<number> {
  const r = await t.db
    .selectFrom('commendation_candidate')
    .select('id')
    .where('batch_id', '=', batchId)
    .executeTakeFirstOrThrow();
  return Number(r.id);
}
/** An honour of a unit awarded by itself. */
async function honourAt(unit: OrgUnitRow, tag: string): Promise<number> {
  const h = await recordHonour(t.db, {
    provinceId: unit.provinceId,
    kind: 'advanced_unit',
    orgUnitId: unit.id,
    orgPath: unit.path,
    recipientName: unit.name,
    awardedByUnitId: unit.id,
    awardedByPath: unit.path,
    title: `矩阵荣誉${tag}`,
    year,
    source: { kind: 'commendation', id: 0 },
    awardedOn: `${year}-01-02`,
    createdBy: null,
  });
  return h.id;
}
/** the final list organised at each unit, read by the rows that only read */
const pubShared = new Map<number, number>();
let pubSeq = 0;
const isAdminRole = (r: Role) => (ADMINS as readonly Role[]).includes(r);
/** readers of a list organised at the target and published to its subtree: the subtree's admins, and everyone in it */
function pubReaders(): Partial<Record<Role, readonly Relation[]>> {
  return { ...forRoles(ADMINS, ['own', 'child', 'parent']), ...forRoles(STAFF, ['own', 'parent']) };
}
/** answering, finalising, withdrawing: the organiser's admins (and above); readers in scope below are refused */
function pubManage(): Rule {
  return { allow: forRoles(ADMINS, SUBTREE), reach: ['own', 'child', 'parent'] };
}

/**
 * A fresh list organised at `unit` and published to its subtree, with one line: running (objections
 * taken), with an open objection, or with its period over (ready to finalise).
 */
async function pubList(
  unit: OrgUnitRow,
  state: 'running' | 'objected' | 'ended',
  kind: 'competition_round' | 'commendation' = 'commendation',
): Promise<{ id: number; itemId: number; objectionId: number | null }> {
  const by = userIds.get('province_admin')!;
  const { id } = await t.db.transaction().execute((trx) =>
    publishList(
      trx,
      {
        userId: by,
        username: 'mx-province',
        role: 'province_admin',
        orgUnitId: unit.id,
        orgPath: unit.path,
        provinceId: unit.provinceId,
      },
      {
        kind,
        sourceId: 9_000_000 + pubSeq++,
        provinceId: unit.provinceId,
        orgUnitId: unit.id,
        orgPath: unit.path,
        scopePath: unit.path,
        title: `矩阵公示${pubSeq}`,
        startsOn: state === 'ended' ? '2020-01-01' : '2020-01-01',
        endsOn: state === 'ended' ? '2020-01-07' : '2099-12-31',
        items: [{ refId: 1, title: '矩阵条目', scorecard: { raw: [], final: 1, rank: 1 } }],
      },
    ),
  );
  const item = await t.db
    .selectFrom('publicity_item')
    .select('id')
    .where('publicity_id', '=', id)
    .executeTakeFirstOrThrow();
  let objectionId: number | null = null;
  if (state === 'objected')
    objectionId = Number(
      (
        await t.db
          .insertInto('publicity_objection')
          .values({
            province_id: unit.provinceId,
            publicity_id: id,
            item_id: item.id,
            author_id: by,
            author_path: unit.path,
            body: '矩阵准备的异议',
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
  return { id, itemId: Number(item.id), objectionId };
}

/** Development plans the rows act on (R-52): a submitted plan of every school's teacher. */
async function prepareArchive(): Promise<void> {
  for (const teacherId of teacherAtSchool.values())
    planOf.set(teacherId, await developmentPlanAt(teacherId, 'submitted'));
}
