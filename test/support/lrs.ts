import crypto from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Database } from '../../src/db/database.js';
import type { OrgUnitRow } from '../../src/repositories/org-unit.repository.js';

export interface TestLrsClient {
  id: number;
  key: string;
  secret: string;
  authorization: string;
}

/** An LRS client of a unit, written straight into the table (the admin's page and CLI are tested elsewhere). */
export async function addLrsClient(
  db: Database,
  unit: OrgUnitRow,
  opts: { name?: string; identity?: Record<string, unknown>; salt?: string } = {},
): Promise<TestLrsClient> {
  const key = `k${crypto.randomBytes(8).toString('hex')}`;
  const secret = crypto.randomBytes(24).toString('base64url');
  const row = await db
    .insertInto('lrs_client')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      name: opts.name ?? `平台 ${key.slice(1, 5)}`,
      api_key: key,
      secret_hash: crypto.createHash('sha256').update(secret).digest(),
      identity: JSON.stringify(opts.identity ?? { kind: 'mbox' }),
      id_hash_salt: opts.salt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id: Number(row.id),
    key,
    secret,
    authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
  };
}

/** inject() as an LRS client speaking a version of xAPI (2.0.0 unless said). */
export function asClient(app: FastifyInstance, c: TestLrsClient, version = '2.0.0') {
  return (opts: InjectOptions) =>
    app.inject({
      ...opts,
      headers: { authorization: c.authorization, 'x-experience-api-version': version, ...(opts.headers ?? {}) },
    });
}

/** A small valid statement about an agent with this e-mail. */
export function statementAbout(email: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    actor: { objectType: 'Agent', name: '测试', mbox: `mailto:${email}` },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'zh-CN': '完成', 'en-US': 'completed' } },
    object: {
      objectType: 'Activity',
      id: 'https://edu.example.cn/course/1',
      definition: { name: { 'zh-CN': '课程' } },
    },
    ...extra,
  };
}
