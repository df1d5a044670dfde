import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

type Q = Kysely<DB>;

export interface EvidenceRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  sha256: Buffer;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  createdAt: Date;
}

const COLUMNS = [
  'id',
  'province_id as provinceId',
  'org_unit_id as orgUnitId',
  'org_path as orgPath',
  'sha256',
  'file_name as fileName',
  'mime_type as mimeType',
  'size_bytes as sizeBytes',
  'created_at as createdAt',
] as const;

/** Evidence files kept with the registrations; the bytes live on disk, named by SHA-256. */
export function createCreditEvidenceRepository(db: Q) {
  return {
    async insert(e: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      sha256: Buffer;
      fileName: string;
      mimeType: string;
      sizeBytes: number;
      createdBy: number | null;
    }): Promise<number> {
      const r = await db
        .insertInto('credit_evidence')
        .values({
          province_id: e.provinceId,
          org_unit_id: e.orgUnitId,
          org_path: e.orgPath,
          sha256: e.sha256,
          file_name: e.fileName,
          mime_type: e.mimeType,
          size_bytes: e.sizeBytes,
          created_by: e.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async find(id: number): Promise<EvidenceRow | undefined> {
      return (await db.selectFrom('credit_evidence').select(COLUMNS).where('id', '=', id).executeTakeFirst()) as
        | EvidenceRow
        | undefined;
    },

    async findMany(ids: number[]): Promise<EvidenceRow[]> {
      if (ids.length === 0) return [];
      return (await db.selectFrom('credit_evidence').select(COLUMNS).where('id', 'in', ids).execute()) as EvidenceRow[];
    },
  };
}
