import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
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
  // a login is asked for, never a crash, should a use case ever be reached without one
  if (!ctx.actor) throw new AppError('AUTH_REQUIRED');
  return ctx.actor;
}
