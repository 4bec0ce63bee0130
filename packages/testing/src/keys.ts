import { KeyObject, sign as nodeSign, webcrypto } from 'node:crypto';
import type { CompactJWSHeaderParameters } from 'jose';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

/**
 * One public key as Amazon Cognito serves it at `/.well-known/jwks.json`: exactly these six
 * members, nothing else (no `x5c`, no `key_ops`), so a verifier is tested against the real shape.
 *
 * @example
 * const jwk: CognitoJwk = { alg: 'RS256', e: 'AQAB', kid: 'abc=', kty: 'RSA', n: '0vx7...', use: 'sig' };
 */
export interface CognitoJwk {
  alg: 'RS256';
  e: string;
  kid: string;
  kty: 'RSA';
  n: string;
  use: 'sig';
}

/**
 * A JWK set as Amazon Cognito serves it.
 *
 * @example
 * const set: CognitoJwks = issuer.jwks();
 * set.keys.map((key) => key.kid);
 */
export interface CognitoJwks {
  keys: CognitoJwk[];
}

/**
 * An RSA key pair held in memory by a test issuer, with its public JWK.
 *
 * @example
 * const key = await generateSigningKey(2048);
 * key.jwk.kid === key.kid; // true
 */
export interface SigningKey {
  readonly kid: string;
  readonly modulusLength: number;
  readonly jwk: CognitoJwk;
  readonly privateKey: webcrypto.CryptoKey;
}

// jose refuses to generate or sign with RSA keys under 2048 bits (RFC 7518, section 3.3), which
// is right for production code but stops tests from building the weak keys a verifier must
// reject. Below this size, keys come from WebCrypto directly and are signed with node:crypto.
const JOSE_MIN_MODULUS_LENGTH = 2048;

/**
 * Generates an RS256 key pair and its Cognito-shaped public JWK.
 *
 * The `kid` is the RFC 7638 thumbprint in standard base64 with padding, because that is what
 * Cognito's kids look like (44 characters that may contain `+`, `/` and `=`), so verifiers meet
 * those characters in tests.
 *
 * @example
 * const weak = await generateSigningKey(1024); // for "rejects a 1024-bit key" tests
 */
export async function generateSigningKey(modulusLength: number): Promise<SigningKey> {
  const { privateKey, publicKey } =
    modulusLength >= JOSE_MIN_MODULUS_LENGTH
      ? await generateKeyPair('RS256', { modulusLength, extractable: true })
      : await webcrypto.subtle.generateKey(
          {
            name: 'RSASSA-PKCS1-v1_5',
            modulusLength,
            publicExponent: new Uint8Array([1, 0, 1]),
            hash: 'SHA-256',
          },
          true,
          ['sign', 'verify'],
        );
  const { n, e } = await exportJWK(publicKey);
  if (n === undefined || e === undefined) {
    throw new Error('the generated RSA public key has no modulus or exponent');
  }
  const thumbprint = await calculateJwkThumbprint({ kty: 'RSA', n, e }, 'sha256');
  const kid = Buffer.from(thumbprint, 'base64url').toString('base64');
  return {
    kid,
    modulusLength,
    // Alphabetical order, as Cognito serves it.
    jwk: { alg: 'RS256', e, kid, kty: 'RSA', n, use: 'sig' },
    privateKey: privateKey as webcrypto.CryptoKey,
  };
}

/**
 * Produces a compact JWS: `base64url(JSON header) . base64url(payload) . RS256 signature`.
 *
 * The signature is always RSASSA-PKCS1-v1_5 with SHA-256 over exactly these bytes, whatever the
 * header says: a test that sets `alg: 'none'` or `alg: 'HS256'` or removes `alg` gets a token
 * whose header lies, which is the point of such a test. jose's `CompactSign` is used whenever
 * it would produce the same bytes (a 2048-bit or larger key and a plain `RS256` header);
 * otherwise node:crypto signs, because jose rightly refuses weak keys, a missing or different
 * `alg`, and unknown `crit` values, and changes the encoding when `b64` is false (RFC 7797).
 *
 * @example
 * const token = await signCompact(key, { kid: key.kid, alg: 'RS256' }, Buffer.from('{}'));
 */
export async function signCompact(
  key: SigningKey,
  header: Record<string, unknown>,
  payload: Uint8Array,
): Promise<string> {
  const joseCanSign =
    key.modulusLength >= JOSE_MIN_MODULUS_LENGTH &&
    header['alg'] === 'RS256' &&
    !Object.hasOwn(header, 'crit') &&
    !Object.hasOwn(header, 'b64');
  if (joseCanSign) {
    // The cast is checked just above: `alg` is present and is 'RS256'.
    const joseHeader = header as CompactJWSHeaderParameters;
    return new CompactSign(payload).setProtectedHeader(joseHeader).sign(key.privateKey);
  }
  const signingInput = `${encode(JSON.stringify(header))}.${encode(payload)}`;
  const signature = nodeSign('sha256', Buffer.from(signingInput), KeyObject.from(key.privateKey));
  return `${signingInput}.${encode(signature)}`;
}

function encode(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}
