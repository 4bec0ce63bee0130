import { assertStringArrayContainsString, assertStringEquals } from 'aws-jwt-verify/assert';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
} from 'aws-jwt-verify/error';
import {
  type AccessTokenClaims,
  checkClaimTypes,
  checkTimes,
  deepFreeze,
  type IdTokenClaims,
} from './claims.js';
import { splitCompactJws } from './compact-jws.js';
import { AuthError, isAuthError, refusal } from './errors.js';
import { checkHeader } from './header.js';
import type { JwksCache } from './jwks-cache.js';
import type { AdmittedKey } from './key-policy.js';
import { type AuthResult, toAuthResult } from './result.js';
import { verifyRs256 } from './signature.js';
import { mayBeJsonObject, parseStrictJsonObject } from './strict-json.js';
import type { IssuerEntry, Pool, VerifierConfig } from './verifier-options.js';

/**
 * The verification pipeline: from a token to a verified outcome or an {@link AuthError}, given
 * a resolved configuration and the JWKS cache. No token cache, no revocation, no events: those
 * are around it, in `createVerifier`.
 */

/** A verification outcome and the key that made it, as the token cache keeps it. */
export interface Verified {
  readonly result: AuthResult;
  readonly jwksUri: string;
  readonly kid: string;
  readonly key: AdmittedKey;
}

/**
 * `token_use` and `client_id`/`aud`, by aws-jwt-verify's Cognito rules (R24, R25): the same
 * assertions, with the same error classes, that its `validateCognitoJwtFields` makes for
 * these two options, imported from `aws-jwt-verify/assert` so that a bundle does not carry
 * its whole verifier for them.
 */
function checkCognitoClaims(payload: Record<string, unknown>, pool: Pool): void {
  try {
    assertStringArrayContainsString(
      'Token use',
      payload.token_use,
      ['id', 'access'],
      CognitoJwtInvalidTokenUseError,
    );
    if (pool.tokenUse !== null) {
      assertStringEquals(
        'Token use',
        payload.token_use,
        pool.tokenUse,
        CognitoJwtInvalidTokenUseError,
      );
    }
    if (pool.clientId !== null) {
      const isId = payload.token_use === 'id';
      assertStringArrayContainsString(
        isId ? 'Client ID ("audience")' : 'Client ID',
        isId ? payload.aud : payload.client_id,
        pool.clientId,
        CognitoJwtInvalidClientIdError,
      );
    }
  } catch (err) {
    if (err instanceof CognitoJwtInvalidTokenUseError) throw refusal('TOKEN_USE');
    if (err instanceof CognitoJwtInvalidClientIdError) throw refusal('CLIENT_ID');
    throw new AuthError('CLAIM_TYPE', { cause: err });
  }
}

/** At most this many header segments are remembered per verifier (see `knownKids`). */
const KNOWN_HEADERS_MAX = 64;

/** The strictly parsed payload with its claim types checked: `MALFORMED` or `CLAIM_TYPE`. */
function parseClaims(text: string): Record<string, unknown> {
  let payload: Record<string, unknown>;
  try {
    payload = parseStrictJsonObject(text);
  } catch (err) {
    throw new AuthError('MALFORMED', { cause: err });
  }
  checkClaimTypes(payload);
  return payload;
}

function isUnavailable(err: unknown): boolean {
  return isAuthError(err) && err.code === 'JWKS_UNAVAILABLE';
}

/**
 * The pipeline of one configuration: verifies a token that is not in the token cache. Returns
 * synchronously when the key is held (the common case: no promise per verification).
 */
export function createPipeline(
  config: VerifierConfig,
  jwksCache: JwksCache,
): (token: string) => Verified | Promise<Verified> {
  const { byIssuer, trusted, clock, timeRules, limits } = config;

  /**
   * The full pipeline, ordered so that refusing a token never costs more than accepting a
   * valid one of the same length. Before the signature, only steps every token pays and whose
   * cost the payload's shape cannot change: size, strict base64url and UTF-8 decoding, the
   * header (alg first), and a scan for a configured issuer. The pool it names and the kid
   * select the key; a key is only ever fetched from a configured pool's JWKS URI (attack
   * class 13). Then the signature; only a signed payload is parsed (strict JSON: members,
   * nesting and duplicates cost CPU that an anonymous sender must not be able to spend),
   * and its exact issuer must name the pool whose key verified it.
   */
  function verifyUncached(token: string): Verified | Promise<Verified> {
    let kid = '';
    const jws = splitCompactJws(
      token,
      limits,
      (header) => {
        kid = checkHeader(header);
      },
      (segment) => {
        const known = knownKids.get(segment);
        if (known === undefined) return false;
        kid = known;
        return true;
      },
    );
    if (!mayBeJsonObject(jws.payloadText)) {
      throw refusal('MALFORMED', 'payload is not a JSON object');
    }
    const candidates = issuersNamedIn(jws.payloadText);
    if (candidates.length === 0) throw refusal('ISSUER');
    const finish = (
      entry: IssuerEntry,
      key: AdmittedKey,
      parsed?: Record<string, unknown>,
    ): Verified | Promise<Verified> => {
      if (!verifyRs256(jws.signingInput, jws.signature, key)) {
        throw refusal('SIGNATURE_INVALID');
      }
      const payload = parsed ?? parseClaims(jws.payloadText);
      const named = typeof payload.iss === 'string' ? byIssuer.get(payload.iss) : undefined;
      if (named === undefined) throw refusal('ISSUER');
      if (named === entry) return accept(named, key, payload);
      // The scan picked another trusted issuer (its string appears elsewhere in the payload):
      // the signature must hold under the key from the JWKS of the issuer the token names,
      // never another form's (SECURITY.md R18).
      const own = jwksCache.peekKey(named.jwksUri, kid);
      const recheck = (ownKey: AdmittedKey): Verified => {
        if (ownKey !== key && !verifyRs256(jws.signingInput, jws.signature, ownKey)) {
          throw refusal('SIGNATURE_INVALID');
        }
        return accept(named, ownKey, payload);
      };
      return own !== undefined ? recheck(own) : jwksCache.getKey(named.jwksUri, kid).then(recheck);
    };
    const accept = (
      entry: IssuerEntry,
      key: AdmittedKey,
      payload: Record<string, unknown>,
    ): Verified => {
      const { pool, jwksUri } = entry;
      checkCognitoClaims(payload, pool);
      checkTimes(payload, clock() / 1000, timeRules);
      rememberHeader(token, kid);
      const claims = deepFreeze(payload) as unknown as AccessTokenClaims | IdTokenClaims;
      return { result: toAuthResult(claims, pool.userPoolId), jwksUri, kid, key };
    };
    // The common case stays synchronous: no promise per verification when the key is held.
    for (const entry of candidates) {
      const held = jwksCache.peekKey(entry.jwksUri, kid);
      if (held !== undefined) return finish(entry, held);
    }
    if (candidates.some((entry) => jwksCache.wouldFetch(entry.jwksUri, kid))) {
      // The token would cause I/O: its exact issuer comes first, so it can only ever make us
      // fetch the keys of the issuer it names (attack class 13). At most one fetch per cooldown
      // (plus the requests that join it) pays this parse before the signature.
      const payload = parseClaims(jws.payloadText);
      const named = typeof payload.iss === 'string' ? byIssuer.get(payload.iss) : undefined;
      if (named === undefined) throw refusal('ISSUER');
      return jwksCache.getKey(named.jwksUri, kid).then((key) => finish(named, key, payload));
    }
    // No I/O: the cache answers (keys kept through an outage, KEY_NOT_FOUND, or retry later).
    return fetchKey(candidates, kid).then(({ entry, key }) => finish(entry, key));
  }

  /**
   * Header segments of accepted tokens and the kid `checkHeader` read from them: a pool signs
   * every token with one of a few keys, so its tokens share a handful of header segments, and
   * decoding, parsing and checking the same header again costs about 2 µs a verification. Only
   * accepted tokens add one (a forged header cannot push the real ones out), at most
   * {@link KNOWN_HEADERS_MAX}; the kid a segment gives never changes, so entries never expire.
   */
  const knownKids = new Map<string, string>();

  function rememberHeader(token: string, kid: string): void {
    if (knownKids.size >= KNOWN_HEADERS_MAX) return;
    const segment = token.slice(0, token.indexOf('.'));
    if (!knownKids.has(segment)) knownKids.set(segment, kid);
  }

  /**
   * The trusted issuers that appear in the payload text as a JSON string, in configuration
   * order. A hint, not a decision (the exact `iss` is compared once the payload is signed and
   * parsed); a payload naming no trusted issuer is refused unparsed. The issuer must be
   * spelled as Cognito writes it, without JSON escapes.
   */
  function issuersNamedIn(payloadText: string): IssuerEntry[] {
    if (trusted.length === 1) {
      return payloadText.includes(trusted[0]!.quoted) ? [trusted[0]!.entry] : [];
    }
    const found: IssuerEntry[] = [];
    for (const { quoted, entry } of trusted) {
      if (payloadText.includes(quoted)) found.push(entry);
    }
    return found;
  }

  /** The key for `kid` from the first candidate issuer that has it (fetching as the cache allows). */
  async function fetchKey(
    candidates: readonly IssuerEntry[],
    kid: string,
  ): Promise<{ entry: IssuerEntry; key: AdmittedKey }> {
    let firstError: unknown;
    for (const entry of candidates) {
      try {
        return { entry, key: await jwksCache.getKey(entry.jwksUri, kid) };
      } catch (err) {
        // An issuer whose JWKS cannot be reached right now may hold the key: that answer (retry
        // later) wins over "no such key" from another.
        if (
          firstError === undefined ||
          (isAuthError(err) && err.code === 'JWKS_UNAVAILABLE' && !isUnavailable(firstError))
        ) {
          firstError = err;
        }
      }
    }
    throw firstError;
  }

  return verifyUncached;
}
