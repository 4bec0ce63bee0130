import { verify } from 'node:crypto';
import type { AdmittedKey } from './key-policy.js';

/**
 * RS256 signature verification with native crypto (SECURITY.md R05, R06, R09; RFC 8017 §8.2.2).
 *
 * The algorithm is fixed here, not read from the token (R07, R09): SHA-256 with RSASSA-PKCS1
 * v1.5, the default padding for an RSA KeyObject, over the exact received bytes (R05). The
 * key passed the key policy when its JWKS arrived. A signature must be exactly as long as the
 * modulus (R06, RFC 8017 §8.2.2): an empty or truncated signature never reaches OpenSSL.
 */
export function verifyRs256(signingInput: Buffer, signature: Buffer, key: AdmittedKey): boolean {
  if (signature.length !== key.modulusBytes) return false;
  return verify('sha256', signingInput, key.keyObject, signature);
}

/**
 * RS512 (SHA-512 with RSASSA-PKCS1 v1.5, RFC 7518 §3.3), the algorithm of identity-pool OpenID
 * tokens; the same rules as {@link verifyRs256}, for keys admitted as RS512 only.
 */
export function verifyRs512(signingInput: Buffer, signature: Buffer, key: AdmittedKey): boolean {
  if (key.jwk.alg !== 'RS512' || signature.length !== key.modulusBytes) return false;
  return verify('sha512', signingInput, key.keyObject, signature);
}
