import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { XapiDocumentAnswer, XapiDocumentRequest } from '../../services/xapi-document.service.js';
import { AppError } from '../../errors/app-error.js';
import type { LrsClient } from '../../services/lrs-client-auth.js';
import type { XapiRouteDeps } from './xapi.routes.js';

type Kind = XapiDocumentRequest['kind'];

/** The client the /xapi plugin's hook authenticated (as its `clientOf`, without importing the plugin back). */
function clientOf(req: FastifyRequest): LrsClient {
  if (!req.lrsClient) throw new AppError('XAPI_AUTH_REQUIRED');
  return req.lrsClient;
}

/** The one value of a request header (a repeated header is joined as HTTP lists are). */
function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function preconditionsOf(req: FastifyRequest) {
  return { ifMatch: header(req, 'if-match'), ifNoneMatch: header(req, 'if-none-match') };
}

function send(reply: FastifyReply, answer: XapiDocumentAnswer) {
  if (answer.kind === 'ids') {
    if (answer.lastModified) reply.header('last-modified', answer.lastModified.toUTCString());
    return reply.header('etag', answer.etag).type('application/json; charset=utf-8').send(answer.content);
  }
  return reply
    .header('etag', answer.etag)
    .header('last-modified', answer.updated.toUTCString())
    .type(answer.contentType)
    .send(answer.content);
}

/**
 * The document resources (State, Activity Profile, Agent Profile) and the Agents and Activities
 * resources, inside the /xapi plugin (Basic client credentials, version header, bodies as Buffers).
 *
 * A document belongs to the unit of the client that writes it: the clients of that unit share it, a
 * client of any other unit (in the province or not) gets 404 and empty lists, as if it did not exist.
 * Activity definitions are the province's; the Agents resource answers from its parameter only.
 */
export const xapiDocumentRoutes: FastifyPluginAsync<XapiRouteDeps> = async (app, { services }) => {
  const docs = services.xapiDocuments;
  const resources: Array<[string, Kind]> = [
    ['/activities/state', 'state'],
    ['/activities/profile', 'activity_profile'],
    ['/agents/profile', 'agent_profile'],
  ];
  for (const [url, kind] of resources) {
    const request = (req: FastifyRequest): XapiDocumentRequest => ({
      kind,
      query: req.query as Record<string, unknown>,
      version: req.xapiVersion,
    });
    const write = (method: 'PUT' | 'POST') => async (req: FastifyRequest, reply: FastifyReply) => {
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const { etag } = await docs.write(
        clientOf(req),
        request(req),
        method,
        { contentType: header(req, 'content-type'), content },
        preconditionsOf(req),
      );
      return reply.header('etag', etag).status(204).send();
    };
    app.get(url, { schema: { hide: true } }, async (req, reply) =>
      send(reply, await docs.read(clientOf(req), request(req))),
    );
    app.put(url, { schema: { hide: true } }, write('PUT'));
    app.post(url, { schema: { hide: true } }, write('POST'));
    app.delete(url, { schema: { hide: true } }, async (req, reply) => {
      await docs.remove(clientOf(req), request(req), preconditionsOf(req));
      return reply.status(204).send();
    });
  }

  app.get('/agents', { schema: { hide: true } }, async (req) =>
    docs.person(clientOf(req), req.query as Record<string, unknown>),
  );
  app.get('/activities', { schema: { hide: true } }, async (req) =>
    docs.activity(clientOf(req), req.query as Record<string, unknown>),
  );
};
