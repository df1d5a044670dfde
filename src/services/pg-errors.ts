import { AppError, type AppErrorCode } from '../errors/app-error.js';

/** Turns a PostgreSQL unique/check violation into the user's error; anything else passes through. */
export function translatePgError(e: unknown, uniqueByConstraint: Record<string, AppErrorCode> = {}): unknown {
  const pgErr = e as { code?: string; constraint?: string };
  if (pgErr?.code === '23505') {
    const code = (pgErr.constraint && uniqueByConstraint[pgErr.constraint]) || 'CONFLICT';
    return new AppError(code, { cause: e });
  }
  if (pgErr?.code === '23514' || pgErr?.code === '22021' || pgErr?.code === '22P02' || pgErr?.code === '22001') {
    return new AppError('VALIDATION_FAILED', { cause: e, details: { issues: [{ path: pgErr.constraint ?? '', message: 'invalid' }] } });
  }
  return e;
}
