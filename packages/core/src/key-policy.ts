import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeBase64UrlStrict } from './compact-jws.js';

/**
 * The RSA key policy (security-rules.md R16, §10.5).
 *
 * Node's `createPublicKey` accepts 512-bit keys, `e = 1` and `use: "enc"`, and `crypto.verify`
 * then says yes to signatures made without any private key when `e = 1` (§0.1). So every key
 * is admitted here, once per JWKS fetch, before it can verify anything.
 */

/** A key that passed the policy: the clean JWK handed to aws-jwt-verify and its KeyObject. */
export interface AdmittedKey {
  readonly jwk: Readonly<{
    kty: 'RSA';
    kid: string;
    alg: 'RS256';
    use: 'sig';
    n: string;
    e: string;
  }>;
  readonly keyObject: KeyObject;
  /** The modulus length in bytes: the only valid signature length for this key. */
  readonly modulusBytes: number;
}

/** Smallest modulus RFC 7518 §3.3 allows. */
const MIN_MODULUS_BITS = 2048;
/** Largest we verify with: bigger keys only cost CPU per request. */
const MAX_MODULUS_BITS = 8192;

/** Admits `jwk` or returns why not (a fixed reason, never the key material). */
export function admitKey(jwk: Record<string, unknown>, kid: string): AdmittedKey | string {
  if (jwk.kty !== 'RSA') return 'kty is not RSA';
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'use is not sig';
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('verify'))
      return 'key_ops lacks verify';
  }
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') return 'alg is not RS256';
  // e = 65537 only: e = 1 and e = 3 make PKCS#1 v1.5 forgeries possible or easier.
  if (jwk.e !== 'AQAB') return 'e is not 65537';
  if (typeof jwk.n !== 'string' || decodeBase64UrlStrict(jwk.n) === undefined)
    return 'n is not base64url';
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
  } catch {
    return 'not a valid RSA public key';
  }
  const details = keyObject.asymmetricKeyDetails;
  const bits = details?.modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS) return 'modulus shorter than 2048 bits';
  if (bits > MAX_MODULUS_BITS) return 'modulus longer than 8192 bits';
  if (details?.publicExponent !== 65537n) return 'e is not 65537';
  return {
    jwk: Object.freeze({ kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: jwk.n, e: jwk.e }),
    keyObject,
    modulusBytes: Math.ceil(bits / 8),
  };
}
