/**
 * The OpenAPI document the web UI's types are generated from is the one the server serves, built
 * without a database; and the generator keeps what the schemas say (required, nullable, enums, records).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { renderTypes } from '../../scripts/gen-api-types.mjs';
import { buildTestApp } from '../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { buildOpenApiDocument } from './openapi-document.js';

let t: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await buildTestApp(t);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('OpenAPI document', () => {
  it('built without a database, equals the one the server serves at /api/openapi.json', async () => {
    const served = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(served.statusCode).toBe(200);
    const built = await buildOpenApiDocument(t.env);
    expect(JSON.parse(JSON.stringify(built))).toEqual(served.json());
    expect(Object.keys((built as { paths: object }).paths)).toContain('/api/teachers/{id}');
  });
});

describe('renderTypes', () => {
  const doc = {
    paths: {
      '/api/things/{id}': {
        get: {
          summary: 'A thing',
          parameters: [
            { in: 'path', name: 'id', required: true, schema: { type: 'number' } },
            { in: 'query', name: 'from', required: false, schema: {} },
          ],
          responses: {
            200: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      name: { type: 'string' },
                      note: { type: 'string', nullable: true },
                      kind: { type: 'string', enum: ['a', "b'c"] },
                      tags: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
                      byStatus: {
                        type: 'object',
                        additionalProperties: { type: 'number' },
                        required: ['paid', 'unpaid'],
                      },
                    },
                    required: ['name', 'note', 'kind', 'byStatus'],
                    additionalProperties: false,
                  },
                },
              },
            },
          },
        },
        delete: { responses: { 204: { description: 'Done' } } },
      },
    },
  };
  const text = renderTypes(doc);

  it('writes required, optional, nullable, enum, union and record fields as the schema says', () => {
    expect(text).toContain('        name: string;');
    expect(text).toContain('        note: string | null;');
    expect(text).toContain("        kind: 'a' | 'b\\'c';");
    expect(text).toContain('        tags?: (string | number)[];');
    expect(text).toContain("        byStatus: Record<'paid' | 'unpaid', number>;");
  });

  it('gives path and query parameters, a query parameter without a schema as text, and no answer as void', () => {
    expect(text).toMatch(/query: \{\n\s+from\?: string;\n\s+\};/);
    expect(text).toMatch(/path: \{\n\s+id: number;\n\s+\};/);
    expect(text).toMatch(/delete: \{\n\s+response: void;\n\s+\};/);
    expect(text).toContain('/** A thing */');
  });
});
