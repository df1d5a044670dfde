import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Env } from '../../config/env.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';
import { authenticateLrsClient, type LrsClient } from '../../services/lrs-client-auth.js';
import { countLrsTraffic } from '../../services/lrs-traffic.js';
import type { Services } from '../../services/services.js';
import { xapiDocumentRoutes } from './xapi-document.routes.js';
import { xapiStatementRoutes } from './xapi-statement.routes.js';

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

/**
 * The Learning Record Store at /xapi (mounted with that prefix). It has its own body parsing (every
 * content type arrives as a Buffer: statements, multipart/mixed attachments and documents of any
 * type), its own authentication (HTTP Basic with LRS client credentials; the web UI's sessions and API
 * tokens do not reach it) and its own version check; errors use the API's usual `{ error: { code,
 * message } }` answer with the status the specification requires.
 */
export const xapiRoutes: FastifyPluginAsync<XapiRouteDeps> = async (app, deps) => {
  app.decorateRequest('lrsClient', null);
  app.decorateRequest('xapiVersion', '2.0.0');
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), auth: 'public', xapi: true } as typeof route.config;
  });
  app.setNotFoundHandler(async () => {
    throw new AppError('NOT_FOUND');
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: XAPI_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const isAbout = req.routeOptions.url === '/xapi/about';
    const version = xapiVersionOf(req.headers['x-experience-api-version']);
    req.xapiVersion = version ?? '2.0.0';
    reply.header('x-experience-api-version', req.xapiVersion);
    if (isAbout) return;
    const client = await authenticateLrsClient(deps.db, req.headers.authorization);
    if (!client) {
      reply.header('www-authenticate', 'Basic realm="Peixun LRS"');
      throw new AppError('XAPI_AUTH_REQUIRED');
    }
    req.lrsClient = client;
    if (!version) throw new AppError('XAPI_VERSION_INVALID');
  });

  // every authenticated request counts in its client's traffic (in memory, flushed every few seconds)
  app.addHook('onResponse', async (req: FastifyRequest) => {
    if (req.lrsClient) countLrsTraffic(deps.db, req.lrsClient.id, { requests: 1 });
  });

  app.get('/about', { schema: { hide: true } }, async () => ({
    version: [...XAPI_VERSIONS, '1.0.2', '1.0.1', '1.0.0'],
    extensions: {},
  }));

  await app.register(xapiStatementRoutes, deps);
  await app.register(xapiDocumentRoutes, deps);
};

/** The client of a request that passed the hook above. */
export function clientOf(req: FastifyRequest): LrsClient {
  if (!req.lrsClient) throw new AppError('XAPI_AUTH_REQUIRED');
  return req.lrsClient;
}
