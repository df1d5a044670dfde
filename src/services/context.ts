import type { Database } from '../db/database.js';
import type { Env } from '../config/env.js';
import type { Actor } from '../policies/access.policy.js';

/** Who is asking, and from where: passed to every use case. */
export interface RequestContext {
  actor: Actor | null;
  ip: string | null;
  userAgent?: string | null;
  /** 'cli' for administration commands run on the server */
  via?: 'http' | 'cli';
}

export interface ServiceDeps {
  db: Database;
  env: Env;
}

export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new Error('use case called without an actor');
  return ctx.actor;
}
