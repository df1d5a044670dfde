import crypto from 'node:crypto';
import type { Env } from '../config/env.js';
import { loadSecretKey } from '../config/secret-key.js';

/**
 * Encryption of personal identifiers at rest (PIPL): AES-256-GCM with a random 96-bit nonce per
 * value, and a keyed HMAC-SHA256 of the normalised value for exact-match lookups. Both keys are
 * derived from the one secret key with HKDF, so the lookup hash reveals nothing about the
 * ciphertext key. Stored layout: version (1 byte) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
 */
export interface PersonalDataCipher {
  encrypt(plain: string): Buffer;
  decrypt(stored: Buffer): string;
  /** the lookup hash of a value already normalised (e.g. an upper-cased ID number) */
  lookupHash(normalised: string): Buffer;
}

const VERSION = 1;

// random nonces are drawn from a pooled buffer: one call to the system's random source per 4,096 values
let noncePool = Buffer.alloc(0);
let noncePos = 0;
function nextNonce(): Buffer {
  if (noncePos + 12 > noncePool.length) {
    noncePool = crypto.randomBytes(12 * 4_096);
    noncePos = 0;
  }
  noncePos += 12;
  return noncePool.subarray(noncePos - 12, noncePos);
}

export function createPersonalDataCipher(secret: Buffer): PersonalDataCipher {
  const derive = (info: string) => Buffer.from(crypto.hkdfSync('sha256', secret, 'peixun', info, 32));
  const encKey = derive('personal-data-encryption-v1');
  const macKey = derive('personal-data-lookup-v1');
  return {
    encrypt(plain) {
      const nonce = nextNonce();
      const c = crypto.createCipheriv('aes-256-gcm', encKey, nonce);
      const body = c.update(plain, 'utf8');
      c.final();
      const out = Buffer.allocUnsafe(13 + body.length + 16);
      out[0] = VERSION;
      nonce.copy(out, 1);
      body.copy(out, 13);
      c.getAuthTag().copy(out, 13 + body.length);
      return out;
    },
    decrypt(stored) {
      if (stored.length < 29 || stored[0] !== VERSION) throw new Error('unknown personal-data ciphertext version');
      const d = crypto.createDecipheriv('aes-256-gcm', encKey, stored.subarray(1, 13));
      d.setAuthTag(stored.subarray(stored.length - 16));
      return Buffer.concat([d.update(stored.subarray(13, stored.length - 16)), d.final()]).toString('utf8');
    },
    lookupHash(normalised) {
      return crypto.createHmac('sha256', macKey).update(normalised, 'utf8').digest();
    },
  };
}

const byEnv = new WeakMap<Env, PersonalDataCipher>();

/** The cipher of this configuration; the key is read (or its file created) on first use. */
export function personalDataCipher(env: Env, log: (line: string) => void = (l) => console.log(l)): PersonalDataCipher {
  let c = byEnv.get(env);
  if (!c) {
    c = createPersonalDataCipher(loadSecretKey(env, log));
    byEnv.set(env, c);
  }
  return c;
}
