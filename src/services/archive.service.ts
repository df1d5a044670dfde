import { currentYear, today } from '../config/env.js';
import { type ArchiveData, type ArchiveDocument, type ArchiveLocale, buildArchive } from '../domain/archive.js';
import { capName, evaluateProgress, explainLine } from '../domain/credit-progress.js';
import { isAdmin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can } from '../policies/access.policy.js';
import { createArchiveRepository } from '../repositories/archive.repository.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import { createDevelopmentPlanRepository } from '../repositories/development-plan.repository.js';
import { createTeacherRepository, type TeacherRow } from '../repositories/teacher.repository.js';
import { renderArchiveXlsx } from './archive-pdf/archive-xlsx.js';
import { archiveSectionLoaders } from './archive-sections.js';
import { appendAudit, auditRefusal } from './audit.js';
import { pdfPool } from './certificate.service.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { teacherFacts } from './credit-ledger.service.js';
import { rulesOf } from './credit-summary.js';
import { personalDataCipher } from './personal-data.js';

export type ArchiveFormat = 'json' | 'pdf' | 'xlsx';

export interface ArchiveFile {
  body: Buffer;
  contentType: string;
  fileName: string;
  localName: string;
}

const ACTIONS: Record<ArchiveFormat, string> = {
  json: 'archive.read',
  pdf: 'archive.pdf',
  xlsx: 'archive.export',
};

/**
 * A teacher's training archive (培训档案, R-52): everything the product holds about the teacher's
 * training, read by the teacher and by the administrators whose subtree holds the teacher's CURRENT
 * school — they read the whole history, also what happened at a former school, which no longer reads
 * it. School and county administrators (who keep archives, `teacher.unmask`) see the ID number in
 * full, city and province administrators masked (and no birth date beyond its year). Every read is
 * audited: it holds personal data.
 */
export function createArchiveService(deps: ServiceDeps) {
  const { db, env } = deps;
  const teachers = createTeacherRepository(db);

  /** The teacher whose archive the actor asked for, and how identifiers are shown to them. */
  async function readable(
    ctx: RequestContext,
    teacherId: number | 'me',
    action: string,
  ): Promise<{ teacher: TeacherRow; identifiers: ArchiveDocument['identifiers'] }> {
    const actor = requireActor(ctx);
    if (actor.role === 'teacher') {
      const own = await teachers.findByUserId(actor.userId);
      if (!own) return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
      if (teacherId !== 'me' && teacherId !== own.id)
        return auditRefusal(db, ctx, { action, targetType: 'teacher', targetId: teacherId }, notFoundDenied());
      return { teacher: own, identifiers: 'own' };
    }
    if (!isAdmin(actor.role) || teacherId === 'me')
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'teacher', targetId: teacherId === 'me' ? null : teacherId, targetPath: actor.orgPath },
        new AppError('FORBIDDEN'),
      );
    const t = await teachers.findById(teacherId);
    // decided by the teacher's current school: a former school reads nothing of it any more
    if (!t || t.provinceId !== actor.provinceId || !can(actor, 'teacher.read', { path: t.orgPath }))
      return auditRefusal(db, ctx, { action, targetType: 'teacher', targetId: teacherId }, notFoundDenied());
    return { teacher: t, identifiers: can(actor, 'teacher.unmask', { path: t.orgPath }) ? 'full' : 'masked' };
  }

  /** Reads everything the archive shows (no access check: the caller did it). */
  async function dataOf(
    t: TeacherRow,
    identifiers: ArchiveDocument['identifiers'],
    locale: ArchiveLocale,
  ): Promise<ArchiveData> {
    const archive = createArchiveRepository(db);
    const ledger = createCreditLedgerRepository(db);
    const year = currentYear(env);
    let idNumber = t.idNumberMasked;
    if (identifiers === 'full') {
      const s = await teachers.secrets(t.id);
      if (s) idNumber = personalDataCipher(env).decrypt(s.idNumberEnc);
    }
    const [postings, training, exams, homework, reflections, titles, honours, plans, cycles] = await Promise.all([
      teachers.postings(t.id),
      teachers.training(t.id),
      archive.exams(t.id),
      archive.homework(t.id),
      archive.reflections(t.id),
      archive.titles(t.id),
      archive.honours(t.id),
      createDevelopmentPlanRepository(db).ofTeacher(t.id),
      ledger.cycles(t.provinceId),
    ]);
    const facts = teacherFacts(t);
    const cycleData: ArchiveData['cycles'] = [];
    // oldest cycle first; a cycle without entries is left out unless it is the current one
    for (const c of [...cycles].reverse()) {
      const entries = await ledger.teacherEntries(t.id, c.id);
      const current = c.startYear <= year && year <= c.endYear;
      if (entries.length === 0 && !current) continue;
      const rules = await rulesOf(db, c);
      const p = evaluateProgress(rules, c, facts, entries, year);
      const outcome = new Map(p.entries.map((e) => [e.id, e]));
      cycleData.push({
        name: c.name,
        years: p.years,
        counted: p.counted,
        required: p.required,
        lines: p.lines.map((l) => explainLine(l, locale)),
        entries: entries.map((e) => {
          const o = outcome.get(e.id);
          const cap = o?.cappedBy ? rules.caps.find((x) => x.id === o.cappedBy) : undefined;
          return {
            year: e.year,
            occurredOn: e.occurredOn,
            title: e.title,
            sourceType: e.sourceType,
            orgUnitName: e.orgUnitName,
            hours: e.hours,
            counted: o?.counted ?? 0,
            capped: cap ? capName(rules, cap, locale) : null,
            cancelled: o?.cancelled ?? null,
            evidence: e.evidenceRef ?? e.evidenceName,
          };
        }),
      });
    }
    const extra = [];
    for (const loader of archiveSectionLoaders().values()) {
      const s = await loader(db, { teacherId: t.id, provinceId: t.provinceId, locale });
      if (s) extra.push(s);
    }
    extra.sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
    return {
      teacher: {
        id: t.id,
        name: t.name,
        idNumber,
        gender: t.gender,
        birthDate: t.birthDate,
        orgUnitName: t.orgUnitName,
        stage: t.stage,
        subject: t.subject,
        title: t.title,
        teachingStartYear: t.teachingStartYear,
        backboneLevel: t.backboneLevel,
      },
      postings,
      cycles: cycleData,
      training: training.map((r) => ({
        projectTitle: r.projectTitle,
        year: r.year,
        level: r.level,
        organiserName: r.organiserName,
        className: r.className,
        hours: r.hours,
        sessionsHeld: r.sessionsHeld,
        sessionsAttended: r.sessionsAttended,
        status: r.status,
        outcome: r.outcome,
      })),
      exams,
      homework,
      reflections,
      titles,
      honours,
      // a draft is the teacher's own working copy; what was submitted shows
      plans: plans.filter((p) => p.status !== 'draft'),
      extra,
    };
  }

  async function documentOf(
    ctx: RequestContext,
    teacherId: number | 'me',
    format: ArchiveFormat,
    locale: ArchiveLocale,
  ): Promise<ArchiveDocument> {
    const action = ACTIONS[format];
    const { teacher, identifiers } = await readable(ctx, teacherId, action);
    const doc = buildArchive(await dataOf(teacher, identifiers, locale), {
      locale,
      printedOn: today(env),
      identifiers,
    });
    await appendAudit(
      db,
      ctx,
      {
        action,
        targetType: 'teacher',
        targetId: teacher.id,
        targetPath: teacher.orgPath,
        targetLabel: teacher.name,
        details: { identifiers, sections: doc.sections.length },
      },
      'success',
    );
    return doc;
  }

  return {
    /** The archive as the page shows it. */
    read(ctx: RequestContext, teacherId: number | 'me', locale: ArchiveLocale): Promise<ArchiveDocument> {
      return documentOf(ctx, teacherId, 'json', locale);
    },

    /** The archive as a printable A4 PDF or an .xlsx workbook (one sheet per section). */
    async file(
      ctx: RequestContext,
      teacherId: number | 'me',
      format: 'pdf' | 'xlsx',
      locale: ArchiveLocale,
    ): Promise<ArchiveFile> {
      const doc = await documentOf(ctx, teacherId, format, locale);
      const stem = locale === 'en' ? `training-archive` : '培训档案';
      if (format === 'pdf')
        return {
          body: await pdfPool().renderArchive(doc),
          contentType: 'application/pdf',
          fileName: 'training-archive.pdf',
          localName: `${doc.teacherName}${stem}.pdf`,
        };
      return {
        body: await renderArchiveXlsx(doc),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        fileName: 'training-archive.xlsx',
        localName: `${doc.teacherName}${stem}.xlsx`,
      };
    },

    /** For measurements: the data of a teacher's archive read without access checks or audit. */
    dataOf,
  };
}

export type ArchiveService = ReturnType<typeof createArchiveService>;
