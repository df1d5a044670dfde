import crypto from 'node:crypto';
import type { Database } from '../db/database.js';
import { parseMultipart, type Part } from '../domain/xapi-multipart.js';
import { signatureProblem } from '../domain/xapi-signature.js';
import {
  agentKey,
  canonicalFormat,
  idsFormat,
  isTimestamp,
  prepareStatement,
  SIGNATURE_USAGE,
  sameStatement,
  statementFacts,
  statementProblem,
  toUtcTimestamp,
  type JsonObject,
  type XapiVersion,
} from '../domain/xapi-statement.js';
import { AppError } from '../errors/app-error.js';
import {
  createXapiStatementRepository,
  type ReadScope,
  type StatementFilter,
  type StatementInsert,
  type StoredStatement,
} from '../repositories/xapi-statement.repository.js';
import type { ServiceDeps } from './context.js';
import type { LrsClient } from './lrs-client-auth.js';
import { matchActors } from './lrs-match.js';
import { wakeLrsMapping } from './lrs-mapping.js';
import { countLrsTraffic } from './lrs-traffic.js';
import { recordActivities } from './xapi-activity.js';

const invalid = (reason: string) => new AppError('XAPI_INVALID', { params: { reason }, details: { reason } });

/** Most statements one GET answers; a client asking for more (or for 0, "the server's maximum") gets this many. */
export const MAX_PAGE = 500;
const DEFAULT_PAGE = 100;

const QUERY_PARAMS = new Set([
  'statementId',
  'voidedStatementId',
  'agent',
  'verb',
  'activity',
  'registration',
  'related_activities',
  'related_agents',
  'since',
  'until',
  'limit',
  'format',
  'attachments',
  'ascending',
  'more',
]);

export type StatementFormat = 'exact' | 'ids' | 'canonical';

/** What a GET of the Statement resource answers. */
export type StatementAnswer = {
  /** the JSON text of the answer */
  json: string;
  /** with attachments=true, the attachments of the statements answered */
  attachments: Part[] | null;
  /** the Last-Modified of a single statement, or of the newest statement of a page */
  lastModified: string | null;
  consistentThrough: string;
};

/** The actor Peixun names as a statement's authority: the client that sent it. */
export function clientAuthority(client: { id: number; name: string }, publicUrl: string | undefined): JsonObject {
  return {
    objectType: 'Agent',
    name: client.name,
    account: { homePage: `${publicUrl ?? 'https://peixun.invalid'}/xapi`, name: `client-${client.id}` },
  };
}

/** Whether a JSON value holds a NUL character in any string or key. */
function holdsNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(holdsNul);
  if (v !== null && typeof v === 'object')
    return Object.entries(v).some(([k, x]) => k.includes('\u0000') || holdsNul(x));
  return false;
}

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('the body is not valid JSON');
  }
  // PostgreSQL keeps no NUL in text: refused here rather than failing the store (only looked for when escaped)
  if (text.includes('\\u0000') && holdsNul(value))
    throw invalid('a text holds a NUL character (\\u0000), which cannot be stored');
  return value;
}

/**
 * The statements and attachment parts of a PUT or POST body: JSON, or multipart/mixed whose first
 * part is the JSON and the others attachments named by X-Experience-API-Hash.
 */
export function readStatementBody(
  body: Buffer | undefined,
  contentType: string | undefined,
): { statements: unknown; parts: Map<string, Part> } {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!body || body.length === 0) throw invalid('the body is empty');
  if (type === 'multipart/mixed') {
    const parts = parseMultipart(body, contentType ?? '');
    if (typeof parts === 'string') throw invalid(parts);
    const [first, ...rest] = parts;
    if (!first) throw invalid('the multipart body has no parts');
    const firstType = (first.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (firstType !== 'application/json')
      throw invalid('the first multipart part must be the statements as application/json');
    const byHash = new Map<string, Part>();
    for (const p of rest) {
      const hash = p.headers['x-experience-api-hash'];
      if (!hash) throw invalid('an attachment part has no X-Experience-API-Hash header');
      const encoding = p.headers['content-transfer-encoding'];
      if (encoding !== undefined && encoding.toLowerCase() !== 'binary')
        throw invalid('attachment parts must be sent with Content-Transfer-Encoding: binary');
      byHash.set(hash.toLowerCase(), p);
    }
    return { statements: parseJson(first.body.toString('utf8')), parts: byHash };
  }
  if (type !== 'application/json' && type !== '') throw invalid(`a statement cannot be sent as ${type}`);
  return { statements: parseJson(body.toString('utf8')), parts: new Map() };
}

function attachmentsOf(s: unknown): JsonObject[] {
  const list = (s as JsonObject)['attachments'];
  return Array.isArray(list) ? (list as JsonObject[]) : [];
}

/** Checks that every attachment without a fileUrl came as a part and every part belongs to a statement; signatures verify. */
function checkAttachments(statements: JsonObject[], parts: Map<string, Part>): void {
  const used = new Set<string>();
  for (const s of statements) {
    for (const a of attachmentsOf(s)) {
      const sha2 = String(a['sha2']).toLowerCase();
      const part = parts.get(sha2);
      if (!part) {
        if ('fileUrl' in a) continue;
        throw invalid(`the attachment ${sha2} has neither a fileUrl nor a part in the body`);
      }
      used.add(sha2);
      if (sha2.length === 64 && crypto.createHash('sha256').update(part.body).digest('hex') !== sha2)
        throw invalid(`the part named ${sha2} does not have that SHA-256`);
      if (a['usageType'] === SIGNATURE_USAGE) {
        if (String(a['contentType']).split(';')[0]?.trim() !== 'application/octet-stream')
          throw invalid('a signature attachment must have the contentType application/octet-stream');
        const problem = signatureProblem(part.body.toString('utf8'), s);
        if (problem) throw invalid(problem);
      }
    }
  }
  for (const hash of parts.keys())
    if (!used.has(hash)) throw invalid(`the part ${hash} belongs to no attachment of the statements`);
}

function bool(v: string | undefined, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalid(`${name} must be true or false`);
}

function parseAgentParam(text: string): string {
  let agent: unknown;
  try {
    agent = JSON.parse(text);
  } catch {
    throw invalid('agent must be the JSON of an Agent or identified Group');
  }
  // an agent is valid when it would be a valid actor of a statement
  const probe = { actor: agent, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: 'urn:x' } };
  const problem = statementProblem(probe, '2.0.0');
  const key = agentKey(agent);
  if (problem || !key) throw invalid(problem ? `agent ${problem}` : 'agent must have an identifier');
  return key;
}

interface MoreToken {
  f: StatementFilter;
  l: number;
  fmt: StatementFormat;
  att: boolean;
}

function encodeMore(t: MoreToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeMore(s: string): MoreToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as MoreToken;
    if (typeof t !== 'object' || !t || typeof t.l !== 'number' || typeof t.f !== 'object') throw new Error('shape');
    return t;
  } catch {
    throw invalid('more is not a link this LRS gave');
  }
}

function formatted(body: string, format: StatementFormat, languages: string[]): string {
  if (format === 'exact') return body;
  const s = JSON.parse(body) as JsonObject;
  return JSON.stringify(format === 'ids' ? idsFormat(s) : canonicalFormat(s, languages));
}

/** The languages of an Accept-Language header, most wanted first. */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag: (tag ?? '').trim(), q: q ? Number(q) : 1, i };
    })
    .filter((l) => l.tag && l.tag !== '*' && l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((l) => l.tag);
}

function scopeOf(client: LrsClient): ReadScope {
  return { provinceId: client.provinceId, clientId: client.id, path: client.orgPath };
}

export function createXapiStatementService({ db, env }: ServiceDeps) {
  const write = createStatementWriter(db);
  /**
   * Stores statements in one transaction: all or none. Ids already stored with the same statement are
   * answered as stored (a retried request is one statement); with another statement, 409.
   */
  async function store(
    client: LrsClient,
    version: XapiVersion,
    body: Buffer | undefined,
    contentType: string | undefined,
    putId: string | null,
  ): Promise<string[]> {
    const { statements: raw, parts } = readStatementBody(body, contentType);
    let sent: unknown[];
    if (putId !== null) {
      if (Array.isArray(raw)) throw invalid('PUT takes one statement, not a list');
      const s = raw as JsonObject;
      if (s && typeof s === 'object' && 'id' in s && String(s['id']).toLowerCase() !== putId.toLowerCase())
        throw invalid('the statement id differs from the statementId parameter');
      sent = [s && typeof s === 'object' && !('id' in s) ? { ...s, id: putId } : s];
    } else sent = Array.isArray(raw) ? raw : [raw];
    sent.forEach((s, i) => {
      const problem = statementProblem(s, version);
      if (problem) throw invalid(sent.length > 1 ? `statement ${i}: ${problem}` : problem);
    });
    const statements = sent as JsonObject[];
    checkAttachments(statements, parts);
    const stored = new Date().toISOString();
    const authority = clientAuthority(client, env.PEIXUN_PUBLIC_URL);
    const withIds = statements.map((s) =>
      typeof s['id'] === 'string' ? s : { ...s, id: crypto.randomUUID() },
    ) as JsonObject[];
    const ids = withIds.map((s) => (s['id'] as string).toLowerCase());
    if (new Set(ids).size !== ids.length) throw invalid('a statement id is used more than once in the batch');
    const prepared = withIds.map((s) => prepareStatement(s, { id: s['id'] as string, stored, authority, version }));
    if (prepared.length === 0) return [];
    const inserted = await write(client, withIds, prepared, parts);
    countLrsTraffic(db, client.id, { stored: inserted });
    // the mapping rules see the new statements within a second (statements of nobody known are skipped there)
    if (inserted > 0) wakeLrsMapping(db, client.provinceId);
    return withIds.map((s) => s['id'] as string);
  }

  async function get(
    client: LrsClient,
    query: Record<string, string | string[] | undefined>,
    acceptLanguage: string | undefined,
  ): Promise<StatementAnswer> {
    const q: Record<string, string> = {};
    for (const [k, v] of Object.entries(query)) {
      if (!QUERY_PARAMS.has(k)) throw invalid(`${k} is not a parameter of the Statement resource`);
      if (Array.isArray(v)) throw invalid(`${k} is given more than once`);
      if (v !== undefined) q[k] = v;
    }
    const scope = scopeOf(client);
    const languages = acceptedLanguages(acceptLanguage);
    const consistentThrough = new Date().toISOString();
    const single = q['statementId'] ?? q['voidedStatementId'];
    let format = (q['format'] ?? 'exact') as StatementFormat;
    if (!['exact', 'ids', 'canonical'].includes(format)) throw invalid('format must be exact, ids or canonical');
    let withAttachments = bool(q['attachments'], 'attachments') ?? false;
    if (single !== undefined) {
      const others = Object.keys(q).filter(
        (k) => !['statementId', 'voidedStatementId', 'format', 'attachments'].includes(k),
      );
      if ('statementId' in q && 'voidedStatementId' in q)
        throw invalid('give statementId or voidedStatementId, not both');
      if (others.length) throw invalid(`${others[0]} cannot be given with statementId or voidedStatementId`);
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(single))
        throw invalid('statementId must be a UUID');
      const row = await createXapiStatementRepository(db).findOne(scope, single);
      const wantVoided = 'voidedStatementId' in q;
      if (!row || row.voided !== wantVoided) throw new AppError('NOT_FOUND');
      countLrsTraffic(db, client.id, { read: 1 });
      return {
        json: formatted(row.body, format, languages),
        attachments: withAttachments ? await attachmentParts(client.provinceId, [row]) : null,
        lastModified: row.stored,
        consistentThrough,
      };
    }
    let filter: StatementFilter;
    let limit: number;
    if (q['more'] !== undefined) {
      if (Object.keys(q).length > 1) throw invalid('more is given alone');
      const t = decodeMore(q['more']);
      filter = t.f;
      limit = t.l;
      format = t.fmt;
      withAttachments = t.att;
    } else {
      filter = {};
      if (q['agent'] !== undefined) filter.agent = parseAgentParam(q['agent']);
      if (q['verb'] !== undefined) {
        if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S*$/.test(q['verb'])) throw invalid('verb must be an IRI');
        filter.verb = q['verb'];
      }
      if (q['activity'] !== undefined) {
        if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S*$/.test(q['activity'])) throw invalid('activity must be an IRI');
        filter.activity = q['activity'];
      }
      if (q['registration'] !== undefined) {
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(q['registration']))
          throw invalid('registration must be a UUID');
        filter.registration = q['registration'];
      }
      const relatedAgents = bool(q['related_agents'], 'related_agents');
      const relatedActivities = bool(q['related_activities'], 'related_activities');
      if (relatedAgents) filter.relatedAgents = true;
      if (relatedActivities) filter.relatedActivities = true;
      for (const k of ['since', 'until'] as const) {
        const v = q[k];
        if (v === undefined) continue;
        if (!isTimestamp(v)) throw invalid(`${k} must be a timestamp`);
        filter[k] = toUtcTimestamp(v);
      }
      const ascending = bool(q['ascending'], 'ascending');
      if (ascending) filter.ascending = true;
      const l = q['limit'];
      if (l !== undefined && !/^\d+$/.test(l)) throw invalid('limit must be a whole number');
      limit = l === undefined ? DEFAULT_PAGE : Number(l) === 0 ? MAX_PAGE : Math.min(Number(l), MAX_PAGE);
      filter.storedUpTo = consistentThrough;
    }
    const rows = await createXapiStatementRepository(db).query(scope, filter, limit);
    const page = rows.slice(0, limit);
    if (page.length) countLrsTraffic(db, client.id, { read: page.length });
    const last = page[page.length - 1];
    const more =
      rows.length > limit && last
        ? `/xapi/statements?more=${encodeMore({ f: { ...filter, after: { stored: last.stored, seq: last.seq } }, l: limit, fmt: format, att: withAttachments })}`
        : '';
    const json = `{"statements":[${page.map((r) => formatted(r.body, format, languages)).join(',')}],"more":${JSON.stringify(more)}}`;
    const newest = page.reduce<string | null>((m, r) => (m === null || r.stored > m ? r.stored : m), null);
    return {
      json,
      attachments: withAttachments ? await attachmentParts(client.provinceId, page) : null,
      lastModified: newest,
      consistentThrough,
    };
  }

  async function attachmentParts(provinceId: number, rows: StoredStatement[]): Promise<Part[]> {
    const wanted = new Set<string>();
    for (const r of rows)
      for (const a of attachmentsOf(JSON.parse(r.body))) wanted.add(String(a['sha2']).toLowerCase());
    const found = await createXapiStatementRepository(db).attachments(provinceId, [...wanted]);
    return found.map((a) => ({
      headers: {
        'Content-Type': a.contentType,
        'Content-Transfer-Encoding': 'binary',
        'X-Experience-API-Hash': a.sha2,
      },
      body: a.content,
    }));
  }

  return { store, get };
}

interface StoreJob {
  client: LrsClient;
  sent: JsonObject[];
  prepared: JsonObject[];
  parts: Map<string, Part>;
  /** with how many of its statements were newly stored (not retries) */
  resolve: (stored: number) => void;
  reject: (e: unknown) => void;
}

/** How many of a request's statements a transaction newly stored. */
const storedOf = (j: StoreJob, inserted: Set<string>) =>
  j.prepared.filter((s) => inserted.has(String(s['id']).toLowerCase())).length;

/** Transactions of one client's statements at a time; requests beyond these wait and are written together. */
const WRITERS_PER_CLIENT = 4;
/** Most statements written together in one transaction (one request's batch may be more). */
const GROUP_STATEMENTS = 1_000;

/**
 * Writes one client's concurrent requests together (group commit): while WRITERS_PER_CLIENT of its
 * transactions run, its next requests wait, and the ones waiting when a transaction ends go in one
 * transaction, so a storm of single statements costs a few commits instead of one each. Every
 * request is answered after the commit of the transaction that holds it. Should the shared
 * transaction fail (a conflict of one request, say), each request of it is written on its own and
 * gets its own answer, as when it came alone.
 */
function createStatementWriter(db: Database) {
  const lanes = new Map<number, { running: number; queue: StoreJob[] }>();
  const alone = async (j: StoreJob) => {
    try {
      j.resolve(storedOf(j, await storePrepared(db, j.client, j.sent, j.prepared, j.parts)));
    } catch (e) {
      j.reject(e);
    }
  };
  async function run(jobs: StoreJob[]): Promise<void> {
    const [first] = jobs;
    if (!first) return;
    if (jobs.length === 1) return alone(first);
    const parts = new Map<string, Part>();
    for (const j of jobs) for (const [k, v] of j.parts) parts.set(k, v);
    let inserted: Set<string>;
    try {
      inserted = await storePrepared(
        db,
        first.client,
        jobs.flatMap((j) => j.sent),
        jobs.flatMap((j) => j.prepared),
        parts,
      );
    } catch {
      await Promise.all(jobs.map(alone));
      return;
    }
    for (const j of jobs) j.resolve(storedOf(j, inserted));
  }
  /** The next group of a lane: in order, up to GROUP_STATEMENTS, never two requests naming one id. */
  function take(queue: StoreJob[]): StoreJob[] {
    const group: StoreJob[] = [];
    const ids = new Set<string>();
    let statements = 0;
    while (queue.length > 0) {
      const j = queue[0] as StoreJob;
      const mine = j.prepared.map((s) => String(s['id']).toLowerCase());
      if (group.length > 0 && (statements + mine.length > GROUP_STATEMENTS || mine.some((id) => ids.has(id)))) break;
      queue.shift();
      group.push(j);
      for (const id of mine) ids.add(id);
      statements += mine.length;
    }
    return group;
  }
  function pump(clientId: number): void {
    const lane = lanes.get(clientId);
    if (!lane) return;
    while (lane.running < WRITERS_PER_CLIENT && lane.queue.length > 0) {
      const group = take(lane.queue);
      lane.running++;
      void run(group).finally(() => {
        lane.running--;
        if (lane.running === 0 && lane.queue.length === 0) lanes.delete(clientId);
        else pump(clientId);
      });
    }
  }
  return (client: LrsClient, sent: JsonObject[], prepared: JsonObject[], parts: Map<string, Part>) =>
    new Promise<number>((resolve, reject) => {
      let lane = lanes.get(client.id);
      if (!lane) {
        lane = { running: 0, queue: [] };
        lanes.set(client.id, lane);
      }
      lane.queue.push({ client, sent, prepared, parts, resolve, reject });
      pump(client.id);
    });
}

/**
 * Stores prepared statements (with the statements as sent, for the comparison of retried ids) in one
 * transaction: conflicts answered 409, voiding applied, attachments kept, actors matched, activity
 * definitions recorded.
 */
async function storePrepared(
  db: Database,
  client: LrsClient,
  sent: JsonObject[],
  prepared: JsonObject[],
  parts: Map<string, Part>,
): Promise<Set<string>> {
  const scope = scopeOf(client);
  return db.transaction().execute(async (trx) => {
    const repo = createXapiStatementRepository(trx);
    const ids = prepared.map((s) => (s['id'] as string).toLowerCase());
    const settle = async (candidates: string[]) => {
      const existing = await repo.findByIds(client.provinceId, candidates);
      for (const row of existing) {
        const i = ids.indexOf(row.id.toLowerCase());
        const mine = sent[i];
        if (mine && !sameStatement(JSON.parse(row.body) as JsonObject, mine))
          throw new AppError('XAPI_CONFLICT', {
            params: { reason: `a different statement with the id ${row.id} is stored` },
            details: { reason: `a different statement with the id ${row.id} is stored` },
          });
      }
      return new Set(existing.map((r) => r.id.toLowerCase()));
    };
    // inserted first, compared after: a retried or conflicting id is the exception, so the common
    // request is one INSERT (the statements a voiding statement stored earlier names are stored voided)
    const rows: StatementInsert[] = prepared.map((s) => ({
      ...statementFacts(s),
      body: JSON.stringify(s),
      teacherId: null,
      teacherPath: null,
      matchStatus: 'unmatched',
    }));
    const { inserted } = await repo.insertMany(client.provinceId, { id: client.id, path: client.orgPath }, rows, scope);
    if (inserted.length < rows.length) {
      // already stored (a retry, or a concurrent request): the same statement is fine, another one a conflict
      const got = new Set(inserted.map((r) => r.id));
      await settle(rows.map((r) => r.id).filter((id) => !got.has(id)));
    }
    const insertedIds = new Set(inserted.map((r) => r.id));
    const newRows = rows.filter((r) => insertedIds.has(r.id));
    const voiding = newRows.filter((r) => r.isVoiding && r.refId).map((r) => r.refId as string);
    await repo.voidTargets(scope, voiding);
    const usedParts = [...parts.entries()].map(([sha2, p]) => ({
      sha2,
      contentType: p.headers['content-type'] ?? 'application/octet-stream',
      content: p.body,
    }));
    await repo.insertAttachments(client.provinceId, usedParts);
    const seqById = new Map(inserted.map((r) => [r.id, r.seq]));
    const bodies = prepared.filter((s) => insertedIds.has((s['id'] as string).toLowerCase()));
    const actors = bodies.map((s) => ({
      seq: seqById.get((s['id'] as string).toLowerCase()) as number,
      actor: s['actor'] as Record<string, unknown>,
    }));
    const matches = await matchActors(trx, client, actors);
    await repo.setMatches(
      matches.flatMap((m, i) =>
        m ? [{ seq: actors[i]?.seq as number, teacherId: m.teacherId, teacherPath: m.teacherPath }] : [],
      ),
    );
    await recordActivities(trx, client.provinceId, bodies);
    return insertedIds;
  });
}

/**
 * Stores statements Peixun writes itself about its own teachers (study, completions, exam results):
 * idempotent by id, readable by clients whose unit contains the teacher, never posted to the ledger
 * again (match_status 'own').
 */
export async function storeOwnStatements(
  db: Database,
  provinceId: number,
  rows: Array<{ teacherId: number; teacherPath: string; statement: JsonObject }>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const stored = new Date().toISOString();
  const inserts: StatementInsert[] = rows.map((r) => {
    const s: JsonObject = { ...r.statement, stored };
    if (!('timestamp' in s)) s['timestamp'] = stored;
    return {
      ...statementFacts(s),
      body: JSON.stringify(s),
      teacherId: r.teacherId,
      teacherPath: r.teacherPath,
      matchStatus: 'own',
    };
  });
  const { inserted } = await createXapiStatementRepository(db).insertMany(
    provinceId,
    { id: null, path: `/${provinceId}/` },
    inserts,
  );
  return inserted.length;
}

export type XapiStatementService = ReturnType<typeof createXapiStatementService>;
