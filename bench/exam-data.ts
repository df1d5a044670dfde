/**
 * An exam as its organiser's pages would leave it, put in with SQL: a county's bank of single-choice,
 * multiple-choice and true/false questions, and a published course exam of the county whose fixed paper
 * holds them. Shared by bench:exam and the kill -9 test.
 */
import type pg from 'pg';

export interface SeededExam {
  examId: number;
  questions: number;
  /** per position: what the bank calls right, under the paper's letters (options are not shuffled) */
  keys: Array<string | string[] | boolean>;
}

const OPTIONS = JSON.stringify(['A', 'B', 'C', 'D'].map((key) => ({ key, text: `选项${key}` })));

export async function seedExam(
  db: pg.Pool,
  opts: { questions: number; durationMinutes?: number; title?: string },
): Promise<SeededExam> {
  const unit = (
    await db.query<{ id: string; path: string; province_id: string }>(
      `SELECT id, path, province_id FROM org_unit WHERE kind = 'county' ORDER BY id LIMIT 1`,
    )
  ).rows[0]!;
  const creator = (
    await db.query<{ id: string }>(
      `SELECT id FROM app_user WHERE role IN ('county_admin', 'province_admin') ORDER BY role = 'county_admin' DESC, id LIMIT 1`,
    )
  ).rows[0];
  const kinds = ['single', 'multiple', 'true_false'] as const;
  const keys: SeededExam['keys'] = [];
  const items: Array<{
    questionVersionId: number;
    kind: string;
    optionKeys: string[];
    shuffleOptions: boolean;
    points: number;
  }> = [];
  const fixed: Array<{ questionId: number; points: number }> = [];
  for (let i = 0; i < opts.questions; i++) {
    const kind = kinds[i % 3]!;
    const answer = kind === 'single' ? 'B' : kind === 'multiple' ? ['A', 'C'] : true;
    const q = await db.query<{ id: string }>(
      `INSERT INTO question (province_id, org_unit_id, org_path) VALUES ($1, $2, $3) RETURNING id`,
      [unit.province_id, unit.id, unit.path],
    );
    const v = await db.query<{ id: string }>(
      `INSERT INTO question_version (question_id, version, kind, stem, options, answer, module, difficulty, shuffle_options, frozen)
       VALUES ($1, 1, $2, $3, $4::jsonb, $5::jsonb, '师德', 3, false, true) RETURNING id`,
      [
        q.rows[0]!.id,
        kind,
        `第${i + 1}题：关于师德规范的表述`,
        kind === 'true_false' ? '[]' : OPTIONS,
        JSON.stringify(answer),
      ],
    );
    keys.push(answer);
    items.push({
      questionVersionId: Number(v.rows[0]!.id),
      kind,
      optionKeys: kind === 'true_false' ? [] : ['A', 'B', 'C', 'D'],
      shuffleOptions: false,
      points: 2,
    });
    fixed.push({ questionId: Number(q.rows[0]!.id), points: 2 });
  }
  // a course exam needs its course: the county's own
  const course = await db.query<{ id: string }>(
    `INSERT INTO course (province_id, org_unit_id, org_path, title, category, module, form, hours)
     VALUES ($1, $2, $3, $4, 'required', '师德', 'online', 20) RETURNING id`,
    [unit.province_id, unit.id, unit.path, `师德专题-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`],
  );
  const now = Date.now();
  const e = await db.query<{ id: string }>(
    `INSERT INTO exam (province_id, org_unit_id, org_path, title, target, course_id, status, opens_at, closes_at,
                       duration_minutes, attempts_allowed, paper, paper_pool, published_at, created_by)
     VALUES ($1, $2, $3, $4, 'course',
             $11,
             'published', $5, $6, $7, 1, $8::jsonb, $9::jsonb, now(), $10) RETURNING id`,
    [
      unit.province_id,
      unit.id,
      unit.path,
      opts.title ?? '全县师德统一考核',
      new Date(now - 60_000),
      new Date(now + 6 * 3_600_000),
      opts.durationMinutes ?? 120,
      JSON.stringify({ mode: 'fixed', items: fixed }),
      JSON.stringify({ mode: 'fixed', items }),
      creator?.id ?? null,
      course.rows[0]!.id,
    ],
  );
  return { examId: Number(e.rows[0]!.id), questions: opts.questions, keys };
}
