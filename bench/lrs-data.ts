/**
 * Statements as the platforms teachers study on send them, for bench:lrs and the LRS kill -9 test:
 * an agent named by `mbox` or by an `account` on the platform, a verb of the ADL and video profiles,
 * a course activity with its definition, a result with score, success, completion and duration, a
 * context with a registration, parent and grouping activities, platform and language.
 *
 * `loadStatements` writes a year of them straight into xapi_statement with COPY, each row exactly as
 * the statement store writes it (prepareStatement and statementFacts of src/domain/xapi-statement.ts),
 * so the queries run against the table the product would have built; one in 500 is voided by a
 * voiding statement that follows it.
 */
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type JsonObject, prepareStatement, statementFacts, VOIDED_VERB } from '../src/domain/xapi-statement.js';
import { clientAuthority } from '../src/services/xapi-statement.service.js';
import { prng } from './ledger-data.js';

const VERBS = [
  ['http://adlnet.gov/expapi/verbs/completed', '完成', 'completed'],
  ['http://adlnet.gov/expapi/verbs/experienced', '学习', 'experienced'],
  ['http://adlnet.gov/expapi/verbs/passed', '通过', 'passed'],
  ['http://adlnet.gov/expapi/verbs/attempted', '尝试', 'attempted'],
  ['https://w3id.org/xapi/video/verbs/played', '播放', 'played'],
  ['https://w3id.org/xapi/video/verbs/paused', '暂停', 'paused'],
  ['http://adlnet.gov/expapi/verbs/answered', '作答', 'answered'],
] as const;
const TYPES = [
  'http://adlnet.gov/expapi/activities/course',
  'http://adlnet.gov/expapi/activities/module',
  'https://w3id.org/xapi/video/activity-type/video',
  'http://adlnet.gov/expapi/activities/assessment',
];
const TOPICS = ['师德师风', '信息技术应用能力', '心理健康教育', '学科教学', '班主任工作', '教育法规', '课堂管理'];
const HOME = 'https://basic.smartedu.cn';
/** how many distinct activities (course modules) the platforms offer */
const ACTIVITIES = 5_000;

export interface StatementSpec {
  /** distinct agents the statements are about */
  agents: number;
}

/** The agent of index a: e-mail for two in three, an account on the platform for the rest. */
export function benchAgent(a: number): JsonObject {
  return a % 3 === 2
    ? { objectType: 'Agent', name: `教师${a}`, account: { homePage: HOME, name: `t${(a * 7_919) % 100_000_007}` } }
    : { objectType: 'Agent', name: `教师${a}`, mbox: `mailto:teacher${a}@school.example.cn` };
}

/**
 * A statement as a platform sends it (its own id set, its timestamp in China's zone), about agent `a`.
 * @example benchStatement(rand, 12, crypto.randomUUID(), Date.now())
 */
export function benchStatement(rand: () => number, a: number, id: string, at: number): JsonObject {
  const [verb, zh, en] = VERBS[Math.floor(rand() * VERBS.length)]!;
  const k = Math.floor(rand() * ACTIVITIES);
  const topic = TOPICS[k % TOPICS.length]!;
  const course = Math.floor(k / 10);
  const raw = Math.floor(rand() * 101);
  const minutes = 5 + Math.floor(rand() * 55);
  const registration = `${(a * 2_654_435_761).toString(16).padStart(8, '0').slice(-8)}-${course.toString(16).padStart(4, '0').slice(-4)}-4000-8000-${(k * 40_503).toString(16).padStart(12, '0').slice(-12)}`;
  const local = new Date(at + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
  return {
    id,
    actor: benchAgent(a),
    verb: { id: verb, display: { 'zh-CN': zh, 'en-US': en } },
    object: {
      objectType: 'Activity',
      id: `${HOME}/course/${course}/module/${k}`,
      definition: {
        name: { 'zh-CN': `${topic}专题 第${(k % 10) + 1}讲` },
        description: { 'zh-CN': `${topic}：面向中小学教师的在线研修课程，含视频讲解与课后测验。` },
        type: TYPES[k % TYPES.length]!,
      },
    },
    result: {
      score: { scaled: raw / 100, raw, min: 0, max: 100 },
      success: raw >= 60,
      completion: verb.endsWith('completed') || verb.endsWith('passed'),
      duration: `PT${minutes}M${Math.floor(rand() * 60)}S`,
    },
    context: {
      registration,
      contextActivities: {
        parent: [{ objectType: 'Activity', id: `${HOME}/course/${course}` }],
        grouping: [{ objectType: 'Activity', id: `${HOME}/program/2027-${topic}` }],
      },
      platform: '国家中小学智慧教育平台',
      language: 'zh-CN',
    },
    timestamp: local,
  };
}

/**
 * The agent of the next statement: a skewed share (a few teachers study much more than most), over
 * `agents` agents.
 */
export function pickAgent(rand: () => number, agents: number): number {
  return Math.floor(agents * rand() ** 2);
}

/** COPY text of one value. */
function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

function arrayLiteral(xs: string[]): string {
  return `{${xs.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

const COLUMNS = [
  'province_id',
  'id',
  'client_id',
  'client_path',
  'teacher_id',
  'teacher_path',
  'match_status',
  'stored',
  'ts',
  'verb_id',
  'actor_ifi',
  'object_kind',
  'object_id',
  'registration',
  'related_agents',
  'related_activities',
  'ref_id',
  'is_voiding',
  'attachment_sha2',
  'body',
  'voided',
];

export interface LoadTarget {
  provinceId: number;
  client: { id: number; name: string; orgPath: string };
  publicUrl?: string;
}

/**
 * Writes `count` statements over `spec.agents` agents, stored over the year before `until`, into
 * xapi_statement with COPY (the table's indexes are dropped first and built again after, as a bulk
 * load does; the same definitions), and analyses the table.
 */
export async function loadStatements(
  pool: pg.Pool,
  target: LoadTarget,
  count: number,
  spec: StatementSpec,
  until: number,
  seed = 1,
): Promise<{ rows: number; copySeconds: number; indexSeconds: number }> {
  const client = await pool.connect();
  try {
    const indexes = (
      await client.query<{ indexname: string; indexdef: string }>(
        `SELECT i.indexname, i.indexdef FROM pg_indexes i
         JOIN pg_class c ON c.relname = i.indexname
         LEFT JOIN pg_constraint k ON k.conindid = c.oid
         WHERE i.tablename = 'xapi_statement' AND k.oid IS NULL`,
      )
    ).rows;
    for (const i of indexes) await client.query(`DROP INDEX ${i.indexname}`);
    const rand = prng(seed);
    const pending: Array<{ id: string; at: number }> = [];
    const authority = clientAuthority(target.client, target.publicUrl);
    const YEAR = 365 * 86_400_000;
    const t0 = performance.now();
    // stored times rise with the rows (as a live table's do), spread over the year
    async function* chunks() {
      const per = 2_000;
      for (let start = 0; start < count; start += per) {
        let text = '';
        for (let i = start; i < Math.min(count, start + per); i++) {
          const stored = until - YEAR + Math.floor(((i + rand()) / count) * YEAR);
          const a = pickAgent(rand, spec.agents);
          // one statement in 500 is voided by its platform a little later (a voiding statement 500 rows on)
          const due = pending[0];
          let voided = false;
          let sent: JsonObject;
          if (due && i >= due.at + 500) {
            pending.shift();
            sent = {
              id: crypto.randomUUID(),
              actor: benchAgent(a),
              verb: { id: VOIDED_VERB, display: { 'zh-CN': '作废', 'en-US': 'voided' } },
              object: { objectType: 'StatementRef', id: due.id },
              timestamp: new Date(stored).toISOString(),
            };
          } else {
            sent = benchStatement(rand, a, crypto.randomUUID(), stored - Math.floor(rand() * 600_000));
            if (i < count - 1_000 && rand() < 1 / 500) {
              voided = true;
              pending.push({ id: sent['id'] as string, at: i });
            }
          }
          const s = prepareStatement(sent, {
            id: sent['id'] as string,
            stored: new Date(stored).toISOString(),
            authority,
            version: '2.0.0',
          });
          const f = statementFacts(s);
          text += `${[
            String(target.provinceId),
            f.id,
            String(target.client.id),
            copyText(target.client.orgPath),
            '\\N',
            '\\N',
            'unmatched',
            f.stored,
            f.ts,
            copyText(f.verbId),
            copyText(f.actorKey),
            f.objectKind,
            copyText(f.objectId),
            copyText(f.registration),
            copyText(arrayLiteral(f.relatedAgents)),
            copyText(arrayLiteral(f.relatedActivities)),
            copyText(f.refId),
            f.isVoiding ? 't' : 'f',
            copyText(arrayLiteral(f.attachmentSha2)),
            copyText(JSON.stringify(s)),
            voided ? 't' : 'f',
          ].join('\t')}\n`;
        }
        yield Buffer.from(text, 'utf8');
      }
    }
    await pipeline(
      Readable.from(chunks()),
      client.query(copyFrom(`COPY xapi_statement (${COLUMNS.join(', ')}) FROM STDIN`)),
    );
    const copySeconds = (performance.now() - t0) / 1000;
    const i0 = performance.now();
    await client.query(`SET maintenance_work_mem = '256MB'`);
    for (const i of indexes) await client.query(i.indexdef);
    await client.query('ANALYZE xapi_statement');
    return { rows: count, copySeconds, indexSeconds: (performance.now() - i0) / 1000 };
  } finally {
    client.release();
  }
}
