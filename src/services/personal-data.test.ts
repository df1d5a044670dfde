import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPersonalDataCipher } from './personal-data.js';

const cipher = createPersonalDataCipher(crypto.randomBytes(32));

describe('personal-data cipher', () => {
  it('decrypts what it encrypted, for any text, never storing it in clear', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const stored = cipher.encrypt(s);
        return cipher.decrypt(stored) === s && (s.length < 4 || !stored.includes(Buffer.from(s, 'utf8')));
      }),
    );
  });

  it('uses a fresh nonce every time, and refuses a tampered or foreign ciphertext', () => {
    const nonces = new Set(
      Array.from({ length: 10_000 }, () => cipher.encrypt('220282198503120024').subarray(1, 13).toString('hex')),
    );
    expect(nonces.size).toBe(10_000);
    const stored = cipher.encrypt('13812345678');
    const tampered = Buffer.from(stored);
    tampered[15] = tampered[15]! ^ 1;
    expect(() => cipher.decrypt(tampered)).toThrow();
    expect(() => createPersonalDataCipher(crypto.randomBytes(32)).decrypt(stored)).toThrow();
  });

  it('gives the same lookup hash for the same value and key only', () => {
    expect(cipher.lookupHash('220282198503120024')).toEqual(cipher.lookupHash('220282198503120024'));
    expect(cipher.lookupHash('220282198503120024')).not.toEqual(
      createPersonalDataCipher(crypto.randomBytes(32)).lookupHash('220282198503120024'),
    );
  });
});
