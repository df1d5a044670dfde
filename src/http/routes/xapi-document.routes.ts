import type { FastifyPluginAsync } from 'fastify';
import type { XapiRouteDeps } from '../xapi-request.js';

/** The document resources (State, Activity Profile, Agent Profile) and the Agents and Activities resources. */
export const xapiDocumentRoutes: FastifyPluginAsync<XapiRouteDeps> = async (_app, _deps) => {};
