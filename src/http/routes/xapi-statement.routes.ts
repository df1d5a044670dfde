import type { FastifyInstance } from 'fastify';
import type { XapiRouteDeps } from './xapi.routes.js';

/** The Statement resource: PUT, POST and GET /xapi/statements. */
export async function xapiStatementRoutes(_app: FastifyInstance, _deps: XapiRouteDeps): Promise<void> {}
