import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { XapiDocumentAnswer, XapiDocumentRequest } from '../../services/xapi-document.service.js';
import { AppError } from '../../errors/app-error.js';
import { clientOf, type XapiRouteDeps } from '../xapi-request.js';

type Kind = XapiDocumentRequest['kind'];

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
    const read = async (req: FastifyRequest, reply: FastifyReply) =>
      send(reply, await docs.read(clientOf(req), request(req)));
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
    const remove = async (req: FastifyRequest, reply: FastifyReply) => {
      await docs.remove(clientOf(req), request(req), preconditionsOf(req));
      return reply.status(204).send();
    };
    const put = write('PUT');
    const post = write('POST');
    app.get(url, { schema: { hide: true } }, read);
    app.put(url, { schema: { hide: true } }, put);
    // a 1.0.x alternate-syntax request arrives as a POST standing for another method
    app.post(url, { schema: { hide: true } }, async (req, reply) => {
      if (req.alternateMethod === 'GET') return read(req, reply);
      if (req.alternateMethod === 'PUT') return put(req, reply);
      if (req.alternateMethod === 'DELETE') return remove(req, reply);
      return post(req, reply);
    });
    app.delete(url, { schema: { hide: true } }, remove);
  }

  const person = async (req: FastifyRequest) => docs.person(clientOf(req), req.query as Record<string, unknown>);
  const activity = async (req: FastifyRequest) => docs.activity(clientOf(req), req.query as Record<string, unknown>);
  app.get('/agents', { schema: { hide: true } }, person);
  app.get('/activities', { schema: { hide: true } }, activity);
  // read-only resources: a POST is only a 1.0.x alternate-syntax GET
  app.post('/agents', { schema: { hide: true } }, async (req) => {
    if (req.alternateMethod !== 'GET') throw new AppError('NOT_FOUND');
    return person(req);
  });
  app.post('/activities', { schema: { hide: true } }, async (req) => {
    if (req.alternateMethod !== 'GET') throw new AppError('NOT_FOUND');
    return activity(req);
  });
};
