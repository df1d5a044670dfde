import { describe, expect, it } from 'vitest';
import { LookupCache } from './lookup-cache.js';

describe('LookupCache', () => {
  it('serves a value until its time to live runs out', () => {
    const c = new LookupCache<string>(1_000, 10);
    c.set('a', 'x', c.epoch(), null, 0);
    expect(c.get('a', 999)).toBe('x');
    expect(c.get('a', 1_000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('does not keep a value read before a revocation that happened meanwhile', () => {
    const c = new LookupCache<string>(60_000, 10);
    const epoch = c.epoch(); // a request starts its lookup…
    c.deleteOwner(7); // …an administrator disables user 7 and commits…
    c.set('s:1', 'session of 7', epoch, 7); // …and the lookup's (now stale) answer arrives
    expect(c.get('s:1')).toBeUndefined();
    c.set('s:1', 'fresh', c.epoch(), 7);
    expect(c.get('s:1')).toBe('fresh');
  });

  it('drops every entry of one owner and nobody else', () => {
    const c = new LookupCache<string>(60_000, 10);
    c.set('s:1', 'a', c.epoch(), 1);
    c.set('t:1', 'b', c.epoch(), 1);
    c.set('s:2', 'c', c.epoch(), 2);
    c.deleteOwner(1);
    expect([c.get('s:1'), c.get('t:1'), c.get('s:2')]).toEqual([undefined, undefined, 'c']);
  });

  it('stays within its size by forgetting the oldest entry', () => {
    const c = new LookupCache<number>(60_000, 3);
    for (let i = 0; i < 5; i++) c.set(`k${i}`, i, c.epoch());
    expect(c.size).toBe(3);
    expect([c.get('k0'), c.get('k1'), c.get('k4')]).toEqual([undefined, undefined, 4]);
  });

  it('updates a value in place without extending its life', () => {
    const c = new LookupCache<string>(1_000, 10);
    c.set('a', 'x', c.epoch(), null, 0);
    c.update('a', 'y');
    c.update('missing', 'z');
    expect(c.get('a', 500)).toBe('y');
    expect(c.get('missing', 500)).toBeUndefined();
    expect(c.get('a', 1_000)).toBeUndefined();
  });
});
