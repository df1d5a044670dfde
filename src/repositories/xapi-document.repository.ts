import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';

type Q = Kysely<DB>;

export type XapiDocumentKind = 'state' | 'activity_profile' | 'agent_profile';

/** Where documents of one kind live: a unit's documents about an activity and/or an agent. */
export interface XapiDocumentScope {
  orgUnitId: number;
  kind: XapiDocumentKind;
  /** '' for agent profiles */
  activityId: string;
  /** '' for activity profiles */
  agentIfi: string;
  /** states only; null: without a registration (or, for lists and deletes of states, any) */
  registration: string | null;
}

export interface XapiDocumentKey extends XapiDocumentScope {
  docId: string;
}

export interface XapiDocumentRow {
  id: number;
  contentType: string;
  content: Buffer;
  etag: string;
  updated: Date;
}

/** One document, or undefined; `forUpdate` locks its row until the transaction ends. */
export async function findDocument(
  db: Q,
  key: XapiDocumentKey,
  forUpdate = false,
): Promise<XapiDocumentRow | undefined> {
  let q = db
    .selectFrom('xapi_document')
    .select(['id', 'content_type', 'content', 'etag', 'updated'])
    .where('org_unit_id', '=', key.orgUnitId)
    .where('kind', '=', key.kind)
    .where('activity_id', '=', key.activityId)
    .where('agent_ifi', '=', key.agentIfi)
    .where('registration', key.registration === null ? 'is' : '=', key.registration)
    .where('doc_id', '=', key.docId);
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r
    ? { id: Number(r.id), contentType: r.content_type, content: r.content, etag: r.etag, updated: r.updated }
    : undefined;
}

/** Stores a new document; false when one with the same key appeared meanwhile. */
export async function insertDocument(
  db: Q,
  key: XapiDocumentKey,
  doc: { provinceId: number; clientId: number; contentType: string; content: Buffer; etag: string; updated: Date },
): Promise<boolean> {
  const r = await db
    .insertInto('xapi_document')
    .values({
      province_id: doc.provinceId,
      org_unit_id: key.orgUnitId,
      kind: key.kind,
      activity_id: key.activityId,
      agent_ifi: key.agentIfi,
      registration: key.registration,
      doc_id: key.docId,
      content_type: doc.contentType,
      content: doc.content,
      etag: doc.etag,
      client_id: doc.clientId,
      updated: doc.updated,
    })
    .onConflict((oc) => oc.constraint('xapi_document_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function updateDocument(
  db: Q,
  id: number,
  doc: { clientId: number; contentType: string; content: Buffer; etag: string; updated: Date },
): Promise<void> {
  await db
    .updateTable('xapi_document')
    .set({
      content_type: doc.contentType,
      content: doc.content,
      etag: doc.etag,
      client_id: doc.clientId,
      updated: doc.updated,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteDocumentById(db: Q, id: number): Promise<void> {
  await db.deleteFrom('xapi_document').where('id', '=', id).execute();
}

function inScope(eb: ExpressionBuilder<DB, 'xapi_document'>, scope: XapiDocumentScope) {
  const conditions = [
    eb('org_unit_id', '=', scope.orgUnitId),
    eb('kind', '=', scope.kind),
    eb('activity_id', '=', scope.activityId),
    eb('agent_ifi', '=', scope.agentIfi),
  ];
  if (scope.registration !== null) conditions.push(eb('registration', '=', scope.registration));
  return eb.and(conditions);
}

/** The ids of a scope's documents changed after `since` (all when null), oldest first, and the newest change. */
export async function listDocumentIds(
  db: Q,
  scope: XapiDocumentScope,
  since: Date | null,
): Promise<{ ids: string[]; lastModified: Date | null }> {
  let q = db
    .selectFrom('xapi_document')
    .select(['doc_id', 'updated'])
    .where((eb) => inScope(eb, scope));
  if (since) q = q.where('updated', '>', since);
  const rows = await q.orderBy('updated').orderBy('doc_id').execute();
  return {
    ids: [...new Set(rows.map((r) => r.doc_id))],
    lastModified: rows.length ? (rows[rows.length - 1]?.updated ?? null) : null,
  };
}

/** Deletes every document of a scope (the State resource's DELETE without stateId). */
export async function deleteDocuments(db: Q, scope: XapiDocumentScope): Promise<number> {
  const r = await db
    .deleteFrom('xapi_document')
    .where((eb) => inScope(eb, scope))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Merges a batch's activity definitions into the province's canonical ones in one statement
 * (xapi_merge_definition; rows whose definition would not change are left alone). The ids must be
 * distinct, and sorted so concurrent batches lock rows in the same order.
 */
export async function upsertActivityDefinitions(
  db: Q,
  provinceId: number,
  defs: ReadonlyArray<{ id: string; definition: Record<string, unknown> }>,
): Promise<void> {
  if (defs.length === 0) return;
  // Definitions that change nothing are dropped before the insert, so they take no row lock: a storm of
  // statements about one activity does not queue its transactions behind each other.
  await sql`
    INSERT INTO xapi_activity (province_id, activity_id, definition)
    SELECT ${provinceId}, d.id, d.definition
      FROM jsonb_to_recordset(${JSON.stringify(defs)}::jsonb) AS d(id text, definition jsonb)
      LEFT JOIN xapi_activity a ON a.province_id = ${provinceId} AND a.activity_id = d.id
     WHERE a.definition IS NULL OR xapi_merge_definition(a.definition, d.definition) IS DISTINCT FROM a.definition
     ORDER BY d.id
    ON CONFLICT (province_id, activity_id) DO UPDATE
      SET definition = xapi_merge_definition(xapi_activity.definition, excluded.definition), updated = now()
      WHERE xapi_merge_definition(xapi_activity.definition, excluded.definition)
        IS DISTINCT FROM xapi_activity.definition`.execute(db);
}

/** The canonical definition of an activity in a province, or undefined. */
export async function findActivityDefinition(
  db: Q,
  provinceId: number,
  activityId: string,
): Promise<Record<string, unknown> | undefined> {
  const r = await db
    .selectFrom('xapi_activity')
    .select('definition')
    .where('province_id', '=', provinceId)
    .where('activity_id', '=', activityId)
    .executeTakeFirst();
  return r?.definition as Record<string, unknown> | undefined;
}
