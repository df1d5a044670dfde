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
