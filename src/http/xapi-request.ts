import type { FastifyRequest } from 'fastify';
import type { Env } from '../config/env.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { LrsClient } from '../services/lrs-client-auth.js';
import type { Services } from '../services/services.js';

/** The versions of xAPI the LRS speaks, newest first: answers carry the one the request asked for. */
export const XAPI_VERSIONS = ['2.0.0', '1.0.3'] as const;
export type XapiVersion = (typeof XAPI_VERSIONS)[number];

/** The largest request body /xapi takes (a statement batch with attachments). */
export const XAPI_BODY_LIMIT = 20 * 1_048_576;

declare module 'fastify' {
  interface FastifyRequest {
    lrsClient: LrsClient | null;
    xapiVersion: XapiVersion;
    /** the method a 1.0.x alternate-syntax POST stands for */
    alternateMethod: 'PUT' | 'GET' | 'DELETE' | 'POST' | null;
  }
}

/**
 * The version named by an X-Experience-API-Version header: 2.0.x answers as 2.0.0, 1.0.x as 1.0.3;
 * anything else (missing, 0.95, 3.0.0, "1.0") is null.
 * @example xapiVersionOf('1.0.1') // '1.0.3'
 */
export function xapiVersionOf(header: string | string[] | undefined): XapiVersion | null {
  if (typeof header !== 'string') return null;
  const v = header.trim();
  if (/^2\.0\.\d+$/.test(v)) return '2.0.0';
  if (/^1\.0\.\d+$/.test(v)) return '1.0.3';
  return null;
}

export interface XapiRouteDeps {
  services: Services;
  env: Env;
  db: Database;
}

/** The client of a request that passed the hook above. */
export function clientOf(req: FastifyRequest): LrsClient {
  if (!req.lrsClient) throw new AppError('XAPI_AUTH_REQUIRED');
  return req.lrsClient;
}

/** Whether a query names a `method` (xAPI 1.0.x's alternate request syntax). */
export function isAlternateSyntax(query: unknown): boolean {
  return typeof query === 'object' && query !== null && 'method' in query;
}

/** The form fields an alternate-syntax request carries as headers (xAPI 1.0.3 Communication 1.3). */
const FORM_HEADERS = [
  'authorization',
  'x-experience-api-version',
  'content-type',
  'content-length',
  'if-match',
  'if-none-match',
];

/**
 * The request an alternate-syntax POST stands for: its method (from `?method=`, nothing else may be in
 * the query), headers and parameters from the url-encoded form, and the body from its `content` field.
 */
export function readAlternateRequest(
  query: Record<string, unknown>,
  headers: Record<string, unknown>,
  body: Buffer | undefined,
): {
  method: 'PUT' | 'GET' | 'DELETE' | 'POST';
  headers: Record<string, string>;
  query: Record<string, string>;
  body: Buffer | undefined;
} {
  const bad = (reason: string) => new AppError('XAPI_INVALID', { params: { reason } });
  const method = String(query['method']).toUpperCase();
  if (!['PUT', 'GET', 'DELETE', 'POST'].includes(method)) throw bad('method must be PUT, GET, DELETE or POST');
  if (Object.keys(query).length > 1)
    throw bad('an alternate-syntax request has only method in its query; the rest goes in the form');
  const type = String(headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw bad('an alternate-syntax request sends a url-encoded form');
  const form = new URLSearchParams((body ?? Buffer.alloc(0)).toString('utf8'));
  const out = {
    headers: {} as Record<string, string>,
    query: {} as Record<string, string>,
    body: undefined as Buffer | undefined,
  };
  for (const [k, v] of form) {
    const lower = k.toLowerCase();
    if (FORM_HEADERS.includes(lower)) out.headers[lower] = v;
    else if (k === 'content') out.body = Buffer.from(v);
    else out.query[k] = v;
  }
  if (!out.headers['content-type'] && out.body) out.headers['content-type'] = 'application/json';
  if ((method === 'PUT' || method === 'POST') && !out.body) throw bad('the form has no content field');
  return { method: method as 'PUT' | 'GET' | 'DELETE' | 'POST', ...out };
}
