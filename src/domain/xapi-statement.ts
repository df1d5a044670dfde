/**
 * xAPI statements (IEEE 9274.1.1-2023 "xAPI 2.0", and 1.0.3): what a valid statement is, the form the
 * LRS stores it in, and the values queries filter on. Pure: no I/O.
 *
 * `statementProblem` answers the first problem of a statement as an English sentence naming the
 * property (`actor.mbox: not a mailto: IRI`), or null; the LRS answers 400 with it.
 */

export type XapiVersion = '2.0.0' | '1.0.3';
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';
export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$/;
const MBOX = /^mailto:[^@\s]+@[^@\s]+$/;
const SHA1 = /^[0-9a-f]{40}$/i;
const LANG = /^(?:[a-z]{2,8}(?:-[a-z0-9]{1,8})*|[xi]-[a-z0-9]{1,8}(?:-[a-z0-9]{1,8})*)$/i;
const DURATION =
  /^P(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?W)?(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const INTERACTION_TYPES: Record<string, string[]> = {
  'true-false': [],
  choice: ['choices'],
  'fill-in': [],
  'long-fill-in': [],
  matching: ['source', 'target'],
  performance: ['steps'],
  sequencing: ['choices'],
  likert: ['scale'],
  numeric: [],
  other: [],
};
const COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'];

class Invalid extends Error {}
function fail(at: string, why: string): never {
  throw new Invalid(`${at}: ${why}`);
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, at: string): JsonObject {
  if (!isObject(v)) fail(at, 'must be a JSON object');
  return v;
}

function onlyKeys(o: JsonObject, at: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) fail(at ? `${at}.${k}` : k, 'is not a property defined here');
    if (o[k] === null) fail(at ? `${at}.${k}` : k, 'must not be null');
  }
}

function string(v: unknown, at: string): string {
  if (typeof v !== 'string') fail(at, 'must be a string');
  return v;
}

function iri(v: unknown, at: string): string {
  const s = string(v, at);
  if (!IRI.test(s)) fail(at, 'must be an absolute IRI');
  return s;
}

function uuid(v: unknown, at: string): string {
  const s = string(v, at);
  if (!UUID.test(s)) fail(at, 'must be a UUID');
  return s;
}

function bool(v: unknown, at: string): boolean {
  if (typeof v !== 'boolean') fail(at, 'must be true or false');
  return v;
}

function number(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(at, 'must be a number');
  return v;
}

function languageMap(v: unknown, at: string): void {
  const o = object(v, at);
  for (const [k, text] of Object.entries(o)) {
    if (!LANG.test(k)) fail(`${at}.${k}`, 'is not a language tag (RFC 5646)');
    string(text, `${at}.${k}`);
  }
}

function extensions(v: unknown, at: string): void {
  const o = object(v, at);
  for (const k of Object.keys(o)) iri(k, `${at} key ${k}`);
}

/** Whether a text is a timestamp the LRS takes (RFC 3339 / ISO 8601 date and time; not a "-00:00" offset). */
export function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, sec, , zone] = m;
  if (zone && /^-00(?::?00)?$/.test(zone)) return false;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(Number(y), month, 0)).getUTCDate()) return false;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 60) return false;
  return true;
}

/**
 * A timestamp in UTC, to the millisecond, written the one way (`2024-03-01T08:00:00.000Z`); a time
 * without a zone is taken as UTC.
 * @example toUtcTimestamp('2024-03-01T16:00:00+08:00') // '2024-03-01T08:00:00.000Z'
 */
export function toUtcTimestamp(s: string): string {
  const m = TIMESTAMP.exec(s);
  if (!m) throw new Error(`not a timestamp: ${s}`);
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = Number(`${frac ?? ''}000`.slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Math.min(Number(sec ?? 0), 59), ms);
  if (zone && zone !== 'Z' && zone !== 'z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (z) t -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
  }
  return new Date(t).toISOString();
}

/** Whether a text is an ISO 8601 duration (`PT1H30M`, `P1DT2.5S`). */
export function isDuration(s: string): boolean {
  // weeks stand alone (ISO 8601 4.4.4.3: PnW), they do not mix with the other components
  if (s.includes('W') && !/^P\d+(?:[.,]\d+)?W$/.test(s)) return false;
  return DURATION.test(s) && !s.endsWith('T');
}

/** The inverse functional identifier an agent or group object carries, if exactly one. */
function ifiKeys(o: JsonObject): string[] {
  return ['mbox', 'mbox_sha1sum', 'openid', 'account'].filter((k) => k in o);
}

function account(v: unknown, at: string): void {
  const a = object(v, at);
  onlyKeys(a, at, ['homePage', 'name']);
  if (!('homePage' in a)) fail(`${at}.homePage`, 'is required');
  if (!('name' in a)) fail(`${at}.name`, 'is required');
  iri(a['homePage'], `${at}.homePage`);
  string(a['name'], `${at}.name`);
}

function ifi(o: JsonObject, at: string): void {
  if ('mbox' in o && !MBOX.test(string(o['mbox'], `${at}.mbox`))) fail(`${at}.mbox`, 'must be a mailto: IRI');
  if ('mbox_sha1sum' in o && !SHA1.test(string(o['mbox_sha1sum'], `${at}.mbox_sha1sum`)))
    fail(`${at}.mbox_sha1sum`, 'must be a hex SHA-1');
  if ('openid' in o) iri(o['openid'], `${at}.openid`);
  if ('account' in o) account(o['account'], `${at}.account`);
}

function agent(v: unknown, at: string, requireType = false): void {
  const o = object(v, at);
  onlyKeys(o, at, ['objectType', 'name', 'mbox', 'mbox_sha1sum', 'openid', 'account']);
  if (requireType || 'objectType' in o) {
    if (o['objectType'] !== 'Agent') fail(`${at}.objectType`, 'must be "Agent"');
  }
  if ('name' in o) string(o['name'], `${at}.name`);
  if (ifiKeys(o).length !== 1) fail(at, 'an Agent needs exactly one of mbox, mbox_sha1sum, openid, account');
  ifi(o, at);
}

function group(v: unknown, at: string): void {
  const o = object(v, at);
  onlyKeys(o, at, ['objectType', 'name', 'mbox', 'mbox_sha1sum', 'openid', 'account', 'member']);
  if (o['objectType'] !== 'Group') fail(`${at}.objectType`, 'must be "Group"');
  if ('name' in o) string(o['name'], `${at}.name`);
  const ids = ifiKeys(o).length;
  if (ids > 1) fail(at, 'a Group has at most one of mbox, mbox_sha1sum, openid, account');
  ifi(o, at);
  if ('member' in o) {
    const members = o['member'];
    if (!Array.isArray(members)) fail(`${at}.member`, 'must be an array of Agents');
    members.forEach((m, i) => agent(m, `${at}.member[${i}]`));
    if (ids === 0 && members.length === 0) fail(`${at}.member`, 'an anonymous Group needs members');
  } else if (ids === 0) fail(`${at}.member`, 'an anonymous Group needs members');
}

/** An actor: an Agent (objectType optional) or a Group. */
function actor(v: unknown, at: string): void {
  const o = object(v, at);
  if (o['objectType'] === 'Group') group(o, at);
  else agent(o, at);
}

function verb(v: unknown, at: string): void {
  const o = object(v, at);
  onlyKeys(o, at, ['id', 'display']);
  if (!('id' in o)) fail(`${at}.id`, 'is required');
  iri(o['id'], `${at}.id`);
  if ('display' in o) languageMap(o['display'], `${at}.display`);
}

function components(v: unknown, at: string): void {
  if (!Array.isArray(v)) fail(at, 'must be an array of interaction components');
  const seen = new Set<string>();
  v.forEach((c, i) => {
    const o = object(c, `${at}[${i}]`);
    onlyKeys(o, `${at}[${i}]`, ['id', 'description']);
    const id = string(o['id'], `${at}[${i}].id`);
    if (seen.has(id)) fail(`${at}[${i}].id`, 'repeats an id of this list');
    seen.add(id);
    if ('description' in o) languageMap(o['description'], `${at}[${i}].description`);
  });
}

function definition(v: unknown, at: string): void {
  const o = object(v, at);
  onlyKeys(o, at, [
    'name',
    'description',
    'type',
    'moreInfo',
    'extensions',
    'interactionType',
    'correctResponsesPattern',
    ...COMPONENT_LISTS,
  ]);
  if ('name' in o) languageMap(o['name'], `${at}.name`);
  if ('description' in o) languageMap(o['description'], `${at}.description`);
  if ('type' in o) iri(o['type'], `${at}.type`);
  if ('moreInfo' in o) iri(o['moreInfo'], `${at}.moreInfo`);
  if ('extensions' in o) extensions(o['extensions'], `${at}.extensions`);
  const type = o['interactionType'];
  if (type !== undefined && !(string(type, `${at}.interactionType`) in INTERACTION_TYPES))
    fail(`${at}.interactionType`, `must be one of ${Object.keys(INTERACTION_TYPES).join(', ')}`);
  if ('correctResponsesPattern' in o) {
    if (type === undefined) fail(`${at}.correctResponsesPattern`, 'needs an interactionType');
    const p = o['correctResponsesPattern'];
    if (!Array.isArray(p)) fail(`${at}.correctResponsesPattern`, 'must be an array of strings');
    p.forEach((s, i) => string(s, `${at}.correctResponsesPattern[${i}]`));
  }
  for (const list of COMPONENT_LISTS) {
    if (!(list in o)) continue;
    if (type === undefined) fail(`${at}.${list}`, 'needs an interactionType');
    if (!INTERACTION_TYPES[type as string]?.includes(list))
      fail(`${at}.${list}`, `is not used by interactionType ${String(type)}`);
    components(o[list], `${at}.${list}`);
  }
}

function activity(v: unknown, at: string): void {
  const o = object(v, at);
  onlyKeys(o, at, ['objectType', 'id', 'definition']);
  if ('objectType' in o && o['objectType'] !== 'Activity') fail(`${at}.objectType`, 'must be "Activity"');
  if (!('id' in o)) fail(`${at}.id`, 'is required');
  iri(o['id'], `${at}.id`);
  if ('definition' in o) definition(o['definition'], `${at}.definition`);
}

function statementRef(v: unknown, at: string): void {
  const o = object(v, at);
  onlyKeys(o, at, ['objectType', 'id']);
  if (o['objectType'] !== 'StatementRef') fail(`${at}.objectType`, 'must be "StatementRef"');
  uuid(o['id'], `${at}.id`);
}

function score(v: unknown, at: string): void {
  const o = object(v, at);
  onlyKeys(o, at, ['scaled', 'raw', 'min', 'max']);
  const scaled = 'scaled' in o ? number(o['scaled'], `${at}.scaled`) : undefined;
  if (scaled !== undefined && (scaled < -1 || scaled > 1)) fail(`${at}.scaled`, 'must lie between -1 and 1');
  const min = 'min' in o ? number(o['min'], `${at}.min`) : undefined;
  const max = 'max' in o ? number(o['max'], `${at}.max`) : undefined;
  const raw = 'raw' in o ? number(o['raw'], `${at}.raw`) : undefined;
  if (min !== undefined && max !== undefined && min >= max) fail(`${at}.min`, 'must be below max');
  if (raw !== undefined && min !== undefined && raw < min) fail(`${at}.raw`, 'must not be below min');
  if (raw !== undefined && max !== undefined && raw > max) fail(`${at}.raw`, 'must not be above max');
}

function result(v: unknown, at: string): void {
  const o = object(v, at);
  onlyKeys(o, at, ['score', 'success', 'completion', 'response', 'duration', 'extensions']);
  if ('score' in o) score(o['score'], `${at}.score`);
  if ('success' in o) bool(o['success'], `${at}.success`);
  if ('completion' in o) bool(o['completion'], `${at}.completion`);
  if ('response' in o) string(o['response'], `${at}.response`);
  if ('duration' in o && !isDuration(string(o['duration'], `${at}.duration`)))
    fail(`${at}.duration`, 'must be an ISO 8601 duration');
  if ('extensions' in o) extensions(o['extensions'], `${at}.extensions`);
}

function relevantTypes(v: unknown, at: string): void {
  if (!Array.isArray(v) || v.length === 0) fail(at, 'must be a non-empty array of IRIs');
  v.forEach((t, i) => iri(t, `${at}[${i}]`));
}

function context(v: unknown, at: string, objectIsActivity: boolean, version: XapiVersion): void {
  const o = object(v, at);
  const keys = [
    'registration',
    'instructor',
    'team',
    'contextActivities',
    'revision',
    'platform',
    'language',
    'statement',
    'extensions',
  ];
  onlyKeys(o, at, version === '2.0.0' ? [...keys, 'contextAgents', 'contextGroups'] : keys);
  if ('registration' in o) uuid(o['registration'], `${at}.registration`);
  if ('instructor' in o) actor(o['instructor'], `${at}.instructor`);
  if ('team' in o) group(o['team'], `${at}.team`);
  if ('contextActivities' in o) {
    const ca = object(o['contextActivities'], `${at}.contextActivities`);
    onlyKeys(ca, `${at}.contextActivities`, ['parent', 'grouping', 'category', 'other']);
    for (const [k, list] of Object.entries(ca)) {
      const items = Array.isArray(list) ? list : [list];
      items.forEach((a, i) => activity(a, `${at}.contextActivities.${k}[${i}]`));
    }
  }
  if ('revision' in o) {
    string(o['revision'], `${at}.revision`);
    if (!objectIsActivity) fail(`${at}.revision`, 'is only allowed when the object is an Activity');
  }
  if ('platform' in o) {
    string(o['platform'], `${at}.platform`);
    if (!objectIsActivity) fail(`${at}.platform`, 'is only allowed when the object is an Activity');
  }
  if ('language' in o && !LANG.test(string(o['language'], `${at}.language`)))
    fail(`${at}.language`, 'is not a language tag (RFC 5646)');
  if ('statement' in o) statementRef(o['statement'], `${at}.statement`);
  if ('extensions' in o) extensions(o['extensions'], `${at}.extensions`);
  if ('contextAgents' in o) {
    const list = o['contextAgents'];
    if (!Array.isArray(list)) fail(`${at}.contextAgents`, 'must be an array');
    list.forEach((c, i) => {
      const p = `${at}.contextAgents[${i}]`;
      const e = object(c, p);
      onlyKeys(e, p, ['objectType', 'agent', 'relevantTypes']);
      if (e['objectType'] !== 'contextAgent') fail(`${p}.objectType`, 'must be "contextAgent"');
      if (!('agent' in e)) fail(`${p}.agent`, 'is required');
      agent(e['agent'], `${p}.agent`);
      if ('relevantTypes' in e) relevantTypes(e['relevantTypes'], `${p}.relevantTypes`);
    });
  }
  if ('contextGroups' in o) {
    const list = o['contextGroups'];
    if (!Array.isArray(list)) fail(`${at}.contextGroups`, 'must be an array');
    list.forEach((c, i) => {
      const p = `${at}.contextGroups[${i}]`;
      const e = object(c, p);
      onlyKeys(e, p, ['objectType', 'group', 'relevantTypes']);
      if (e['objectType'] !== 'contextGroup') fail(`${p}.objectType`, 'must be "contextGroup"');
      if (!('group' in e)) fail(`${p}.group`, 'is required');
      group(e['group'], `${p}.group`);
      if ('relevantTypes' in e) relevantTypes(e['relevantTypes'], `${p}.relevantTypes`);
    });
  }
}

function attachments(v: unknown, at: string): void {
  if (!Array.isArray(v)) fail(at, 'must be an array');
  v.forEach((a, i) => {
    const p = `${at}[${i}]`;
    const o = object(a, p);
    onlyKeys(o, p, ['usageType', 'display', 'description', 'contentType', 'length', 'sha2', 'fileUrl']);
    for (const k of ['usageType', 'display', 'contentType', 'length', 'sha2'])
      if (!(k in o)) fail(`${p}.${k}`, 'is required');
    iri(o['usageType'], `${p}.usageType`);
    languageMap(o['display'], `${p}.display`);
    if ('description' in o) languageMap(o['description'], `${p}.description`);
    if (!/^[\w.+-]+\/[\w.+-]+/.test(string(o['contentType'], `${p}.contentType`)))
      fail(`${p}.contentType`, 'must be an Internet media type');
    const length = number(o['length'], `${p}.length`);
    if (!Number.isInteger(length) || length < 0) fail(`${p}.length`, 'must be a whole number of octets');
    if (!/^[0-9a-f]{64,128}$/i.test(string(o['sha2'], `${p}.sha2`))) fail(`${p}.sha2`, 'must be a hex SHA-2');
    if ('fileUrl' in o) iri(o['fileUrl'], `${p}.fileUrl`);
  });
}

function timestamp(v: unknown, at: string): void {
  if (!isTimestamp(string(v, at))) fail(at, 'must be an RFC 3339 timestamp (not a -00:00 offset)');
}

function objectOf(v: unknown, at: string, version: XapiVersion, inSub: boolean): string {
  const o = object(v, at);
  const type = o['objectType'] ?? 'Activity';
  switch (type) {
    case 'Activity':
      activity(o, at);
      break;
    case 'Agent':
      agent(o, at, true);
      break;
    case 'Group':
      group(o, at);
      break;
    case 'StatementRef':
      statementRef(o, at);
      break;
    case 'SubStatement':
      if (inSub) fail(`${at}.objectType`, 'a SubStatement cannot contain another SubStatement');
      body(o, at, version, true);
      break;
    default:
      fail(`${at}.objectType`, 'must be Activity, Agent, Group, StatementRef or SubStatement');
  }
  return type as string;
}

function body(o: JsonObject, at: string, version: XapiVersion, sub: boolean): void {
  const p = (k: string) => (at ? `${at}.${k}` : k);
  const keys = ['actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments'];
  onlyKeys(o, at, sub ? [...keys, 'objectType'] : [...keys, 'id', 'stored', 'authority', 'version']);
  for (const k of ['actor', 'verb', 'object']) if (!(k in o)) fail(p(k), 'is required');
  if (!sub && 'id' in o) uuid(o['id'], p('id'));
  actor(o['actor'], p('actor'));
  verb(o['verb'], p('verb'));
  const type = objectOf(o['object'], p('object'), version, sub);
  if ('result' in o) result(o['result'], p('result'));
  if ('context' in o) context(o['context'], p('context'), type === 'Activity', version);
  if ('timestamp' in o) timestamp(o['timestamp'], p('timestamp'));
  if ('attachments' in o) attachments(o['attachments'], p('attachments'));
  if (sub) return;
  if ('stored' in o) timestamp(o['stored'], p('stored'));
  if ('authority' in o) {
    const a = object(o['authority'], p('authority'));
    if (a['objectType'] === 'Group') {
      group(a, p('authority'));
      const members = a['member'];
      if (!Array.isArray(members) || members.length !== 2 || ifiKeys(a).length > 0)
        fail(p('authority'), 'a Group authority must be an anonymous OAuth pair of two Agents');
    } else agent(a, p('authority'));
  }
  if ('version' in o) {
    const v = string(o['version'], p('version'));
    if (!/^(?:1\.0(?:\.\d+)?|2\.0(?:\.\d+)?)$/.test(v)) fail(p('version'), 'must be 1.0.x or 2.0.x');
  }
  if ((o['verb'] as JsonObject)['id'] === VOIDED_VERB && type !== 'StatementRef')
    fail(p('object'), 'a voiding statement must have a StatementRef object');
}

/** The first problem of a statement, or null when the LRS can store it. */
export function statementProblem(s: unknown, version: XapiVersion): string | null {
  try {
    body(object(s, 'statement'), '', version, false);
    return null;
  } catch (e) {
    if (e instanceof Invalid) return e.message;
    throw e;
  }
}

/**
 * The canonical form of an agent or identified group: one string per identity, prefixed by its
 * objectType (`A` agent, `G` group), so equal identities compare equal in SQL. An anonymous group has none.
 * @example agentKey({ mbox: 'mailto:a@b.cn' }) // 'A|mbox|mailto:a@b.cn'
 */
export function agentKey(v: unknown): string | null {
  if (!isObject(v)) return null;
  const kind = v['objectType'] === 'Group' ? 'G' : 'A';
  if (typeof v['mbox'] === 'string') return `${kind}|mbox|${v['mbox']}`;
  if (typeof v['mbox_sha1sum'] === 'string') return `${kind}|sha1|${v['mbox_sha1sum'].toLowerCase()}`;
  if (typeof v['openid'] === 'string') return `${kind}|openid|${v['openid']}`;
  const a = v['account'];
  if (isObject(a) && typeof a['homePage'] === 'string' && typeof a['name'] === 'string')
    return `${kind}|account|${a['homePage']}|${a['name']}`;
  return null;
}

/** What the statement store keeps beside a statement's JSON for its queries (see xapi_statement). */
export interface StatementFacts {
  id: string;
  ts: string;
  stored: string;
  verbId: string;
  actorKey: string | null;
  objectKind: 'Activity' | 'Agent' | 'Group' | 'SubStatement' | 'StatementRef';
  objectId: string | null;
  registration: string | null;
  relatedAgents: string[];
  relatedActivities: string[];
  refId: string | null;
  isVoiding: boolean;
  attachmentSha2: string[];
}

function agentsOf(v: unknown, out: Set<string>): void {
  if (!isObject(v)) return;
  const key = agentKey(v);
  if (key) out.add(key);
  if (Array.isArray(v['member'])) for (const m of v['member']) agentsOf(m, out);
}

function activitiesOfContext(c: unknown, out: Set<string>): void {
  if (!isObject(c) || !isObject(c['contextActivities'])) return;
  for (const list of Object.values(c['contextActivities'])) {
    for (const a of Array.isArray(list) ? list : [list])
      if (isObject(a) && typeof a['id'] === 'string') out.add(a['id']);
  }
}

function agentsOfContext(c: unknown, out: Set<string>): void {
  if (!isObject(c)) return;
  agentsOf(c['instructor'], out);
  agentsOf(c['team'], out);
  if (Array.isArray(c['contextAgents'])) for (const e of c['contextAgents']) if (isObject(e)) agentsOf(e['agent'], out);
  if (Array.isArray(c['contextGroups'])) for (const e of c['contextGroups']) if (isObject(e)) agentsOf(e['group'], out);
}

/** The values a stored statement is queried by. */
export function statementFacts(s: JsonObject): StatementFacts {
  const obj = s['object'] as JsonObject;
  const kind = ((obj['objectType'] as string | undefined) ?? 'Activity') as StatementFacts['objectKind'];
  const agents = new Set<string>();
  const activities = new Set<string>();
  agentsOf(s['actor'], agents);
  agentsOf(s['authority'], agents);
  agentsOfContext(s['context'], agents);
  activitiesOfContext(s['context'], activities);
  let objectId: string | null = null;
  if (kind === 'Activity') {
    objectId = obj['id'] as string;
    activities.add(objectId);
  } else if (kind === 'Agent' || kind === 'Group') {
    objectId = agentKey(obj);
    agentsOf(obj, agents);
  } else if (kind === 'StatementRef') {
    objectId = (obj['id'] as string).toLowerCase();
  } else {
    agentsOf(obj['actor'], agents);
    agentsOfContext(obj['context'], agents);
    activitiesOfContext(obj['context'], activities);
    const inner = obj['object'] as JsonObject;
    const innerKind = inner['objectType'] ?? 'Activity';
    if (innerKind === 'Activity') activities.add(inner['id'] as string);
    else if (innerKind === 'Agent' || innerKind === 'Group') agentsOf(inner, agents);
  }
  const verbId = (s['verb'] as JsonObject)['id'] as string;
  const context = s['context'];
  const attachmentList = Array.isArray(s['attachments']) ? s['attachments'] : [];
  return {
    id: (s['id'] as string).toLowerCase(),
    ts: s['timestamp'] as string,
    stored: s['stored'] as string,
    verbId,
    actorKey: agentKey(s['actor']),
    objectKind: kind,
    objectId,
    registration: isObject(context) && typeof context['registration'] === 'string' ? context['registration'] : null,
    relatedAgents: [...agents],
    relatedActivities: [...activities],
    refId: kind === 'StatementRef' ? (obj['id'] as string).toLowerCase() : null,
    isVoiding: verbId === VOIDED_VERB,
    attachmentSha2: attachmentList.flatMap((a) => (isObject(a) && typeof a['sha2'] === 'string' ? [a['sha2']] : [])),
  };
}

/**
 * The statement as the LRS keeps it: its id (given or new), timestamp in UTC (now when absent), the
 * time it was stored, the client as its authority, the version, and every single context activity
 * written as a list of one.
 */
export function prepareStatement(
  s: JsonObject,
  opts: { id: string; stored: string; authority: JsonObject; version: XapiVersion },
): JsonObject {
  const out: JsonObject = { ...s, id: typeof s['id'] === 'string' ? s['id'] : opts.id };
  out['timestamp'] = typeof s['timestamp'] === 'string' ? toUtcTimestamp(s['timestamp']) : opts.stored;
  out['stored'] = opts.stored;
  out['authority'] = opts.authority;
  out['version'] = typeof s['version'] === 'string' ? s['version'] : opts.version === '2.0.0' ? '2.0.0' : '1.0.0';
  const context = listContextActivities(s['context']);
  if (context !== undefined) out['context'] = context;
  const obj = s['object'];
  if (isObject(obj) && obj['objectType'] === 'SubStatement') {
    const sub: JsonObject = { ...obj };
    if (typeof sub['timestamp'] === 'string') sub['timestamp'] = toUtcTimestamp(sub['timestamp']);
    const subContext = listContextActivities(sub['context']);
    if (subContext !== undefined) sub['context'] = subContext;
    out['object'] = sub;
  }
  return out;
}

function listContextActivities(c: Json | undefined): Json | undefined {
  if (!isObject(c) || !isObject(c['contextActivities'])) return c;
  const ca: JsonObject = {};
  for (const [k, v] of Object.entries(c['contextActivities'])) ca[k] = Array.isArray(v) ? v : [v];
  return { ...c, contextActivities: ca };
}

/**
 * A duration as statements are compared: seconds cut (not rounded) to hundredths, as xAPI 2.0 compares.
 * @example comparableDuration('P1DT12H36M0.1237S') // 'P1DT12H36M0.12S'
 */
export function comparableDuration(d: string): string {
  return d.replace(/(\d+)[.,](\d+)S$/, (_m, whole: string, frac: string) => {
    const cut = frac.slice(0, 2).replace(/0+$/, '');
    return cut ? `${whole}.${cut}S` : `${whole}S`;
  });
}

/** A statement with its durations written for comparison (see comparableDuration). */
export function withComparableDurations(s: JsonObject): JsonObject {
  const fix = (o: Json | undefined): Json | undefined => {
    if (!isObject(o) || !isObject(o['result']) || typeof o['result']['duration'] !== 'string') return o;
    return { ...o, result: { ...o['result'], duration: comparableDuration(o['result']['duration']) } };
  };
  const out = fix(s) as JsonObject;
  return isObject(out['object']) && out['object']['objectType'] === 'SubStatement'
    ? { ...out, object: fix(out['object']) as Json }
    : out;
}

/**
 * Whether two statements say the same thing (xAPI's statement comparison): the properties the LRS
 * sets (stored, authority, version) are left out, and the timestamp when the new one had none;
 * object keys compare in any order.
 */
export function sameStatement(stored: JsonObject, sent: JsonObject): boolean {
  const strip = (s: JsonObject, dropTimestamp: boolean) => {
    const { stored: _s, authority: _a, version: _v, timestamp, ...rest } = s;
    return dropTimestamp ? rest : { ...rest, timestamp };
  };
  const noTimestamp = !('timestamp' in sent);
  return deepEqual(strip(comparable(stored), noTimestamp), strip(comparable(sent), noTimestamp));
}

/**
 * A statement in the form the LRS keeps (timestamps in UTC, context activities as lists), so a
 * retried statement compares equal to the one stored from it: `+08:00` and `Z` name the same instant;
 * durations compare to the hundredth of a second.
 */
function comparable(s: JsonObject): JsonObject {
  const out: JsonObject = withComparableDurations(s);
  const ts = out['timestamp'];
  if (typeof ts === 'string' && isTimestamp(ts)) out['timestamp'] = toUtcTimestamp(ts);
  const context = listContextActivities(out['context']);
  if (context !== undefined) out['context'] = context;
  const obj = out['object'];
  if (isObject(obj) && obj['objectType'] === 'SubStatement') out['object'] = comparable(obj);
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** A statement reduced for `format=ids`: agents and groups to their identifier, activities and verbs to their id. */
export function idsFormat(s: JsonObject): JsonObject {
  const agentIds = (v: Json | undefined): Json | undefined => {
    if (!isObject(v)) return v;
    const out: JsonObject = {};
    if (v['objectType']) out['objectType'] = v['objectType'];
    for (const k of ['mbox', 'mbox_sha1sum', 'openid', 'account']) if (k in v) out[k] = v[k] as Json;
    if (!agentKey(v) && Array.isArray(v['member'])) out['member'] = v['member'].map((m) => agentIds(m) as Json);
    return out;
  };
  const activityIds = (v: Json | undefined): Json | undefined => (isObject(v) ? { id: v['id'] as Json } : v);
  const objectIds = (o: Json | undefined): Json | undefined => {
    if (!isObject(o)) return o;
    const type = o['objectType'] ?? 'Activity';
    if (type === 'Activity') return activityIds(o);
    if (type === 'Agent' || type === 'Group') return agentIds(o);
    if (type === 'SubStatement') return reduce(o);
    return o;
  };
  const contextIds = (c: Json | undefined): Json | undefined => {
    if (!isObject(c)) return c;
    const out: JsonObject = { ...c };
    if (c['instructor']) out['instructor'] = agentIds(c['instructor']) as Json;
    if (c['team']) out['team'] = agentIds(c['team']) as Json;
    if (isObject(c['contextActivities'])) {
      const ca: JsonObject = {};
      for (const [k, list] of Object.entries(c['contextActivities']))
        ca[k] = Array.isArray(list) ? list.map((a) => activityIds(a) as Json) : (activityIds(list) as Json);
      out['contextActivities'] = ca;
    }
    if (Array.isArray(c['contextAgents']))
      out['contextAgents'] = c['contextAgents'].map((e) =>
        isObject(e) ? { ...e, agent: agentIds(e['agent']) as Json } : e,
      );
    if (Array.isArray(c['contextGroups']))
      out['contextGroups'] = c['contextGroups'].map((e) =>
        isObject(e) ? { ...e, group: agentIds(e['group']) as Json } : e,
      );
    return out;
  };
  const reduce = (s: JsonObject): JsonObject => {
    const out: JsonObject = { ...s };
    out['actor'] = agentIds(s['actor']) as Json;
    if (isObject(s['verb'])) out['verb'] = { id: s['verb']['id'] as Json };
    out['object'] = objectIds(s['object']) as Json;
    if (s['context']) out['context'] = contextIds(s['context']) as Json;
    if (s['authority']) out['authority'] = agentIds(s['authority']) as Json;
    return out;
  };
  return reduce(s);
}

/**
 * A statement for `format=canonical`: every language map keeps one entry, the first of the reader's
 * languages (Accept-Language order) it has, else its first.
 */
export function canonicalFormat(s: JsonObject, languages: string[]): JsonObject {
  const pick = (m: JsonObject): JsonObject => {
    const keys = Object.keys(m);
    if (keys.length <= 1) return m;
    for (const want of languages) {
      const hit =
        keys.find((k) => k.toLowerCase() === want.toLowerCase()) ??
        keys.find((k) => k.toLowerCase().split('-')[0] === want.toLowerCase().split('-')[0]);
      if (hit) return { [hit]: m[hit] as Json };
    }
    const first = keys[0] as string;
    return { [first]: m[first] as Json };
  };
  const walk = (v: Json, key: string | null): Json => {
    if (Array.isArray(v)) return v.map((x) => walk(x, null));
    if (!isObject(v)) return v;
    if (key === 'display' || key === 'name' || key === 'description') {
      if (Object.values(v).every((x) => typeof x === 'string')) return pick(v);
    }
    if (key === 'extensions') return v;
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
    return out;
  };
  return walk(s, null) as JsonObject;
}
