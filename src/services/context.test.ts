import { describe, expect, it } from 'vitest';
import { requireActor } from './context.js';

describe('requireActor', () => {
  it('asks for a login instead of failing when a use case is reached without an actor', () => {
    expect(() => requireActor({ actor: null, ip: null })).toThrow(
      expect.objectContaining({ code: 'AUTH_REQUIRED', status: 401 }),
    );
  });
});
