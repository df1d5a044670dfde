import { describe, expect, it } from 'vitest';
import { isConnectionError } from './connection-errors.js';

const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('isConnectionError', () => {
  it('recognises a database that is gone, shutting down, starting up or unreachable', () => {
    for (const e of [
      err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      err('read ECONNRESET', 'ECONNRESET'),
      err('terminating connection due to administrator command', '57P01'),
      err('terminating connection because of crash of another server process', '57P02'),
      err('the database system is starting up', '57P03'),
      err('connection failure', '08006'),
      err('Connection terminated unexpectedly'),
      err('Connection terminated due to connection timeout'),
      err('timeout exceeded when trying to connect'),
      new AggregateError([
        err('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'),
        err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      ]),
      new Error('wrapped', { cause: err('read ECONNRESET', 'ECONNRESET') }),
    ])
      expect(isConnectionError(e), String(e)).toBe(true);
  });

  it('leaves errors of the statement or the data to the usual handling', () => {
    for (const e of [
      err('duplicate key value violates unique constraint', '23505'),
      err('deadlock detected', '40P01'),
      err('password authentication failed for user "peixun"', '28P01'),
      err('syntax error at or near "selec"', '42601'),
      new Error('boom'),
      null,
      'ECONNREFUSED',
    ])
      expect(isConnectionError(e), String(e)).toBe(false);
  });
});
