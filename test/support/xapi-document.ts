import crypto from 'node:crypto';
import type { Database } from '../../src/db/database.js';
import type { OrgUnitRow } from '../../src/repositories/org-unit.repository.js';
import { forgetLrsClient } from '../../src/services/lrs-client-auth.js';

/** Credentials of an LRS client made for a test, and the headers a request with them carries. */
export interface TestLrsClient {
  id: number;
  key: string;
  secret: string;
  /** Authorization and X-Experience-API-Version (2.0.0 unless asked otherwise) */
  headers(version?: string): Record<string, string>;
}

/** An LRS client of a unit, as an admin would create it (the secret kept as its SHA-256). */
export async function addLrsClient(db: Database, unit: OrgUnitRow, name: string): Promise<TestLrsClient> {
  const key = `t${crypto.randomBytes(8).toString('hex')}`;
  const secret = crypto.randomBytes(16).toString('hex');
  const row = await db
    .insertInto('lrs_client')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      name,
      api_key: key,
      secret_hash: crypto.createHash('sha256').update(secret).digest(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id: Number(row.id),
    key,
    secret,
    headers: (version = '2.0.0') => ({
      authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
      'x-experience-api-version': version,
    }),
  };
}

/** Revokes a client now (and forgets what the server cached for it). */
export async function revokeLrsClient(db: Database, client: TestLrsClient): Promise<void> {
  await db.updateTable('lrs_client').set({ revoked_at: new Date() }).where('id', '=', client.id).execute();
  forgetLrsClient(db);
}

/** A document resource's query string. */
export function xapiQuery(params: Record<string, unknown>): string {
  return new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ).toString();
}
