import crypto from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { normaliseIdNumber } from '../domain/id-number.js';
import { parseDateCell } from '../domain/roster-row.js';
import { EMPLOYMENTS, isStage, type Employment } from '../domain/teacher.js';
import { createApiTokenRepository } from '../repositories/api-token.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { createSessionRepository } from '../repositories/session.repository.js';
import { createTeacherRepository, type TeacherRow } from '../repositories/teacher.repository.js';
import { createTeacherCorrectionRepository } from '../repositories/teacher-correction.repository.js';
import { createUserRepository } from '../repositories/user.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { lookupCaches } from './lookup-cache.js';
import { hashPassword, verifyAgainstDummy } from './password-hasher.js';
import { checkNewPassword, weakPassword } from './password-policy.js';
import { personalDataCipher } from './personal-data.js';
import { requireRegistryManage } from './registry-access.js';
import { signInThrottle } from './sign-in-throttle.js';
import { createTeacherService, type TeacherInput } from './teacher.service.js';
import { notify } from './notify.js';

/** No 0/O, 1/I/L: codes are read off paper and typed on phones. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
export const ACTIVATION_DAYS = 30;
/** Activation slips are printed for this many teachers of a unit at a time (in print order). */
export const ACTIVATION_BATCH = 5_000;

/** Fields a teacher may ask to have corrected (PIPL Art. 46). */
export const CORRECTABLE_FIELDS = [
  'name',
  'idNumber',
  'gender',
  'birthDate',
  'phone',
  'stage',
  'subject',
  'title',
  'teachingStartYear',
  'employment',
] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];
// a birth date is the part a masked ID number hides (maskBirthDate): it is kept like the identifiers
const SECRET_FIELDS: ReadonlySet<CorrectableField> = new Set(['idNumber', 'phone', 'birthDate']);

/** Which of a unit's teachers a batch of slips covers: positions `from`–`to` of `teachers` in print order. */
export interface ActivationBatch {
  batch: number;
  batches: number;
  from: number;
  to: number;
  teachers: number;
}

export interface ActivationCode {
  teacherId: number;
  name: string;
  idNumberMasked: string;
  orgUnitName: string;
  code: string;
  expiresAt: Date;
  hadAccount: boolean;
}

export interface CorrectionRow {
  id: number;
  teacherId: number;
  teacherName: string;
  orgUnitName: string;
  field: CorrectableField;
  /** the value asked for; null for identifiers, which stay encrypted until an admin accepts */
  proposed: string | null;
  proposedHidden: boolean;
  reason: string;
  status: 'open' | 'accepted' | 'rejected';
  createdAt: Date;
  decidedAt: Date | null;
  decisionNote: string | null;
}

const codeHash = (code: string) => crypto.createHash('sha256').update(`activation:${code}`).digest();

export function newActivationCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]).join('');
}

/** Typed codes: case, spaces and hyphens do not matter. */
export function normaliseCode(typed: string): string {
  return typed.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
}

/**
 * Teacher accounts without passwords handed out in bulk: the school prints one-time activation
 * codes; a teacher activates with ID number + code and chooses a password, then logs in with the
 * ID number. Also the teacher's own record and their requests to correct it.
 */
export function createTeacherAccountService(deps: ServiceDeps) {
  const { db, env } = deps;
  const teachers = createTeacherRepository(db);
  const units = createOrgUnitRepository(db);
  const cipher = () => personalDataCipher(env);
  const teacherService = createTeacherService(deps);
  const throttle = signInThrottle(db, env);

  const requireAdminAt = (ctx: RequestContext, path: string, action: string, target: { type: string; id: number }) =>
    requireRegistryManage(db, ctx, action, { path, ...target });

  async function ownTeacher(ctx: RequestContext, action: string): Promise<TeacherRow> {
    const actor = requireActor(ctx);
    const t = actor.role === 'teacher' ? await teachers.findByUserId(actor.userId) : undefined;
    if (!t) return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
    return t;
  }

  return {
    /** How a unit's teachers split into batches of activation slips, for the print chooser. */
    async activationBatches(
      ctx: RequestContext,
      orgUnitId: number,
    ): Promise<{ teachers: number; withoutAccount: number; batchSize: number; batches: number }> {
      const unit = await units.findById(orgUnitId);
      if (!unit) throw new AppError('NOT_FOUND');
      await requireAdminAt(ctx, unit.path, 'teacher.activation_batches', { type: 'org_unit', id: unit.id });
      const n = await teachers.activationCounts({ provinceId: unit.provinceId, path: unit.path });
      return { ...n, batchSize: ACTIVATION_BATCH, batches: Math.max(1, Math.ceil(n.teachers / ACTIVATION_BATCH)) };
    },

    /**
     * New codes for the named teachers, or for the teachers without an account among batch `batch`
     * (1, 2 …) of a unit's teachers (and below): positions (batch − 1) × 5,000 + 1 … batch × 5,000 in
     * print order (school, name). A new code replaces the previous one. The codes are shown once:
     * only their hashes are kept.
     */
    async issueCodes(
      ctx: RequestContext,
      orgUnitId: number,
      teacherIds?: number[],
      batchNumber = 1,
    ): Promise<{ items: ActivationCode[]; batch: ActivationBatch | null }> {
      const unit = await units.findById(orgUnitId);
      if (!unit) throw new AppError('NOT_FOUND');
      await requireAdminAt(ctx, unit.path, 'teacher.issue_activation', { type: 'org_unit', id: unit.id });
      const expiresAt = new Date(Date.now() + ACTIVATION_DAYS * 86_400_000);
      const scope = { provinceId: unit.provinceId, path: unit.path };
      const meta = {
        action: 'teacher.issue_activation',
        targetType: 'org_unit',
        targetId: unit.id,
        targetPath: unit.path,
        targetLabel: unit.name,
      };
      return auditedWrite(db, ctx, meta, async (trx, meta) => {
        const repo = createTeacherRepository(trx);
        let batch: ActivationBatch | null = null;
        // a teacher with an account gets a new code only through a reset, which also ends the old password
        let rows: Awaited<ReturnType<typeof repo.withoutAccount>>;
        if (teacherIds?.length) rows = await repo.withoutAccount(scope, teacherIds, ACTIVATION_BATCH);
        else {
          const { teachers: total } = await repo.activationCounts(scope);
          const batches = Math.max(1, Math.ceil(total / ACTIVATION_BATCH));
          if (batchNumber > batches) {
            throw new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'batch', kind: 'out_of_range' }] } });
          }
          const offset = (batchNumber - 1) * ACTIVATION_BATCH;
          const to = Math.min(total, offset + ACTIVATION_BATCH);
          batch = { batch: batchNumber, batches, from: Math.min(total, offset + 1), to, teachers: total };
          rows = await repo.activationBatch(scope, offset, ACTIVATION_BATCH);
        }
        const items: ActivationCode[] = rows.map((r) => ({
          teacherId: r.id,
          name: r.name,
          idNumberMasked: r.idNumberMasked,
          orgUnitName: r.orgUnitName,
          code: newActivationCode(),
          expiresAt,
          hadAccount: false,
        }));
        await repo.setActivations(
          items.map((c) => ({ id: c.teacherId, hash: codeHash(c.code) })),
          expiresAt,
        );
        const range = batch ? { batch: batch.batch, from: batch.from, to: batch.to } : {};
        meta.details = { count: items.length, named: teacherIds?.length ?? 0, ...range };
        return { items, batch };
      });
    },

    /**
     * A school admin's reset: a new activation code, and an existing account loses its password
     * and sessions until the teacher activates again.
     */
    async resetActivation(ctx: RequestContext, teacherId: number): Promise<ActivationCode> {
      const t = await teachers.findById(teacherId);
      if (!t) throw new AppError('NOT_FOUND');
      await requireAdminAt(ctx, t.orgPath, 'teacher.reset_activation', { type: 'teacher', id: teacherId });
      const code = newActivationCode();
      const expiresAt = new Date(Date.now() + ACTIVATION_DAYS * 86_400_000);
      await auditedWrite(
        db,
        ctx,
        {
          action: 'teacher.reset_activation',
          targetType: 'teacher',
          targetId: t.id,
          targetPath: t.orgPath,
          targetLabel: t.name,
        },
        async (trx) => {
          await createTeacherRepository(trx).setActivation(t.id, codeHash(code), expiresAt);
          if (t.userId) {
            await createUserRepository(trx).clearPassword(t.userId);
            await createSessionRepository(trx).deleteForUser(t.userId);
            await createApiTokenRepository(trx).revokeAllForUser(t.userId);
          }
        },
      );
      if (t.userId) lookupCaches(db).credentials.deleteOwner(t.userId);
      return {
        teacherId: t.id,
        name: t.name,
        idNumberMasked: t.idNumberMasked,
        orgUnitName: t.orgUnitName,
        code,
        expiresAt,
        hadAccount: t.userId !== null,
      };
    },

    /**
     * A teacher activates (or re-activates) their account. Wrong ID number, wrong or expired code
     * all give the same answer in the same time; five failures in 15 minutes from one address lock
     * further tries of that ID number from there (an ID number nobody has locks the same way).
     */
    async activate(
      ctx: RequestContext,
      idNumberTyped: string,
      codeTyped: string,
      password: string,
    ): Promise<{ username: string }> {
      const idNumber = normaliseIdNumber(idNumberTyped);
      const t = /^[0-9A-Z()-]{5,30}$/.test(idNumber)
        ? await teachers.findByIdHash(cipher().lookupHash(idNumber))
        : undefined;
      const meta = {
        action: 'auth.activate',
        targetType: 'teacher',
        targetId: t?.id ?? null,
        targetPath: t?.orgPath ?? null,
        targetLabel: t?.name ?? null,
      };
      const key = throttle.key('activate', t ? `teacher:${t.id}` : throttle.unknownSubject(idNumber), ctx);
      const lockedUntil = await throttle.lockedUntil(key);
      const given = codeHash(normaliseCode(codeTyped));
      const valid =
        !lockedUntil &&
        t?.activationHash &&
        t.activationExpires &&
        t.activationExpires.getTime() >= Date.now() &&
        crypto.timingSafeEqual(given, t.activationHash);
      if (!t || !valid) {
        // as much work as a password check, whatever was wrong
        await verifyAgainstDummy(password);
        const lockedNow = lockedUntil ?? (await throttle.fail(key));
        if (lockedNow) {
          const e = new AppError('AUTH_ACCOUNT_LOCKED', { details: { lockedUntil: lockedNow.toISOString() } });
          return auditRefusal(db, ctx, meta, e);
        }
        return auditRefusal(db, ctx, meta, new AppError('ACTIVATION_INVALID'));
      }
      const username = `teacher${t.id}`;
      const problem = checkNewPassword(env, password, { username, idNumber, role: 'teacher' });
      if (problem) throw weakPassword(env, problem, 'teacher');
      const hash = await hashPassword(password);
      await auditedWrite(db, ctx, meta, async (trx) => {
        const users = createUserRepository(trx);
        if (t.userId) {
          await users.setPassword(t.userId, hash, false);
          await users.unlock(t.userId);
          await signInThrottle(trx, env).clearAccount('login', `user:${t.userId}`);
        } else {
          const school = (await createOrgUnitRepository(trx).findById(t.orgUnitId))!;
          const userId = await users.insert({
            username,
            displayName: t.name,
            role: 'teacher',
            orgUnitId: school.id,
            orgPath: school.path,
            provinceId: school.provinceId,
            passwordHash: hash,
            mustChangePassword: false,
          });
          await createTeacherRepository(trx).linkUser(t.id, userId);
        }
        await createTeacherRepository(trx).setActivation(t.id, null, null);
      });
      await throttle.succeed(key);
      return { username };
    },

    /** The teacher's own record (identifiers masked), postings and correction requests. */
    async me(ctx: RequestContext) {
      const t = await ownTeacher(ctx, 'teacher.read_own');
      const postings = (await teachers.postings(t.id)).map(({ orgPath: _, ...p }) => p);
      return { teacher: t, postings, corrections: (await this.listCorrections(ctx, { teacherId: t.id })).items };
    },

    async requestCorrection(
      ctx: RequestContext,
      field: CorrectableField,
      proposed: string,
      reason: string,
    ): Promise<CorrectionRow> {
      const t = await ownTeacher(ctx, 'teacher.request_correction');
      const secret = SECRET_FIELDS.has(field);
      return auditedWrite(
        db,
        ctx,
        {
          action: 'teacher.request_correction',
          targetType: 'teacher',
          targetId: t.id,
          targetPath: t.orgPath,
          targetLabel: t.name,
          details: { field },
        },
        async (trx, meta) => {
          const id = await createTeacherCorrectionRepository(trx).insert({
            teacherId: t.id,
            provinceId: t.provinceId,
            orgPath: t.orgPath,
            field,
            reason,
            proposed: secret ? null : proposed,
            proposedEnc: secret ? cipher().encrypt(proposed) : null,
          });
          meta.details = { field, correctionId: id };
          // the school keeps the registry and decides
          await notify(trx, {
            to: { adminsAt: [t.orgUnitId] },
            kind: 'correction_requested',
            params: { teacher: t.name, field },
            link: '/teacher-corrections?status=open',
            senderId: requireActor(ctx).userId,
          });
          return (await listCorrectionRows(trx, { id })).items[0]!;
        },
      );
    },

    /**
     * Correction requests: all of a teacher's own, or one page (`page`, `pageSize`, 20 by default)
     * of those of a unit's teachers for its admins, with how many there are.
     */
    async listCorrections(
      ctx: RequestContext,
      q: { teacherId?: number; orgUnitId?: number; status?: CorrectionRow['status']; page?: number; pageSize?: number },
    ): Promise<{ items: CorrectionRow[]; total: number }> {
      const actor = requireActor(ctx);
      if (q.teacherId !== undefined) return listCorrectionRows(db, { teacherId: q.teacherId });
      const unit = await units.findById(q.orgUnitId ?? actor.orgUnitId);
      if (!unit) throw new AppError('NOT_FOUND');
      await requireAdminAt(ctx, unit.path, 'teacher.list_corrections', { type: 'org_unit', id: unit.id });
      const pageSize = q.pageSize ?? 20;
      const page = { limit: pageSize, offset: ((q.page ?? 1) - 1) * pageSize };
      return listCorrectionRows(db, { scopePath: unit.path, status: q.status }, page);
    },

    /** The school admin accepts (the change is applied, audited field by field) or rejects with a note. */
    async decideCorrection(
      ctx: RequestContext,
      id: number,
      accept: boolean,
      note: string | null,
    ): Promise<CorrectionRow> {
      const c = await createTeacherCorrectionRepository(db).find(id);
      if (!c) throw new AppError('NOT_FOUND');
      const actor = await requireAdminAt(ctx, c.org_path, 'teacher.decide_correction', {
        type: 'teacher_correction',
        id,
      });
      return auditedWrite(
        db,
        ctx,
        {
          action: 'teacher.decide_correction',
          targetType: 'teacher',
          targetId: c.teacher_id,
          targetPath: c.org_path,
          details: { correctionId: id, field: c.field, accept },
        },
        async (trx) => {
          // the request stays locked until it is decided: a second admin waits, then finds it decided
          const corrections = createTeacherCorrectionRepository(trx);
          if ((await corrections.lockStatus(id)) !== 'open') throw new AppError('CONFLICT');
          if (accept) {
            const value = c.proposed_enc ? cipher().decrypt(c.proposed_enc) : c.proposed;
            await teacherService.update(ctx, c.teacher_id, correctionPatch(c.field as CorrectableField, value));
          }
          await corrections.decide(id, { accept, by: actor.userId, note });
          await notify(trx, {
            to: { teacherOf: c.teacher_id },
            kind: 'correction_decided',
            params: { field: c.field, accept, note },
            link: '/me/teacher',
            senderId: actor.userId,
          });
          return (await listCorrectionRows(trx, { id })).items[0]!;
        },
      );
    },
  };
}

/** The typed value of a correction as a teacher-form patch; a wrong value is refused like the form's. */
function correctionPatch(field: CorrectableField, value: string | null): Partial<TeacherInput> {
  const v = (value ?? '').trim();
  const invalid = (problem: string) => new AppError('TEACHER_INVALID', { details: { problems: { [field]: problem } } });
  switch (field) {
    case 'teachingStartYear':
      if (!/^\d{4}$/.test(v)) throw invalid('teaching_start_year_invalid');
      return { teachingStartYear: Number(v) };
    case 'gender':
      if (v !== 'male' && v !== 'female') throw invalid('invalid_choice');
      return { gender: v };
    case 'stage':
      if (!isStage(v)) throw invalid('invalid_choice');
      return { stage: v };
    case 'employment':
      if (!(EMPLOYMENTS as readonly string[]).includes(v)) throw invalid('invalid_choice');
      return { employment: v as Employment };
    case 'birthDate': {
      const d = parseDateCell(v);
      if (d === null || d === 'invalid') throw invalid('birth_date_invalid');
      return { birthDate: d };
    }
    case 'name':
    case 'idNumber':
      return { [field]: v };
    case 'phone':
    case 'subject':
    case 'title':
      return { [field]: v || null };
    default: {
      const never: never = field;
      return never;
    }
  }
}

type CorrectionRepository = ReturnType<typeof createTeacherCorrectionRepository>;
/** Correction requests as the API shows them: a proposal of a secret field is not shown, only flagged. */
async function listCorrectionRows(
  db: Parameters<typeof createTeacherCorrectionRepository>[0],
  f: Parameters<CorrectionRepository['list']>[0],
  page?: Parameters<CorrectionRepository['list']>[1],
): Promise<{ items: CorrectionRow[]; total: number }> {
  const { items: rows, total } = await createTeacherCorrectionRepository(db).list(f, page);
  const items = rows.map(({ proposedEnc, ...r }) => {
    // requests stored before birth dates were kept encrypted are hidden the same way
    const hidden = proposedEnc !== null || SECRET_FIELDS.has(r.field as CorrectableField);
    return { ...r, field: r.field as CorrectableField, proposed: hidden ? null : r.proposed, proposedHidden: hidden };
  });
  return { items, total };
}

export type TeacherAccountService = ReturnType<typeof createTeacherAccountService>;
