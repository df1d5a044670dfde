import crypto from 'node:crypto';

/**
 * Pure rules of the LRS's document resources (State, Activity Profile, Agent Profile) and of the
 * Agents and Activities resources: the `agent` parameter, ETags and preconditions, the JSON merge of
 * a POST, `since`, and the merge of activity definitions.
 */

/** An agent named by exactly one inverse functional identifier. */
export interface XapiAgent {
  objectType?: 'Agent';
  name?: string;
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: { homePage: string; name: string };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const IRI = /^[a-z][a-z0-9+.-]*:\S*$/i;
const MAILTO = /^mailto:[^@\s]+@[^@\s]+$/i;
const SHA1 = /^[0-9a-f]{40}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AGENT_KEYS = new Set(['objectType', 'name', 'mbox', 'mbox_sha1sum', 'openid', 'account']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The `agent` parameter of a document or Agents request: a JSON Agent with exactly one identifier
 * (mbox as mailto:, mbox_sha1sum as 40 hex digits, openid as an IRI, account with homePage and name).
 * @example parseAgentParam('{"mbox":"mailto:a@b.cn"}') // { ok: true, value: { mbox: 'mailto:a@b.cn' } }
 */
export function parseAgentParam(raw: unknown): Parsed<XapiAgent> {
  if (typeof raw !== 'string') return { ok: false, reason: 'agent: missing' };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'agent: not JSON' };
  }
  return checkAgent(v);
}

/** An agent object as the spec defines it (see parseAgentParam). */
export function checkAgent(v: unknown): Parsed<XapiAgent> {
  if (!isObject(v)) return { ok: false, reason: 'agent: not an object' };
  for (const k of Object.keys(v)) if (!AGENT_KEYS.has(k)) return { ok: false, reason: `agent: unknown property ${k}` };
  if (v['objectType'] !== undefined && v['objectType'] !== 'Agent') {
    return { ok: false, reason: 'agent: objectType must be Agent' };
  }
  if (v['name'] !== undefined && typeof v['name'] !== 'string') return { ok: false, reason: 'agent: name' };
  const ifis = ['mbox', 'mbox_sha1sum', 'openid', 'account'].filter((k) => v[k] !== undefined);
  if (ifis.length !== 1) return { ok: false, reason: 'agent: exactly one identifier' };
  const { mbox, mbox_sha1sum: sha1, openid, account } = v;
  if (mbox !== undefined && !(typeof mbox === 'string' && MAILTO.test(mbox))) {
    return { ok: false, reason: 'agent: mbox' };
  }
  if (sha1 !== undefined && !(typeof sha1 === 'string' && SHA1.test(sha1))) {
    return { ok: false, reason: 'agent: mbox_sha1sum' };
  }
  if (openid !== undefined && !(typeof openid === 'string' && IRI.test(openid))) {
    return { ok: false, reason: 'agent: openid' };
  }
  if (account !== undefined) {
    if (
      !isObject(account) ||
      Object.keys(account).some((k) => k !== 'homePage' && k !== 'name') ||
      typeof account['homePage'] !== 'string' ||
      !IRI.test(account['homePage']) ||
      typeof account['name'] !== 'string'
    ) {
      return { ok: false, reason: 'agent: account' };
    }
  }
  return { ok: true, value: v as XapiAgent };
}

/**
 * The one string an agent is stored under.
 * @example agentIfi({ account: { homePage: 'https://a.cn', name: 'z' } }) // 'account:https://a.cn z'
 */
export function agentIfi(agent: XapiAgent): string {
  if (agent.mbox) return `mbox:${agent.mbox}`;
  if (agent.mbox_sha1sum) return `mbox_sha1sum:${agent.mbox_sha1sum.toLowerCase()}`;
  if (agent.openid) return `openid:${agent.openid}`;
  const a = agent.account as { homePage: string; name: string };
  return `account:${a.homePage} ${a.name}`;
}

/**
 * The Person object the Agents resource answers for an agent: the agent's identifier and name as
 * arrays (the LRS knows no other identity of the person).
 */
export function personOf(agent: XapiAgent): Record<string, unknown> {
  const person: Record<string, unknown> = { objectType: 'Person', name: agent.name ? [agent.name] : [] };
  if (agent.mbox) person['mbox'] = [agent.mbox];
  if (agent.mbox_sha1sum) person['mbox_sha1sum'] = [agent.mbox_sha1sum];
  if (agent.openid) person['openid'] = [agent.openid];
  if (agent.account) person['account'] = [agent.account];
  return person;
}

/** A registration parameter: absent, or a UUID (lower-cased). */
export function parseRegistration(raw: unknown): Parsed<string | null> {
  if (raw === undefined) return { ok: true, value: null };
  if (typeof raw !== 'string' || !UUID.test(raw)) return { ok: false, reason: 'registration: not a UUID' };
  return { ok: true, value: raw.toLowerCase() };
}

// ISO 8601 / RFC 3339 date-time with an offset or Z (a date alone is accepted as midnight UTC)
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** A `since` parameter: absent, or a timestamp. */
export function parseSince(raw: unknown): Parsed<Date | null> {
  if (raw === undefined) return { ok: true, value: null };
  if (typeof raw !== 'string' || !TIMESTAMP.test(raw)) return { ok: false, reason: 'since: not a timestamp' };
  const normalized = raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(normalized);
  if (Number.isNaN(t)) return { ok: false, reason: 'since: not a timestamp' };
  return { ok: true, value: new Date(t) };
}

/**
 * The ETag of a document's content: its hex SHA-1 (what 1.0.3 asks for), in quotes.
 * @example etagOf(Buffer.from('')) // '"da39a3ee5e6b4b0d3255bfef95601890afd80709"'
 */
export function etagOf(content: Buffer): string {
  return `"${crypto.createHash('sha1').update(content).digest('hex')}"`;
}

/** The tags of an If-Match / If-None-Match header ('*' or a list of quoted, possibly weak, tags). */
function tagsOf(header: string): string[] | '*' {
  if (header.trim() === '*') return '*';
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .filter((t) => t.length > 0)
    .map((t) => (t.startsWith('"') ? t : `"${t}"`).toLowerCase());
}

export type Precondition = 'ok' | 'failed' | 'conflict' | 'missing';

/**
 * Whether a write may go ahead, given the stored document's ETag (null when there is none) and the
 * request's If-Match / If-None-Match headers (RFC 7232):
 * - 'failed' (412): a header that does not hold;
 * - 'conflict' (409): a PUT over an existing document without either header, where the resource uses
 *   concurrency control (`guarded`: every document resource in 2.0, the profile resources in 1.0.3);
 * - 'missing' (400): a PUT of a new document without either header where they are always needed
 *   (`headersRequired`: the profile resources in 1.0.3).
 */
export function checkPrecondition(opts: {
  method: 'PUT' | 'POST' | 'DELETE';
  current: string | null;
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
  guarded?: boolean;
  headersRequired?: boolean;
}): Precondition {
  const { current, ifMatch, ifNoneMatch } = opts;
  if (ifMatch !== undefined) {
    if (current === null) return 'failed';
    const tags = tagsOf(ifMatch);
    if (tags !== '*' && !tags.includes(current.toLowerCase())) return 'failed';
  }
  if (ifNoneMatch !== undefined && current !== null) {
    const tags = tagsOf(ifNoneMatch);
    if (tags === '*' || tags.includes(current.toLowerCase())) return 'failed';
  }
  if (opts.method === 'PUT' && ifMatch === undefined && ifNoneMatch === undefined) {
    if (current !== null && (opts.guarded ?? true)) return 'conflict';
    if (current === null && opts.headersRequired) return 'missing';
  }
  return 'ok';
}

/**
 * How a resource of a version guards PUTs (see checkPrecondition): 2.0 puts every document resource
 * under concurrency control; 1.0.3 only the profiles, and the suite of 1.0.3 also refuses a profile
 * PUT that names no ETag at all.
 */
export function concurrencyRules(
  kind: 'state' | 'activity_profile' | 'agent_profile',
  version: '2.0.0' | '1.0.3',
): { guarded: boolean; headersRequired: boolean } {
  if (version === '2.0.0') return { guarded: true, headersRequired: false };
  return kind === 'state' ? { guarded: false, headersRequired: false } : { guarded: true, headersRequired: true };
}

/** Whether a Content-Type names JSON (application/json, with or without parameters). */
export function isJsonType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** A body that must be one JSON object (a document to merge), or null when it is not. */
export function jsonObjectOf(content: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(content.toString('utf8'));
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * The merge a POST asks for: the stored object's top-level properties, those of the posted one
 * replacing them.
 * @example mergeDocuments({ a: 1, b: 1 }, { b: 2 }) // { a: 1, b: 2 }
 */
export function mergeDocuments(stored: Record<string, unknown>, posted: Record<string, unknown>) {
  return { ...stored, ...posted };
}

/** The activities of a statement that carry a definition: object, context activities, sub-statement's too. */
export function definedActivitiesOf(statement: Record<string, unknown>): Array<{ id: string; definition: object }> {
  const out: Array<{ id: string; definition: object }> = [];
  const visit = (o: unknown) => {
    if (!isObject(o)) return;
    if ((o['objectType'] === undefined || o['objectType'] === 'Activity') && typeof o['id'] === 'string') {
      const d = o['definition'];
      if (isObject(d) && Object.keys(d).length > 0) out.push({ id: o['id'], definition: d });
    }
  };
  const walk = (s: Record<string, unknown>) => {
    const object = s['object'];
    visit(object);
    const context = s['context'];
    if (isObject(context) && isObject(context['contextActivities'])) {
      for (const list of Object.values(context['contextActivities'])) {
        for (const a of Array.isArray(list) ? list : [list]) visit(a);
      }
    }
    if (isObject(object) && object['objectType'] === 'SubStatement') walk(object);
  };
  walk(statement);
  return out;
}

/**
 * One definition merged into an earlier one, as the LRS keeps its canonical definition: language
 * maps (name, description) and extensions key by key, every other property replaced when given.
 * The same rule as the database's xapi_merge_definition.
 * @example mergeDefinitions({ name: { 'en-US': 'a' } }, { name: { 'fr-FR': 'b' } })
 *   // { name: { 'en-US': 'a', 'fr-FR': 'b' } }
 */
export function mergeDefinitions(old: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...old, ...next };
  for (const k of ['name', 'description', 'extensions']) {
    const a = old[k];
    const b = next[k];
    if (isObject(a) && isObject(b)) merged[k] = { ...a, ...b };
  }
  return merged;
}

/**
 * The activities a batch of statements defines, one merged definition per id in statement order,
 * sorted by id (so concurrent batches take their row locks in the same order).
 */
export function batchDefinitions(
  statements: ReadonlyArray<Record<string, unknown>>,
): Array<{ id: string; definition: Record<string, unknown> }> {
  const byId = new Map<string, Record<string, unknown>>();
  for (const s of statements) {
    for (const { id, definition } of definedActivitiesOf(s)) {
      const before = byId.get(id);
      byId.set(id, before ? mergeDefinitions(before, definition as Record<string, unknown>) : { ...definition });
    }
  }
  return [...byId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, definition]) => ({ id, definition }));
}
