import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { writeMultipart } from '../../domain/xapi-multipart.js';
import { AppError } from '../../errors/app-error.js';
import { createXapiStatementService, type StatementAnswer } from '../../services/xapi-statement.service.js';
import { clientOf, type XapiRouteDeps } from '../xapi-request.js';

type Query = Record<string, string | string[] | undefined>;

function send(reply: FastifyReply, answer: StatementAnswer) {
  reply.header('x-experience-api-consistent-through', answer.consistentThrough);
  if (answer.lastModified) reply.header('last-modified', new Date(answer.lastModified).toUTCString());
  if (answer.attachments) {
    const { contentType, body } = writeMultipart([
      { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(answer.json) },
      ...answer.attachments,
    ]);
    return reply.type(contentType).send(body);
  }
  return reply.type('application/json; charset=utf-8').send(answer.json);
}

/**
 * The Statement resource. PUT stores one statement under `statementId` (204); POST stores one or a
 * list (200 with their ids); GET answers one statement (`statementId`, `voidedStatementId`) or a page
 * of a query with a `more` link. Stored means committed: the answer is sent after the transaction.
 */
export const xapiStatementRoutes: FastifyPluginAsync<XapiRouteDeps> = async (app, deps) => {
  const statements = createXapiStatementService({ db: deps.db, env: deps.env });

  async function put(req: FastifyRequest, reply: FastifyReply) {
    const q = req.query as Query;
    const id = q['statementId'];
    if (typeof id !== 'string')
      throw new AppError('XAPI_INVALID', { params: { reason: 'PUT needs the statementId parameter' } });
    const extra = Object.keys(q).find((k) => k !== 'statementId');
    if (extra) throw new AppError('XAPI_INVALID', { params: { reason: `${extra} is not a parameter of PUT` } });
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw new AppError('XAPI_INVALID', { params: { reason: 'statementId must be a UUID' } });
    await statements.store(
      clientOf(req),
      req.xapiVersion,
      req.body as Buffer | undefined,
      req.headers['content-type'],
      id,
    );
    return reply.status(204).send();
  }

  async function get(req: FastifyRequest, reply: FastifyReply) {
    // on every answer, a 404 for an unknown id too (set again below from the query's own moment)
    reply.header('x-experience-api-consistent-through', new Date().toISOString());
    return send(reply, await statements.get(clientOf(req), req.query as Query, req.headers['accept-language']));
  }

  app.put('/statements', { schema: { hide: true } }, put);

  app.post('/statements', { schema: { hide: true } }, async (req, reply) => {
    if (req.alternateMethod === 'PUT') return put(req, reply);
    if (req.alternateMethod === 'GET') return get(req, reply);
    if (req.alternateMethod === 'DELETE')
      throw new AppError('XAPI_INVALID', { params: { reason: 'statements cannot be deleted' } });
    const q = req.query as Query;
    const extra = Object.keys(q)[0];
    if (extra) throw new AppError('XAPI_INVALID', { params: { reason: `${extra} is not a parameter of POST` } });
    const ids = await statements.store(
      clientOf(req),
      req.xapiVersion,
      req.body as Buffer | undefined,
      req.headers['content-type'],
      null,
    );
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(ids));
  });

  app.get('/statements', { schema: { hide: true } }, get);
};
