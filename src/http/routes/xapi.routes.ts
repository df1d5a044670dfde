import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';
import { authenticateLrsClient } from '../../services/lrs-client-auth.js';
import { XAPI_BODY_LIMIT, XAPI_VERSIONS, xapiVersionOf, type XapiRouteDeps } from '../xapi-request.js';
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

  app.get('/about', { schema: { hide: true } }, async () => ({
    version: [...XAPI_VERSIONS, '1.0.2', '1.0.1', '1.0.0'],
    extensions: {},
  }));

  // the options this plugin got carry its prefix: the sub-plugins get the dependencies alone
  const sub: XapiRouteDeps = { services: deps.services, env: deps.env, db: deps.db };
  await app.register(xapiStatementRoutes, sub);
  await app.register(xapiDocumentRoutes, sub);
};
