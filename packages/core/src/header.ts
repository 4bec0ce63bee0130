import { refusal } from './errors.js';

/**
 * Header rules (SECURITY.md R07-R13, decision 2). The token never chooses its own key or
 * algorithm: `alg` is compared exactly against the one algorithm Cognito uses, before
 * anything else (RFC 8725 §3.1; an allowlist, since blocklists miss `nOnE`), and every
 * parameter that could name a key (`jwk`, `jku`, `x5u`, `x5c`) or change processing
 * (`crit`, `b64`, `zip`, `cty`) is refused rather than ignored.
 */

const ALLOWED_PARAMETERS = new Set(['alg', 'kid', 'typ']);

/** R12: an opaque, printable-ASCII kid of 1-256 characters; it only ever keys a Map. */
const KID = /^[\x21-\x7e]{1,256}$/;

/**
 * Checks the decoded header and returns the key id it names. `alg` is the one algorithm the
 * issuer uses (RS256 for user pools; RS512 for identity-pool OpenID tokens, which also say
 * `typ: "JWS"`), and `typs` the upper-cased `typ` values allowed.
 */
export function checkHeader(
  header: Record<string, unknown>,
  alg: 'RS256' | 'RS512' = 'RS256',
  typs: readonly string[] = ['JWT'],
): string {
  // Own properties only (R13): JSON.parse creates own properties, and the strict parser
  // refuses `__proto__`, so `header.alg` cannot come from a prototype.
  if (!Object.hasOwn(header, 'alg') || header.alg !== alg) throw refusal('ALG_NOT_ALLOWED');
  for (const name of Object.keys(header)) {
    if (!ALLOWED_PARAMETERS.has(name)) throw refusal('HEADER_NOT_ALLOWED');
  }
  // Cognito sets no `typ`; if present it may only say what RFC 7519 §5.1 recommends.
  if (
    Object.hasOwn(header, 'typ') &&
    (typeof header.typ !== 'string' || !typs.includes(header.typ.toUpperCase()))
  ) {
    throw refusal('HEADER_NOT_ALLOWED');
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || !KID.test(kid)) throw refusal('KID_MISSING');
  return kid;
}
