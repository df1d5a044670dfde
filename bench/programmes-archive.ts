/**
 * A teacher's training archive as a PDF (R-52), through the product's own path: the access check,
 * the queries of every section, the audit row and the render in the certificate worker pool (one
 * worker per core), several requests in flight, for a few seconds. Target: ≥ 10 PDFs/s on 2 cores.
 *
 * The data is its own: an embedded PostgreSQL with a province, a county and its schools, other
 * teachers' ledger entries around (county: 2k teachers × 10 entries; province: 20k × 10), and one
 * teacher with a realistic archive: five years of a cycle's entries (60), a training project with a
 * class and an exam each year, two backbone titles (one revoked) with their history, three honours
 * (one revoked), an approved development plan.
 *
 * The limit measured in the same run: the same archive document, built once from in-memory data,
 * rendered by the same pool with as many in flight — no query, no audit.
 *
 *   tsx bench/programmes-archive.ts [--scale county|province] [--seconds 4]
 * prints readable lines and, last, one JSON object. bench/programmes.bench.ts calls archivePdfFigures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadEnv } from '../src/config/env.js';
import { createKysely, createPool } from '../src/db/database.js';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import { buildArchive } from '../src/domain/archive.js';
import { planYears } from '../src/domain/development-plan.js';
import type { Role } from '../src/domain/org-tree.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import { createTeacherRepository } from '../src/repositories/teacher.repository.js';
import { closeCertificatePool, pdfPool } from '../src/services/certificate.service.js';
import type { RequestContext } from '../src/services/context.js';
import { recordHonour, revokeHonour } from '../src/services/honour.js';
import { personalDataCipher } from '../src/services/personal-data.js';
import { createServices } from '../src/services/services.js';
import { toColumns } from '../src/services/teacher.service.js';

export interface ArchivePdfFigures {
  archivePdfsPerS: number;
  limitPdfsPerS: number;
}

const TODAY = '2026-12-08';
const IN_FLIGHT = 6;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Runs `one` with IN_FLIGHT in flight for `seconds`; answers completions per second. */
async function rate(seconds: number, one: () => Promise<unknown>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        await one();
        done++;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

async function insertUser(pool: pg.Pool, unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> {
  const r = await pool.query<{ id: number }>(
    `INSERT INTO app_user (username, display_name, role, org_unit_id, org_path, province_id, password_hash)
     VALUES ($1, $1, $2, $3, $4, $5, 'x') RETURNING id`,
    [name, role, unit.id, unit.path, unit.provinceId],
  );
  const userId = Number(r.rows[0]!.id);
  return {
    actor: { userId, username: name, role, orgUnitId: unit.id, orgPath: unit.path, provinceId: unit.provinceId },
    ip: '127.0.0.1',
  };
}

/**
 * Sets up its own database, measures, and tears it down. `scale` decides how many other teachers'
 * entries surround the archive's teacher (the queries are by teacher, so it should barely matter).
 */
export async function archivePdfFigures(o: {
  scale: 'county' | 'province';
  seconds?: number;
}): Promise<ArchivePdfFigures> {
  const seconds = o.seconds ?? 4;
  const others = o.scale === 'province' ? 20_000 : 2_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-archive-bench-'));
  fs.chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  let cluster: EmbeddedCluster | undefined;
  let pool: pg.Pool | undefined;
  try {
    cluster = await startEmbeddedPostgres({ dataDir: dir });
    const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
    await admin.end();
    const url = cluster.connectionString('peixun');
    pool = createPool(url, 8, 'peixun-archive-bench');
    await migrate(pool);
    const db = createKysely(pool);
    const env = loadEnv({
      NODE_ENV: 'test',
      DATABASE_URL: url,
      PEIXUN_SECRET_KEY: 'a'.repeat(64),
      PEIXUN_TODAY: TODAY,
      PEIXUN_DATA_DIR: dir,
    });
    const services = createServices({ db, env });
    const units = createOrgUnitRepository(db);
    const province = await units.insert(
      { parentId: null, kind: 'province', name: '吉林省', divisionCode: '220000', code: '220000' },
      null,
    );
    const city = await units.insert(
      { parentId: province.id, kind: 'city', name: '吉林市', divisionCode: '220200', code: '220200' },
      province,
    );
    const county = await units.insert(
      { parentId: city.id, kind: 'county', name: '蛟河市', divisionCode: '220281', code: '220281' },
      city,
    );
    const school = await units.insert(
      { parentId: county.id, kind: 'school', name: '蛟河市实验小学', divisionCode: null, code: null },
      county,
    );
    const provinceCtx = await insertUser(pool, province, 'province_admin', 'bench-province');
    const schoolCtx = await insertUser(pool, school, 'school_admin', 'bench-school');
    const cycle = await services.cycles.create(provinceCtx, { name: '2022—2026年', startYear: 2022, endYear: 2026 });

    // the teacher whose archive is printed
    const teachers = createTeacherRepository(db);
    const teacherId = await teachers.insert({
      ...toColumns(
        {
          name: '李𠮷祥',
          idType: 'resident',
          idNumber: '220281198604231229',
          gender: 'female',
          birthDate: '1986-04-23',
          phone: '13812345678',
          stage: 'primary',
          subject: '语文',
          title: '一级教师',
          teachingStartYear: 2008,
          employment: 'staff',
          headTeacher: true,
          backboneLevel: 'county',
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
    await teachers.openPosting({
      teacherId,
      provinceId: school.provinceId,
      orgUnitId: school.id,
      orgPath: school.path,
      startedOn: '2008-09-01',
      reason: null,
      createdBy: null,
    });
    const TOPICS = [
      '义务教育课程标准（2022年版）解读',
      '信息技术与学科教学深度融合实践',
      '班主任工作能力提升专题培训',
      '师德师风建设专题讲座',
      '校本研修：作业设计与评价',
      '大单元教学设计与实施',
    ];
    const entries = [];
    for (const year of planYears(2022).concat([2025, 2026]))
      for (let k = 0; k < 12; k++)
        entries.push({
          teacherId,
          hours: 30 + ((k * 7) % 90),
          occurredOn: `${year}-${String(1 + (k % 11)).padStart(2, '0')}-${String(3 + k).padStart(2, '0')}`,
          title: `${TOPICS[k % TOPICS.length]}（${year}）`,
          categories: [],
          idemKey: `bench-archive-${year}-${k}`,
        });
    await services.credits.register(schoolCtx, entries);
    for (const year of [2022, 2023, 2024, 2025, 2026]) {
      const p = await db
        .insertInto('training_project')
        .values({
          province_id: county.provinceId,
          org_unit_id: county.id,
          org_path: county.path,
          level: 'county',
          title: `${year}年蛟河市小学语文骨干教师培训`,
          year,
          status: 'closed',
          hours: 240,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const c = await db
        .insertInto('training_class')
        .values({
          project_id: p.id,
          province_id: county.provinceId,
          org_path: county.path,
          name: '一班',
          capacity: 50,
          status: 'closed',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('enrolment')
        .values({
          class_id: c.id,
          teacher_id: teacherId,
          province_id: school.provinceId,
          org_unit_id: school.id,
          org_path: school.path,
          status: 'enrolled',
          source: 'nominated',
          outcome: 'completed',
        })
        .execute();
      const e = await db
        .insertInto('exam')
        .values({
          province_id: county.provinceId,
          org_unit_id: county.id,
          org_path: county.path,
          title: `${year}年骨干教师培训结业考核`,
          target: 'project',
          project_id: p.id,
          status: 'closed',
          opens_at: new Date(`${year}-07-01T01:00:00Z`),
          closes_at: new Date(`${year}-07-01T03:00:00Z`),
          duration_minutes: 90,
          paper: JSON.stringify({ mode: 'fixed', items: [] }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('exam_result')
        .values({
          exam_id: e.id,
          teacher_id: teacherId,
          org_path: school.path,
          exam_score: 78 + year - 2022,
          composite: 80 + year - 2022,
          level: 'good',
          passed: true,
        })
        .execute();
    }
    const titles: Array<['school' | 'county', string, string, string | null]> = [
      ['school', '2020-01-01', '2022-12-31', null],
      ['county', '2023-01-01', '2025-12-31', '未履行结对协议'],
      ['county', '2026-01-01', '2028-12-31', null],
    ];
    for (const [level, start, end, revoked] of titles) {
      const grantor = level === 'school' ? school : county;
      const b = await db
        .insertInto('backbone_title')
        .values({
          province_id: county.provinceId,
          teacher_id: teacherId,
          org_path: school.path,
          level,
          granted_by_unit_id: grantor.id,
          granted_path: grantor.path,
          term_start: start,
          term_end: end,
          status: revoked ? 'revoked' : end < TODAY ? 'expired' : 'active',
          revoked_at: revoked ? new Date() : null,
          revoke_reason: revoked,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const events: Array<{ title_id: number; kind: string; reason: string | null; details: string }> = [
        { title_id: b.id, kind: 'granted', reason: null, details: '{}' },
      ];
      if (revoked) events.push({ title_id: b.id, kind: 'revoked', reason: revoked, details: '{}' });
      await db.insertInto('backbone_title_event').values(events).execute();
    }
    for (const [title, grade, year, revoked] of [
      ['优秀教学案例评比', 'first', 2023, null],
      ['读书演讲比赛', 'second', 2024, '作品与他人雷同'],
      ['优秀学员', null, 2025, null],
    ] as const) {
      const h = await recordHonour(db, {
        provinceId: county.provinceId,
        kind: grade ? 'competition_award' : 'outstanding_trainee',
        teacherId,
        orgUnitId: school.id,
        orgPath: school.path,
        recipientName: '李𠮷祥',
        awardedByUnitId: county.id,
        awardedByPath: county.path,
        title,
        grade,
        year,
        source: { kind: grade ? 'competition' : 'commendation', id: year },
        awardedOn: `${year}-11-20`,
        createdBy: null,
      });
      if (revoked) await revokeHonour(db, { id: h.id, reason: revoked, by: null });
    }
    await db
      .insertInto('development_plan')
      .values({
        province_id: county.provinceId,
        teacher_id: teacherId,
        start_year: 2025,
        goals: '三年内成为市级骨干教师，形成自己的大单元教学风格，主持一项县级课题。',
        years: JSON.stringify(
          planYears(2025).map((year) => ({
            year,
            actions: '每学期上一节公开课，写一篇教学论文，带一名新教师',
            training: '县级骨干教师培训；国家中小学智慧教育平台研修',
            targetTenths: 720,
            selfReview: year < 2026 ? '完成两节公开课，论文已发表，带教新教师通过考核。' : null,
            selfReviewedAt: null,
          })),
        ),
        status: 'approved',
      })
      .execute();

    // other teachers' entries around it
    await pool.query(
      `INSERT INTO teacher (province_id, org_unit_id, org_path, name, id_type, id_number_enc, id_number_hash,
                            id_number_masked, stage, employment)
       SELECT $1, $2, $3, '教师' || g, 'resident', decode(md5(g::text), 'hex'), decode(md5('h' || g), 'hex'),
              '2202**********' || lpad((g % 10000)::text, 4, '0'), 'primary', 'staff'
       FROM generate_series(1, $4::int) g`,
      [school.provinceId, school.id, school.path, others],
    );
    await pool.query(
      `INSERT INTO credit_entry (province_id, teacher_id, org_unit_id, org_path, cycle_id, year, hours, source_type,
                                 title, occurred_on, idem_key, content_hash)
       SELECT t.province_id, t.id, t.org_unit_id, t.org_path, $1, 2022 + (k % 5), 30, 'school_activity',
              '校本研修', make_date(2022 + (k % 5), 3, 1 + k), 'noise-' || t.id || '-' || k, decode(md5(t.id || '-' || k), 'hex')
       FROM teacher t CROSS JOIN generate_series(1, 10) k WHERE t.id <> $2`,
      [cycle.id, teacherId],
    );
    await pool.query('VACUUM ANALYZE');

    // warm up: fonts loaded in every worker, statements planned
    const render = () => services.archive.file(schoolCtx, teacherId, 'pdf', 'zh-CN');
    const sample = await render();
    // two seconds of each path before measuring (code optimised, workers' fonts touched)
    const teacher = (await teachers.findById(teacherId))!;
    const doc = buildArchive(await services.archive.dataOf(teacher, 'full', 'zh-CN'), {
      locale: 'zh-CN',
      printedOn: TODAY,
      identifiers: 'full',
    });
    await rate(1, render);
    await rate(1, () => pdfPool().renderArchive(doc));
    const archivePdfsPerS = await rate(seconds, render);
    // what the reads alone allow (the archive as the page gets it, no PDF)
    const readsPerS = await rate(Math.min(seconds, 3), () => services.archive.read(schoolCtx, teacherId, 'zh-CN'));

    // the limit: the same document from memory, no query, no audit
    const limitPdfsPerS = await rate(seconds, () => pdfPool().renderArchive(doc));
    console.log(
      `archive PDF (${o.scale}, ${others.toLocaleString('en')} other teachers): ${round(archivePdfsPerS)}/s through the ` +
        `product, ${round(limitPdfsPerS)}/s from memory, ${round(readsPerS)}/s read without a PDF; ` +
        `${doc.sections.length} sections, ` +
        `${Math.round(sample.body.length / 1024)} KiB, ${pdfPool().size} workers`,
    );
    return { archivePdfsPerS: round(archivePdfsPerS), limitPdfsPerS: round(limitPdfsPerS) };
  } finally {
    await closeCertificatePool();
    await pool?.end();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const scale = arg('--scale') === 'province' ? 'province' : 'county';
  const f = await archivePdfFigures({ scale, seconds: Number(arg('--seconds') ?? 4) });
  console.log(
    JSON.stringify({
      scale,
      archive_pdfs_per_s: f.archivePdfsPerS,
      archive_pdfs_limit_per_s: f.limitPdfsPerS,
      archive_pdfs_ratio: round(f.archivePdfsPerS / f.limitPdfsPerS, 2),
    }),
  );
}
