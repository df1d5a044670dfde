import type { FastifyInstance } from 'fastify';
import type { XapiRouteDeps } from './xapi.routes.js';

/** The document resources (State, Activity Profile, Agent Profile) and the Agents and Activities resources. */
export async function xapiDocumentRoutes(_app: FastifyInstance, _deps: XapiRouteDeps): Promise<void> {}
