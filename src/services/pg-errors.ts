import { AppError, type AppErrorCode } from '../errors/app-error.js';

/** Turns a PostgreSQL unique/check violation into the user's error; anything else passes through. */
export function translatePgError(e: unknown, uniqueByConstraint: Record<string, AppErrorCode> = {}): unknown {
  const pgErr = e as { code?: string; constraint?: string };
  if (pgErr?.code === '23505') {
    const code = (pgErr.constraint && uniqueByConstraint[pgErr.constraint]) || 'CONFLICT';
    return new AppError(code, { cause: e });
  }
  if (pgErr?.code === '23514' || pgErr?.code === '22021' || pgErr?.code === '22P02' || pgErr?.code === '22001') {
    return new AppError('VALIDATION_FAILED', {
      cause: e,
      details: { issues: [{ path: pgErr.constraint ?? '', message: 'invalid' }] },
    });
  }
  return e;
}

/**
 * Runs a write again when it lost to a concurrent one: deadlocks and serialization failures, and
 * whatever else `alsoRetry` says a fresh attempt would see differently; four attempts at most.
 */
export async function retryConcurrent<T>(
  fn: () => Promise<T>,
  alsoRetry: (e: { code?: string; constraint?: string }) => boolean = () => false,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const err = e as { code?: string; constraint?: string };
      if (attempt >= 4 || (err.code !== '40P01' && err.code !== '40001' && !alsoRetry(err))) throw e;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
}
