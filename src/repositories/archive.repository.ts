import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

type Q = Kysely<DB>;

/** An exam result of a teacher (exams and levels). */
export interface ArchiveExamRow {
  examId: number;
  title: string;
  organiserName: string;
  closesAt: Date;
  examScore: number | null;
  composite: number | null;
  level: 'excellent' | 'good' | 'pass' | 'basic' | 'fail' | null;
  passed: boolean;
}

/** Homework the tutors recommended (优秀作业) or graded excellent. */
export interface ArchiveHomeworkRow {
  id: number;
  title: string;
  className: string;
  projectTitle: string;
  year: number;
  grade: string | null;
  score: number | null;
  maxScore: number | null;
  recommendedAt: Date | null;
  submittedAt: Date;
}

/** A reflection that counted for its class. */
export interface ArchiveReflectionRow {
  id: number;
  title: string;
  className: string;
  chars: number;
  createdAt: Date;
}

export interface ArchiveTitleRow {
  id: number;
  level: 'school' | 'county' | 'city' | 'province';
  grantedByName: string;
  termStart: string;
  termEnd: string;
  status: 'active' | 'expired' | 'revoked';
  flagReason: string | null;
  revokeReason: string | null;
  revokedAt: Date | null;
  events: Array<{ kind: string; reason: string | null; at: string }>;
}

export interface ArchiveHonourRow {
  id: number;
  kind: string;
  title: string;
  grade: string | null;
  year: number;
  awardedByName: string;
  awardedOn: string;
  code: string;
  revokedAt: Date | null;
  revokeReason: string | null;
}

/**
 * What a teacher's training archive reads besides the ledger, the training record and the
 * postings (their own repositories): exam results, recommended homework, reflections, backbone
 * titles with their history and honours. Every query is by the teacher's id: the archive follows
 * the teacher, whichever school they were at when it happened.
 */
export function createArchiveRepository(db: Q) {
  return {
    async exams(teacherId: number): Promise<ArchiveExamRow[]> {
      const rows = await db
        .selectFrom('exam_result as r')
        .innerJoin('exam as e', 'e.id', 'r.exam_id')
        .innerJoin('org_unit as o', 'o.id', 'e.org_unit_id')
        .select([
          'e.id as examId',
          'e.title',
          'o.name as organiserName',
          'e.closes_at as closesAt',
          'r.exam_score as examScore',
          'r.composite',
          'r.level',
          'r.passed',
        ])
        .where('r.teacher_id', '=', teacherId)
        // a candidate with a figure: an attempt graded or a component entered
        .where((eb) => eb.or([eb('r.exam_score', 'is not', null), eb('r.composite', 'is not', null)]))
        .orderBy('e.closes_at', 'desc')
        .limit(500)
        .execute();
      return rows.map((r) => ({
        ...r,
        examScore: r.examScore === null ? null : Number(r.examScore),
        composite: r.composite === null ? null : Number(r.composite),
      })) as ArchiveExamRow[];
    },

    async homework(teacherId: number): Promise<ArchiveHomeworkRow[]> {
      return (await db
        .selectFrom('homework_submission as s')
        .innerJoin('homework_assignment as a', 'a.id', 's.assignment_id')
        .innerJoin('training_class as c', 'c.id', 's.class_id')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .select([
          's.id',
          'a.title',
          'c.name as className',
          'p.title as projectTitle',
          'p.year',
          's.grade',
          's.score',
          'a.max_score as maxScore',
          's.recommended_at as recommendedAt',
          's.submitted_at as submittedAt',
        ])
        .where('s.teacher_id', '=', teacherId)
        .where('s.status', '=', 'graded')
        // a blind assignment's grades count once released
        .where((eb) => eb.or([eb('a.blind', '=', false), eb('a.released_at', 'is not', null)]))
        .where((eb) => eb.or([eb('s.recommended_at', 'is not', null), eb('s.grade', '=', 'excellent')]))
        .orderBy('s.submitted_at', 'desc')
        .limit(500)
        .execute()) as ArchiveHomeworkRow[];
    },

    async reflections(teacherId: number): Promise<ArchiveReflectionRow[]> {
      return (await db
        .selectFrom('reflection as r')
        .innerJoin('training_class as c', 'c.id', 'r.class_id')
        .select(['r.id', 'r.title', 'c.name as className', 'r.chars', 'r.created_at as createdAt'])
        .where('r.teacher_id', '=', teacherId)
        .where('r.status', '=', 'submitted')
        .where('r.counts', '=', true)
        .orderBy('r.created_at', 'desc')
        .limit(500)
        .execute()) as ArchiveReflectionRow[];
    },

    /** Every backbone title, revoked and expired ones too, each with its history. */
    async titles(teacherId: number): Promise<ArchiveTitleRow[]> {
      const rows = await db
        .selectFrom('backbone_title as b')
        .innerJoin('org_unit as o', 'o.id', 'b.granted_by_unit_id')
        .select([
          'b.id',
          'b.level',
          'o.name as grantedByName',
          sql<string>`to_char(b.term_start, 'YYYY-MM-DD')`.as('termStart'),
          sql<string>`to_char(b.term_end, 'YYYY-MM-DD')`.as('termEnd'),
          'b.status',
          'b.flag_reason as flagReason',
          'b.revoke_reason as revokeReason',
          'b.revoked_at as revokedAt',
          sql<Array<{ kind: string; reason: string | null; at: string }>>`coalesce((
            SELECT json_agg(json_build_object('kind', ev.kind, 'reason', ev.reason,
              'at', to_char(ev.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')) ORDER BY ev.id)
            FROM backbone_title_event ev WHERE ev.title_id = b.id), '[]'::json)`.as('events'),
        ])
        .where('b.teacher_id', '=', teacherId)
        .orderBy('b.term_start', 'desc')
        .orderBy('b.id', 'desc')
        .execute();
      return rows as ArchiveTitleRow[];
    },

    async honours(teacherId: number): Promise<ArchiveHonourRow[]> {
      return (await db
        .selectFrom('honour as h')
        .innerJoin('org_unit as o', 'o.id', 'h.awarded_by_unit_id')
        .select([
          'h.id',
          'h.kind',
          'h.title',
          'h.grade',
          'h.year',
          'o.name as awardedByName',
          sql<string>`to_char(h.awarded_on, 'YYYY-MM-DD')`.as('awardedOn'),
          'h.code',
          'h.revoked_at as revokedAt',
          'h.revoke_reason as revokeReason',
        ])
        .where('h.teacher_id', '=', teacherId)
        .orderBy('h.awarded_on', 'desc')
        .orderBy('h.id', 'desc')
        .execute()) as ArchiveHonourRow[];
    },
  };
}
