import crypto from 'node:crypto';
import { type JsonObject, withComparableDurations } from './xapi-statement.js';

const ALGORITHMS: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

function decodeJson(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function comparable(s: unknown): unknown {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return s;
  const {
    attachments: _a,
    stored: _s,
    authority: _au,
    version: _v,
    ...rest
  } = withComparableDurations(s as JsonObject);
  return rest;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (typeof a === 'object' && a && typeof b === 'object' && b && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => sameJson((a as JsonObject)[k], (b as JsonObject)[k]));
  }
  return false;
}

/**
 * Why a statement's signature (a JWS in compact form, xAPI Data 2.6) cannot be accepted, or null: a
 * JWS of three base64url parts, an RS256/RS384/RS512 algorithm, a payload that is the JSON of the
 * statement as sent (its attachments left out), and, when the header carries the signer's certificate
 * (x5c), a signature that verifies with it.
 */
export function signatureProblem(jws: string, sent: JsonObject): string | null {
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return 'the signature is not a compact JWS';
  const [h, p, sig] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = decodeJson(h);
  } catch {
    return 'the JWS header is not JSON';
  }
  try {
    payload = decodeJson(p);
  } catch {
    return 'the JWS payload is not a JSON serialization of the statement';
  }
  const alg = (header as { alg?: unknown })?.alg;
  if (typeof alg !== 'string' || !(alg in ALGORITHMS)) return 'the JWS algorithm must be RS256, RS384 or RS512';
  if (!sameJson(comparable(payload), comparable(sent))) return 'the JWS payload differs from the statement';
  const x5c = (header as { x5c?: unknown }).x5c;
  if (Array.isArray(x5c) && typeof x5c[0] === 'string') {
    try {
      const cert = new crypto.X509Certificate(Buffer.from(x5c[0], 'base64'));
      const ok = crypto.verify(
        ALGORITHMS[alg] as string,
        Buffer.from(`${h}.${p}`),
        cert.publicKey,
        Buffer.from(sig, 'base64url'),
      );
      if (!ok) return 'the JWS signature does not verify with the certificate in its header';
    } catch {
      return 'the certificate in the JWS header cannot be read';
    }
  }
  return null;
}
