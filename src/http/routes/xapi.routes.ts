import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import { authenticateLrsClient } from '../../services/lrs-client-auth.js';
import { countLrsTraffic } from '../../services/lrs-traffic.js';
import {
  isAlternateSyntax,
  readAlternateRequest,
  XAPI_BODY_LIMIT,
  XAPI_VERSIONS,
  xapiVersionOf,
  type XapiRouteDeps,
  type XapiVersion,
} from '../xapi-request.js';
import { xapiDocumentRoutes } from './xapi-document.routes.js';
import { xapiStatementRoutes } from './xapi-statement.routes.js';

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
  app.decorateRequest('alternateMethod', null);
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

  // the version each client last spoke: a request that names none is refused in that version's terms
  const spoken = new Map<number, XapiVersion>();

  async function admit(req: FastifyRequest, reply: FastifyReply, version: XapiVersion | null): Promise<void> {
    req.xapiVersion = version ?? '2.0.0';
    reply.header('x-experience-api-version', req.xapiVersion);
    const client = await authenticateLrsClient(deps.db, req.headers.authorization);
    if (!client) {
      reply.header('www-authenticate', 'Basic realm="Peixun LRS"');
      throw new AppError('XAPI_AUTH_REQUIRED');
    }
    req.lrsClient = client;
    if (!version) {
      req.xapiVersion = spoken.get(client.id) ?? '2.0.0';
      reply.header('x-experience-api-version', req.xapiVersion);
      throw new AppError('XAPI_VERSION_INVALID');
    }
    if (spoken.get(client.id) !== version) {
      if (spoken.size >= 10_000) spoken.clear();
      spoken.set(client.id, version);
    }
  }

  // Learning content often runs in the browser and reports from there: any origin may call the LRS with
  // its client credentials (an explicit Authorization header, never a cookie of this site)
  app.addHook('onSend', async (_req, reply) => {
    reply.header('access-control-allow-origin', '*');
    reply.header(
      'access-control-expose-headers',
      'ETag, Last-Modified, Content-Type, X-Experience-API-Version, X-Experience-API-Consistent-Through',
    );
  });
  app.options('/*', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .status(204)
      .header('access-control-allow-methods', 'GET, HEAD, PUT, POST, DELETE, OPTIONS')
      .header(
        'access-control-allow-headers',
        'Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, Accept-Language',
      )
      .header('access-control-max-age', '86400')
      .send(),
  );

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method === 'OPTIONS') return;
    const version = xapiVersionOf(req.headers['x-experience-api-version']);
    if (req.routeOptions.url === '/xapi/about') {
      req.xapiVersion = version ?? '2.0.0';
      reply.header('x-experience-api-version', req.xapiVersion);
      return;
    }
    // the alternate request syntax carries its headers in the form: admitted once the body is read
    if (req.method === 'POST' && isAlternateSyntax(req.query)) return;
    if (isAlternateSyntax(req.query)) {
      throw new AppError('XAPI_INVALID', { params: { reason: 'the method parameter is only taken on a POST' } });
    }
    await admit(req, reply, version);
  });

  // xAPI 1.0.x's alternate request syntax: POST ?method=PUT|GET|DELETE with a form holding the headers,
  // the parameters and the body as `content` (2.0 dropped it: refused there)
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== 'POST' || !isAlternateSyntax(req.query)) return;
    const alt = readAlternateRequest(req.query as Record<string, unknown>, req.headers, req.body as Buffer | undefined);
    Object.assign(req.headers, alt.headers);
    const version = xapiVersionOf(req.headers['x-experience-api-version']);
    await admit(req, reply, version);
    if (req.xapiVersion !== '1.0.3') {
      throw new AppError('XAPI_INVALID', { params: { reason: 'xAPI 2.0 has no alternate request syntax' } });
    }
    req.query = alt.query;
    req.body = alt.body;
    req.alternateMethod = alt.method;
  });

  // every authenticated request counts in its client's traffic (in memory, flushed every few seconds)
  app.addHook('onResponse', async (req: FastifyRequest) => {
    if (req.lrsClient) countLrsTraffic(deps.db, req.lrsClient.id, { requests: 1 });
  });

  app.get('/about', { schema: { hide: true } }, async () => ({
    version: [...XAPI_VERSIONS, '1.0.2', '1.0.1', '1.0.0'],
    extensions: {},
  }));

  // the options this plugin got carry its prefix: the sub-plugins get the dependencies alone
  const sub: XapiRouteDeps = { services: deps.services, env: deps.env, db: deps.db };
  await app.register(xapiStatementRoutes, sub);
  await app.register(xapiDocumentRoutes, sub);
};
