import type { Writable } from 'node:stream';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { maskBirthDate, maskIdNumber, maskPhone, normaliseIdNumber } from '../domain/id-number.js';
import { holdsTeachers, type Stage } from '../domain/org-tree.js';
import {
  BACKBONE_LABELS,
  EMPLOYMENT_LABELS,
  GENDER_LABELS,
  ID_TYPE_LABELS,
  STAGE_LABELS,
  checkIdNumber,
  diffTeacher,
  nameProblem,
  normaliseName,
  normalisePhone,
  type BackboneLevel,
  type ComparableTeacher,
  type Employment,
  type TeacherFields,
} from '../domain/teacher.js';
import { foldFullWidth } from '../domain/text.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import {
  createTeacherRepository,
  type TeacherColumns,
  type TeacherFilter,
  type TeacherRow,
  type TrainingRecordRow,
} from '../repositories/teacher.repository.js';
import { auditedWrite, auditRefusal, appendAudit } from './audit.js';
import { chinaTime, currentYear } from '../config/env.js';
import { createAuthThrottleRepository } from '../repositories/auth-throttle.repository.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { syncTeachersAllCycles } from './credit-summary.js';
import { personalDataCipher, type PersonalDataCipher } from './personal-data.js';
import { requireRegistryRole } from './registry-access.js';
import { writeXlsx } from './roster-file.js';

export interface TeacherQuery {
  orgUnitId?: number;
  /** only the unit's own teachers (default: with all units below it) */
  directOnly?: boolean;
  q?: string;
  stage?: Stage;
  subject?: string;
  employment?: Employment;
  flag?: TeacherFilter['flag'];
  backboneLevel?: BackboneLevel;
  hasAccount?: boolean;
}

export type TeacherInput = Omit<TeacherFields, 'gender' | 'birthDate'> & {
  gender?: TeacherFields['gender'];
  birthDate?: string | null;
};

export interface TeacherPermissions {
  canEdit: boolean;
  canUnmask: boolean;
  canTransfer: boolean;
}

const today = () => new Date().toISOString().slice(0, 10);

/** Stored columns for checked fields: identifiers encrypted, hashed and masked. */
export function toColumns(f: TeacherFields, cipher: PersonalDataCipher): TeacherColumns {
  return {
    name: f.name,
    id_type: f.idType,
    id_number_enc: cipher.encrypt(f.idNumber),
    id_number_hash: cipher.lookupHash(f.idNumber),
    id_number_masked: maskIdNumber(f.idNumber),
    gender: f.gender,
    birth_date: f.birthDate,
    phone_enc: f.phone ? cipher.encrypt(f.phone) : null,
    phone_hash: f.phone ? cipher.lookupHash(f.phone) : null,
    phone_masked: f.phone ? maskPhone(f.phone) : null,
    stage: f.stage,
    subject: f.subject,
    title: f.title,
    teaching_start_year: f.teachingStartYear,
    employment: f.employment,
    head_teacher: f.headTeacher,
    backbone_level: f.backboneLevel,
    subject_leader: f.subjectLeader,
    master_teacher: f.masterTeacher,
    new_teacher: f.newTeacher,
  };
}

/** What a re-import or an edit compares, from stored columns. */
export function comparable(
  c: Pick<
    TeacherColumns,
    Exclude<keyof TeacherColumns, 'id_number_enc' | 'id_number_hash' | 'id_number_masked' | 'phone_enc'>
  >,
): ComparableTeacher {
  return {
    name: c.name,
    idType: c.id_type,
    gender: c.gender,
    birthDate: c.birth_date,
    stage: c.stage,
    subject: c.subject,
    title: c.title,
    teachingStartYear: c.teaching_start_year,
    employment: c.employment,
    headTeacher: c.head_teacher,
    backboneLevel: c.backbone_level,
    subjectLeader: c.subject_leader,
    masterTeacher: c.master_teacher,
    newTeacher: c.new_teacher,
    phoneHash: c.phone_hash ? c.phone_hash.toString('hex') : null,
    phoneMasked: c.phone_masked,
  };
}

/**
 * Checks a teacher typed into a form: the same rules as the roster import, reported as
 * field → problem code (TEACHER_INVALID), so the form can mark each field.
 */
export function checkTeacherInput(input: TeacherInput, now = new Date()): TeacherFields {
  const problems: Record<string, string> = {};
  const name = normaliseName(input.name);
  const np = nameProblem(name);
  if (np) problems['name'] = np;
  const id = checkIdNumber(input.idType, input.idNumber, now);
  if (!id.ok) problems['idNumber'] = id.problem;
  let phone: string | null = null;
  if (input.phone) {
    phone = normalisePhone(input.phone);
    if (!phone) problems['phone'] = 'phone_invalid';
  }
  let gender = input.gender ?? null;
  let birthDate = input.birthDate ?? null;
  if (id.ok && id.gender) {
    if (gender && gender !== id.gender) problems['gender'] = 'gender_mismatch';
    gender = id.gender;
  }
  if (id.ok && id.birthDate) {
    if (birthDate && birthDate !== id.birthDate) problems['birthDate'] = 'birth_date_mismatch';
    birthDate = id.birthDate;
  }
  for (const f of ['subject', 'title'] as const)
    if (input[f] && [...foldFullWidth(input[f]!).trim()].length > 30) problems[f] = 'text_too_long';
  if (birthDate && !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) problems['birthDate'] = 'birth_date_invalid';
  if (
    input.teachingStartYear !== null &&
    (input.teachingStartYear < 1950 || input.teachingStartYear > now.getUTCFullYear())
  )
    problems['teachingStartYear'] = 'teaching_start_year_invalid';
  if (Object.keys(problems).length) throw new AppError('TEACHER_INVALID', { details: { problems } });
  return {
    ...input,
    name,
    idNumber: id.ok ? id.idNumber : '',
    phone,
    gender,
    birthDate,
    subject: input.subject ? foldFullWidth(input.subject).trim() || null : null,
    title: input.title ? foldFullWidth(input.title).trim() || null : null,
  };
}

export function createTeacherService({ db, env }: ServiceDeps) {
  const teachers = createTeacherRepository(db);
  const units = createOrgUnitRepository(db);
  const cipher = () => personalDataCipher(env);

  function permissions(actor: Actor, t: { orgPath: string }): TeacherPermissions {
    return {
      canEdit: can(actor, 'teacher.manage', { path: t.orgPath }),
      canUnmask: can(actor, 'teacher.unmask', { path: t.orgPath }),
      canTransfer: can(actor, 'teacher.transfer', { path: t.orgPath }),
    };
  }

  const requireRegistry = (ctx: RequestContext, action: string) => requireRegistryRole(db, ctx, action);

  /** The unit whose teachers are asked for: the actor's own unless named; outside the subtree, "not found". */
  async function scopeUnit(ctx: RequestContext, unitId: number | undefined, action: string): Promise<OrgUnitRow> {
    const actor = await requireRegistry(ctx, action);
    const unit = await units.findById(unitId ?? actor.orgUnitId);
    if (!unit) throw new AppError('NOT_FOUND');
    if (!can(actor, 'teacher.read', { path: unit.path })) {
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'org_unit', targetId: unit.id, targetPath: unit.path },
        can(actor, 'org.read', { path: unit.path }) ? new AppError('FORBIDDEN') : notFoundDenied(),
      );
    }
    return unit;
  }

  /** A teacher the actor may read now: current school in the subtree, or a former one (read only). */
  async function loadReadable(
    ctx: RequestContext,
    id: number,
    action: string,
  ): Promise<{ teacher: TeacherRow; former: boolean }> {
    const actor = await requireRegistry(ctx, action);
    const t = await teachers.findById(id);
    if (!t) throw new AppError('NOT_FOUND');
    if (can(actor, 'teacher.read', { path: t.orgPath })) return { teacher: t, former: false };
    if (
      can(actor, 'teacher.read', { path: actor.orgPath }) &&
      (await teachers.postingsWithin(id, actor.orgPath)).length > 0
    )
      return { teacher: t, former: true };
    return auditRefusal(db, ctx, { action, targetType: 'teacher', targetId: id }, notFoundDenied());
  }

  async function loadManageable(ctx: RequestContext, id: number, action: string): Promise<TeacherRow> {
    const actor = requireActor(ctx);
    const { teacher, former } = await loadReadable(ctx, id, action);
    if (former || !can(actor, 'teacher.manage', { path: teacher.orgPath })) {
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'teacher', targetId: id, targetPath: teacher.orgPath, targetLabel: teacher.name },
        new AppError('FORBIDDEN'),
      );
    }
    return teacher;
  }

  function filterOf(unit: OrgUnitRow, q: TeacherQuery): TeacherFilter {
    const f: TeacherFilter = {
      scopePath: unit.path,
      provinceId: unit.provinceId,
      orgUnitId: q.directOnly ? unit.id : undefined,
      stage: q.stage,
      subject: q.subject,
      employment: q.employment,
      flag: q.flag,
      backboneLevel: q.backboneLevel,
      hasAccount: q.hasAccount,
    };
    const text = q.q?.trim();
    if (text) {
      const folded = foldFullWidth(text).replace(/\s+/g, '');
      // an identity number or a phone is looked up by its keyed hash, never by pattern
      if (/^[0-9]{17}[0-9Xx]$/.test(folded)) f.q = { idHash: cipher().lookupHash(normaliseIdNumber(folded)) };
      else if (/^[A-Za-z0-9()-]{8,30}$/.test(folded) && /[0-9]{5}/.test(folded) && !normalisePhone(folded))
        f.q = { idHash: cipher().lookupHash(folded.toUpperCase()) };
      else if (normalisePhone(folded) && /^[+0-9-]+$/.test(folded))
        f.q = { phoneHash: cipher().lookupHash(normalisePhone(folded)!) };
      else f.q = { name: normaliseName(text) };
    }
    return f;
  }

  async function schoolFor(ctx: RequestContext, orgUnitId: number, action: string): Promise<OrgUnitRow> {
    const actor = await requireRegistry(ctx, action);
    const unit = await units.findById(orgUnitId);
    if (!unit || !can(actor, 'org.read', { path: unit.path })) {
      return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: orgUnitId }, notFoundDenied());
    }
    if (!can(actor, 'teacher.manage', { path: unit.path }))
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'org_unit', targetId: unit.id, targetPath: unit.path },
        new AppError('FORBIDDEN'),
      );
    if (!holdsTeachers(unit.kind)) throw new AppError('TEACHER_UNIT_NOT_SCHOOL');
    return unit;
  }

  /**
   * A search by full ID number or phone from an administrator who sees them masked (city, province)
   * would let them confirm a guessed number (region, last four and birth year leave few dates): each
   * is audited without the number, and a run of them pauses such searches for an hour.
   */
  async function identifierLookup(ctx: RequestContext, unit: OrgUnitRow, f: TeacherFilter): Promise<void> {
    const actor = requireActor(ctx);
    if (!f.q || 'name' in f.q || can(actor, 'teacher.unmask', { path: unit.path })) return;
    const throttle = createAuthThrottleRepository(db);
    const key = { kind: 'id_lookup' as const, subject: `user:${actor.userId}`, source: '*' };
    const meta = {
      action: 'teacher.lookup_identifier',
      targetType: 'org_unit',
      targetId: unit.id,
      targetPath: unit.path,
      targetLabel: unit.name,
      details: { by: 'idHash' in f.q ? 'id_number' : 'phone' },
    };
    const locked = await throttle.lockedUntil(key);
    const max = env.PEIXUN_ID_LOOKUPS_PER_HOUR;
    const refuse = (until: Date) =>
      auditRefusal(
        db,
        ctx,
        meta,
        new AppError('IDENTIFIER_LOOKUP_LIMIT', { params: { max, until: chinaTime(until) } }),
      );
    if (locked) return refuse(locked);
    await throttle.recordFailure(key, { maxFailures: max, windowMinutes: 60, lockMinutes: 60 });
    await appendAudit(db, ctx, meta, 'success');
  }

  return {
    permissions,

    async list(ctx: RequestContext, q: TeacherQuery, page: { page: number; pageSize: number }) {
      const unit = await scopeUnit(ctx, q.orgUnitId, 'teacher.list');
      const filter = filterOf(unit, q);
      await identifierLookup(ctx, unit, filter);
      return teachers.list(filter, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
    },

    /**
     * "All N matching": every teacher the list's filters match (less those left out), resolved here so
     * a bulk registration or nomination of a whole filtered list never sends the rows to the browser
     * and back. Checked like the list itself; more than `max` matches is refused.
     */
    async matching(
      ctx: RequestContext,
      q: TeacherQuery,
      opts: { action: string; max: number; except?: readonly number[] },
    ): Promise<TeacherRow[]> {
      const unit = await scopeUnit(ctx, q.orgUnitId, opts.action);
      const filter = filterOf(unit, q);
      await identifierLookup(ctx, unit, filter);
      const except = new Set(opts.except ?? []);
      const out: TeacherRow[] = [];
      for await (const chunk of teachers.stream(filter)) {
        for (const { idNumberEnc: _, phoneEnc: __, ...row } of chunk) {
          if (except.has(row.id)) continue;
          if (out.length === opts.max)
            throw new AppError('SELECTION_TOO_LARGE', { params: { max: opts.max }, details: { max: opts.max } });
          out.push(row);
        }
      }
      return out;
    },

    async formerList(ctx: RequestContext, orgUnitId: number | undefined, page: { page: number; pageSize: number }) {
      const unit = await scopeUnit(ctx, orgUnitId, 'teacher.list_former');
      return teachers.formerList(unit.path, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
    },

    async get(ctx: RequestContext, id: number) {
      const actor = requireActor(ctx);
      const { teacher, former } = await loadReadable(ctx, id, 'teacher.read');
      let postings = await teachers.postings(id);
      // a former school sees the periods it covered, not where the teacher went
      if (former) postings = postings.filter((p) => p.orgPath.startsWith(actor.orgPath));
      const view = former ? { ...teacher, orgUnitId: 0, orgUnitName: '', orgPath: '', phoneMasked: null } : teacher;
      return {
        teacher: view,
        former,
        postings: postings.map(({ orgPath: _, ...p }) => p),
        permissions: former ? { canEdit: false, canUnmask: false, canTransfer: false } : permissions(actor, teacher),
      };
    },

    /**
     * The teacher's training record (enrolments and outcomes) for the teacher's page; a former
     * school sees only the places taken while the teacher was there.
     */
    async training(ctx: RequestContext, id: number): Promise<TrainingRecordRow[]> {
      const actor = requireActor(ctx);
      const { former } = await loadReadable(ctx, id, 'teacher.read_training');
      return teachers.training(id, former ? actor.orgPath : undefined);
    },

    async create(ctx: RequestContext, orgUnitId: number, input: TeacherInput): Promise<TeacherRow> {
      const actor = requireActor(ctx);
      const school = await schoolFor(ctx, orgUnitId, 'teacher.create');
      const fields = checkTeacherInput(input);
      const cols = toColumns(fields, cipher());
      return auditedWrite(
        db,
        ctx,
        { action: 'teacher.create', targetType: 'teacher', targetPath: school.path, targetLabel: fields.name },
        async (trx, meta) => {
          const repo = createTeacherRepository(trx);
          if ((await repo.findByIdHashes([cols.id_number_hash])).length) throw new AppError('TEACHER_ID_TAKEN');
          const id = await repo.insert({
            ...cols,
            orgUnitId: school.id,
            orgPath: school.path,
            provinceId: school.provinceId,
          });
          await repo.openPosting({
            teacherId: id,
            provinceId: school.provinceId,
            orgUnitId: school.id,
            orgPath: school.path,
            startedOn: today(),
            reason: null,
            createdBy: actor.userId,
          });
          await syncTeachersAllCycles(trx, school.provinceId, [id], currentYear(env));
          meta.targetId = id;
          return (await repo.findById(id))!;
        },
      );
    },

    async update(ctx: RequestContext, id: number, patch: Partial<TeacherInput>): Promise<TeacherRow> {
      const t = await loadManageable(ctx, id, 'teacher.update');
      const stored = (await teachers.stored(id))!;
      const current: TeacherInput = {
        name: t.name,
        idType: t.idType,
        idNumber: cipher().decrypt(stored.id_number_enc),
        gender: t.gender,
        birthDate: t.birthDate,
        phone: stored.phone_enc ? cipher().decrypt(stored.phone_enc) : null,
        stage: t.stage,
        subject: t.subject,
        title: t.title,
        teachingStartYear: t.teachingStartYear,
        employment: t.employment,
        headTeacher: t.headTeacher,
        backboneLevel: t.backboneLevel,
        subjectLeader: t.subjectLeader,
        masterTeacher: t.masterTeacher,
        newTeacher: t.newTeacher,
      };
      // a changed resident ID number re-derives gender and birth date from it; another document keeps
      // them unless sent (an editor who sees the record masked does not know the full birth date)
      const idChanged = patch.idNumber !== undefined || patch.idType !== undefined;
      const rederive = idChanged && (patch.idType ?? current.idType) === 'resident';
      const merged = { ...current, ...(rederive ? { gender: null, birthDate: null } : {}), ...patch };
      const fields = checkTeacherInput(merged);
      const cols = toColumns(fields, cipher());
      const changes = diffTeacher(comparable(stored), comparable(cols));
      if (fields.idNumber !== current.idNumber)
        changes['idNumber'] = { from: t.idNumberMasked, to: cols.id_number_masked };
      return auditedWrite(
        db,
        ctx,
        {
          action: 'teacher.update',
          targetType: 'teacher',
          targetId: id,
          targetPath: t.orgPath,
          targetLabel: fields.name,
          details: { changes },
        },
        async (trx) => {
          const repo = createTeacherRepository(trx);
          if (
            fields.idNumber !== current.idNumber &&
            (await repo.findByIdHashes([cols.id_number_hash])).some((o) => o.id !== id)
          )
            throw new AppError('TEACHER_ID_TAKEN');
          if (Object.keys(changes).length) {
            await repo.update(id, cols);
            // birth date, gender, stage and flags decide which minima apply
            await syncTeachersAllCycles(trx, t.provinceId, [id], currentYear(env));
          }
          return (await repo.findById(id))!;
        },
      );
    },

    /** The identifiers in full (and the birth date they hide), for the roles allowed to see them; audited. */
    async unmask(
      ctx: RequestContext,
      id: number,
    ): Promise<{ idNumber: string; birthDate: string | null; phone: string | null }> {
      const actor = requireActor(ctx);
      const { teacher, former } = await loadReadable(ctx, id, 'teacher.unmask');
      const meta = {
        action: 'teacher.unmask',
        targetType: 'teacher',
        targetId: id,
        targetPath: teacher.orgPath,
        targetLabel: teacher.name,
      };
      if (former || !can(actor, 'teacher.unmask', { path: teacher.orgPath }))
        return auditRefusal(db, ctx, meta, new AppError('FORBIDDEN'));
      const s = (await teachers.secrets(id))!;
      await appendAudit(db, ctx, meta, 'success');
      return {
        idNumber: cipher().decrypt(s.idNumberEnc),
        birthDate: teacher.birthDate,
        phone: s.phoneEnc ? cipher().decrypt(s.phoneEnc) : null,
      };
    },

    async transfer(ctx: RequestContext, id: number, toOrgUnitId: number, reason: string | null): Promise<TeacherRow> {
      const actor = requireActor(ctx);
      const t = await loadManageable(ctx, id, 'teacher.transfer');
      if (!can(actor, 'teacher.transfer', { path: t.orgPath })) {
        return auditRefusal(
          db,
          ctx,
          {
            action: 'teacher.transfer',
            targetType: 'teacher',
            targetId: id,
            targetPath: t.orgPath,
            targetLabel: t.name,
          },
          new AppError('FORBIDDEN'),
        );
      }
      const dest = await schoolFor(ctx, toOrgUnitId, 'teacher.transfer');
      if (dest.id === t.orgUnitId) throw new AppError('TRANSFER_SAME_SCHOOL');
      const meta = {
        action: 'teacher.transfer',
        targetType: 'teacher',
        targetId: id,
        targetPath: dest.path,
        targetLabel: t.name,
        details: { fromOrgUnitId: t.orgUnitId, toOrgUnitId: dest.id, reason },
      };
      return auditedWrite(db, ctx, meta, async (trx) => {
        const repo = createTeacherRepository(trx);
        await repo.closePosting(id, today());
        await repo.openPosting({
          teacherId: id,
          provinceId: dest.provinceId,
          orgUnitId: dest.id,
          orgPath: dest.path,
          startedOn: today(),
          reason,
          createdBy: actor.userId,
        });
        await repo.moveTo(id, dest);
        // the teacher now counts in the new school's reports
        await syncTeachersAllCycles(trx, dest.provinceId, [id], currentYear(env));
        // the school the teacher left sees the move in its own audit log
        await appendAudit(
          trx,
          ctx,
          {
            action: 'teacher.transfer_out',
            targetType: 'teacher',
            targetId: id,
            targetPath: t.orgPath,
            targetLabel: t.name,
            details: { toOrgUnitId: dest.id },
          },
          'success',
        );
        return (await repo.findById(id))!;
      });
    },

    /**
     * Checks access, then hands back a writer that streams the filtered list as .xlsx. Identifiers
     * in full only when asked and allowed for the whole scope; each export is audited with its
     * filter and row count.
     */
    async exportXlsx(ctx: RequestContext, q: TeacherQuery, full: boolean): Promise<(out: Writable) => Promise<void>> {
      const actor = requireActor(ctx);
      const unit = await scopeUnit(ctx, q.orgUnitId, 'teacher.export');
      const meta = {
        action: 'teacher.export',
        targetType: 'org_unit',
        targetId: unit.id,
        targetPath: unit.path,
        targetLabel: unit.name,
        details: { full, filter: { ...q, q: q.q ? '…' : undefined } } as Record<string, unknown>,
      };
      if (full && !can(actor, 'teacher.unmask', { path: unit.path }))
        return auditRefusal(db, ctx, meta, new AppError('FORBIDDEN'));
      const c = cipher();
      let count = 0;
      const headers = [
        { header: '姓名', width: 12 },
        { header: '证件类型', width: 14 },
        { header: '证件号码', width: 22 },
        { header: '性别', width: 6 },
        // beside a masked ID number the birth date shows its year only
        { header: full ? '出生日期' : '出生年份', width: 12 },
        { header: '手机号码', width: 14 },
        { header: '学校', width: 26 },
        { header: '学段', width: 8 },
        { header: '任教学科', width: 12 },
        { header: '职称', width: 12 },
        { header: '任教起始年份', width: 12 },
        { header: '用工类型', width: 10 },
        { header: '班主任', width: 8 },
        { header: '骨干教师', width: 10 },
        { header: '学科带头人', width: 10 },
        { header: '名师', width: 8 },
        { header: '新入职', width: 8 },
      ];
      const yn = (b: boolean) => (b ? '是' : '否');
      const stream = teachers.stream(filterOf(unit, q));
      async function* rows() {
        for await (const chunk of stream) {
          for (const t of chunk) {
            count++;
            yield [
              t.name,
              ID_TYPE_LABELS[t.idType],
              full ? c.decrypt(t.idNumberEnc) : t.idNumberMasked,
              t.gender ? GENDER_LABELS[t.gender] : '',
              (full ? t.birthDate : maskBirthDate(t.birthDate)) ?? '',
              full ? (t.phoneEnc ? c.decrypt(t.phoneEnc) : '') : (t.phoneMasked ?? ''),
              t.orgUnitName,
              STAGE_LABELS[t.stage],
              t.subject ?? '',
              t.title ?? '',
              t.teachingStartYear,
              EMPLOYMENT_LABELS[t.employment],
              yn(t.headTeacher),
              t.backboneLevel ? BACKBONE_LABELS[t.backboneLevel] : '无',
              yn(t.subjectLeader),
              yn(t.masterTeacher),
              yn(t.newTeacher),
            ];
          }
        }
      }
      return async (out) => {
        try {
          await writeXlsx(out, '教师名册', headers, rows());
        } catch (e) {
          await appendAudit(db, ctx, meta, 'failure', 'INTERNAL').catch(() => undefined);
          throw e;
        }
        await appendAudit(db, ctx, { ...meta, details: { ...meta.details, rows: count } }, 'success');
      };
    },
  };
}

export type TeacherService = ReturnType<typeof createTeacherService>;
