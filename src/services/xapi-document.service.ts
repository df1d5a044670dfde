import {
  agentIfi,
  checkPrecondition,
  concurrencyRules,
  etagOf,
  isJsonType,
  jsonObjectOf,
  mergeDocuments,
  type Parsed,
  parseAgentParam,
  parseRegistration,
  parseSince,
  personOf,
} from '../domain/xapi-document.js';
import { AppError } from '../errors/app-error.js';
import {
  deleteDocumentById,
  deleteDocuments,
  findActivityDefinition,
  findDocument,
  insertDocument,
  listDocumentIds,
  updateDocument,
  type XapiDocumentKey,
  type XapiDocumentKind,
  type XapiDocumentScope,
} from '../repositories/xapi-document.repository.js';
import type { ServiceDeps } from './context.js';
import type { LrsClient } from './lrs-client-auth.js';

/**
 * The document resources of the LRS (State, Activity Profile, Agent Profile) and the Agents and
 * Activities resources.
 *
 * Scope: a document belongs to the unit of the client that writes it. Every client of that unit reads
 * and writes it (a platform keeps its documents when its credentials are renewed); a client of any
 * other unit, above, below or beside it, never sees it: for it the document does not exist. Activity
 * definitions are kept per province (they describe courses, not people) and the Agents resource answers
 * from the agent it is asked about only, so neither reveals anything of another unit's learners.
 */

export type XapiQuery = Record<string, unknown>;

/** What a request names: the resource, its query parameters and the xAPI version it speaks. */
export interface XapiDocumentRequest {
  kind: XapiDocumentKind;
  query: XapiQuery;
  version: '2.0.0' | '1.0.3';
}

export interface XapiPreconditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
}

export type XapiDocumentAnswer =
  | { kind: 'document'; contentType: string; content: Buffer; etag: string; updated: Date }
  | { kind: 'ids'; ids: string[]; content: Buffer; etag: string; lastModified: Date | null };

const IRI = /^[a-z][a-z0-9+.-]*:\S*$/i;

/** The parameters each resource knows (the spec asks for a 400 on any other). */
const PARAMS: Record<XapiDocumentKind, { known: string[]; docParam: string }> = {
  state: { known: ['activityId', 'agent', 'registration', 'stateId', 'since'], docParam: 'stateId' },
  activity_profile: { known: ['activityId', 'profileId', 'since'], docParam: 'profileId' },
  agent_profile: { known: ['agent', 'profileId', 'since'], docParam: 'profileId' },
};

function invalid(reason: string): AppError {
  return new AppError('XAPI_INVALID', { params: { reason } });
}

function must<T>(p: Parsed<T>): T {
  if (!p.ok) throw invalid(p.reason);
  return p.value;
}

function checkKnown(query: XapiQuery, known: string[]): void {
  for (const [k, v] of Object.entries(query)) {
    if (!known.includes(k)) throw invalid(`unknown parameter ${k}`);
    if (typeof v !== 'string') throw invalid(`${k}: given more than once`);
  }
}

function activityIdOf(query: XapiQuery): string {
  const v = query['activityId'];
  if (v === undefined) throw invalid('activityId: missing');
  if (typeof v !== 'string' || !IRI.test(v)) throw invalid('activityId: not an IRI');
  return v;
}

/** The unit's place where a request's documents live, and the named document's id when there is one. */
function scopeOf(client: LrsClient, req: XapiDocumentRequest): { scope: XapiDocumentScope; docId: string | null } {
  const { known, docParam } = PARAMS[req.kind];
  checkKnown(req.query, known);
  const activityId = req.kind === 'agent_profile' ? '' : activityIdOf(req.query);
  const agent = req.kind === 'activity_profile' ? '' : agentIfi(must(parseAgentParam(req.query['agent'])));
  const registration = req.kind === 'state' ? must(parseRegistration(req.query['registration'])) : null;
  const docId = req.query[docParam];
  if (docId !== undefined && (typeof docId !== 'string' || docId.length === 0)) throw invalid(`${docParam}: empty`);
  return {
    scope: { orgUnitId: client.orgUnitId, kind: req.kind, activityId, agentIfi: agent, registration },
    docId: (docId as string | undefined) ?? null,
  };
}

function keyOf(client: LrsClient, req: XapiDocumentRequest): XapiDocumentKey {
  const { scope, docId } = scopeOf(client, req);
  if (docId === null) throw invalid(`${PARAMS[req.kind].docParam}: missing`);
  return { ...scope, docId };
}

function refuse(pre: 'failed' | 'conflict' | 'missing'): AppError {
  if (pre === 'failed') return new AppError('XAPI_PRECONDITION_FAILED');
  if (pre === 'conflict') {
    return new AppError('XAPI_CONFLICT', {
      params: { reason: 'the document exists; read it and send its ETag in If-Match to replace it' },
    });
  }
  return invalid('If-Match or If-None-Match needed');
}

export function createXapiDocumentService(deps: ServiceDeps) {
  const { db } = deps;

  return {
    /** GET: one document (404 when there is none), or the ids of the documents changed since `since`. */
    async read(client: LrsClient, req: XapiDocumentRequest): Promise<XapiDocumentAnswer> {
      const { scope, docId } = scopeOf(client, req);
      const since = must(parseSince(req.query['since']));
      if (docId !== null) {
        if (since) throw invalid('since: only with a list');
        const doc = await findDocument(db, { ...scope, docId });
        if (!doc) throw new AppError('NOT_FOUND');
        return { kind: 'document', ...doc };
      }
      // without an id: the list (of states, across registrations unless one is named)
      const list = await listDocumentIds(db, scope, since);
      // every GET of a document resource carries an ETag, the list's too
      const content = Buffer.from(JSON.stringify(list.ids), 'utf8');
      return { kind: 'ids', ...list, content, etag: etagOf(content) };
    },

    /**
     * PUT stores the document as sent; POST merges a JSON object into a stored JSON object (or stores
     * it when there is none). Returns the new ETag.
     */
    async write(
      client: LrsClient,
      req: XapiDocumentRequest,
      method: 'PUT' | 'POST',
      body: { contentType: string | undefined; content: Buffer },
      pre: XapiPreconditions,
    ): Promise<{ etag: string }> {
      if (req.query['since'] !== undefined) throw invalid('since: only with a list');
      const key = keyOf(client, req);
      const contentType = body.contentType?.trim() || 'application/octet-stream';
      const postedJson = isJsonType(contentType) ? jsonObjectOf(body.content) : null;
      if (method === 'POST' && isJsonType(contentType) && postedJson === null) {
        throw invalid('document: not a JSON object');
      }
      for (let attempt = 0; ; attempt++) {
        const result = await db.transaction().execute(async (trx) => {
          const current = await findDocument(trx, key, true);
          const check = checkPrecondition({
            method,
            current: current?.etag ?? null,
            ...pre,
            ...concurrencyRules(req.kind, req.version),
          });
          if (check !== 'ok') throw refuse(check);
          let content = body.content;
          let type = contentType;
          if (method === 'POST' && current) {
            const stored = isJsonType(current.contentType) ? jsonObjectOf(current.content) : null;
            if (stored === null || postedJson === null) throw invalid('document: merge needs two JSON objects');
            content = Buffer.from(JSON.stringify(mergeDocuments(stored, postedJson)), 'utf8');
            type = 'application/json';
          }
          const etag = etagOf(content);
          const fields = { clientId: client.id, contentType: type, content, etag, updated: new Date() };
          if (current) {
            await updateDocument(trx, current.id, fields);
            return { etag };
          }
          const inserted = await insertDocument(trx, key, { provinceId: client.provinceId, ...fields });
          return inserted ? { etag } : null;
        });
        // another request created the document between our look and our insert: decide again
        if (result) return result;
        if (attempt >= 2) {
          throw new AppError('XAPI_CONFLICT', {
            params: { reason: 'the document is being written by another request' },
          });
        }
      }
    },

    /** DELETE of one document (If-Match honoured), or of a scope's states when no stateId is named. */
    async remove(client: LrsClient, req: XapiDocumentRequest, pre: XapiPreconditions): Promise<void> {
      if (req.query['since'] !== undefined) throw invalid('since: only with a list');
      const { scope, docId } = scopeOf(client, req);
      if (docId === null) {
        if (req.kind !== 'state') throw invalid(`${PARAMS[req.kind].docParam}: missing`);
        await deleteDocuments(db, scope);
        return;
      }
      await db.transaction().execute(async (trx) => {
        const current = await findDocument(trx, { ...scope, docId }, true);
        const check = checkPrecondition({ method: 'DELETE', current: current?.etag ?? null, ...pre });
        if (check !== 'ok') throw refuse(check);
        if (current) await deleteDocumentById(trx, current.id);
      });
    },

    /** The Agents resource: the Person object of the agent asked about. */
    person(_client: LrsClient, query: XapiQuery): Record<string, unknown> {
      checkKnown(query, ['agent']);
      return personOf(must(parseAgentParam(query['agent'])));
    },

    /** The Activities resource: the canonical definition of an activity (just its id when none is known). */
    async activity(client: LrsClient, query: XapiQuery): Promise<Record<string, unknown>> {
      checkKnown(query, ['activityId']);
      const id = activityIdOf(query);
      const definition = await findActivityDefinition(db, client.provinceId, id);
      return definition ? { objectType: 'Activity', id, definition } : { objectType: 'Activity', id };
    },
  };
}

export type XapiDocumentService = ReturnType<typeof createXapiDocumentService>;
