import type { FastifyPluginAsync } from 'fastify';
import type { XapiRouteDeps } from './xapi.routes.js';

/** The Statement resource: PUT, POST and GET /xapi/statements. */
export const xapiStatementRoutes: FastifyPluginAsync<XapiRouteDeps> = async (_app, _deps) => {};
