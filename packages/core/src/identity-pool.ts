import { checkTimes, deepFreeze } from './claims.js';
import { splitCompactJws } from './compact-jws.js';
import { AuthError, type ErrorCode, isAuthError } from './errors.js';
import { checkHeader } from './header.js';
import { notifyHook } from './hooks.js';
import { isLoopbackHost, regionOfPoolId } from './issuer.js';
import { createJwksCacheFor, type JwksCacheOptions, type JwksEvent } from './jwks-cache.js';
import type { AdmittedKey } from './key-policy.js';
import { checkOptionKeys, optionKeys } from './option-keys.js';
import { checkRevoked } from './revocation-check.js';
import { verifyRs512 } from './signature.js';
import { mayBeJsonObject, parseStrictJsonObject } from './strict-json.js';
import {
  checkTokenCacheOption,
  createTokenCache,
  type TokenCache,
  type TokenCacheOptions,
} from './token-cache.js';
import { resolveClockAndLimits } from './verifier-options.js';

/**
 * Amazon Cognito identity pools (federated identities): the identity-pool OpenID tokens that
 * `GetOpenIdToken` and `GetOpenIdTokenForDeveloperIdentity` return, and the identity an
 * IAM-authorized request carries (see `iam-identity.ts`). Both come down to the same facts: an
 * identity id (`<region>:<uuid>`), its identity pool, authenticated or guest
 * (unauthenticated), and the login providers listed in `amr`.
 *
 * Sources: Amazon Cognito API reference, GetOpenIdToken
 * (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html) and
 * GetOpenIdTokenForDeveloperIdentity
 * (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdTokenForDeveloperIdentity.html);
 * Amazon Cognito developer guide, "Identity pools authentication flow"
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html).
 */

/** The `iss` of every identity-pool OpenID token. */
export const IDENTITY_POOL_ISSUER = 'https://cognito-identity.amazonaws.com';

/**
 * Where Amazon Cognito publishes the keys of identity-pool OpenID tokens, for most Regions
 * (developer guide, "Identity pools authentication flow", URL above: served with a
 * `Cache-Control` `max-age` of 30 days). AWS GovCloud (US-West), China (Beijing) and opt-in
 * Regions publish their own (`https://cognito-identity.<region>.amazonaws.com/.well-known/jwks_uri`
 * for opt-in Regions, says the same page, whose tokens name it through their `iss`); this
 * module pins the global issuer, so their tokens are refused (`ISSUER`).
 *
 * The keys, and so the tokens, are RS512. No AWS page states the algorithm: this rests on the
 * published JWKS (`"alg": "RS512"`, kids like `us-east-11`) and on decoded tokens (header
 * `typ: JWS`, `alg: RS512`) shown in public write-ups and code.
 */
export const IDENTITY_POOL_JWKS_URI = 'https://cognito-identity.amazonaws.com/.well-known/jwks_uri';

/** The claim naming the identity pool's ARN. */
export const IDENTITY_POOL_ARN_CLAIM = 'https://cognito-identity.amazonaws.com/identity-pool-arn';

/** The claims of an identity-pool OpenID token, as verified. */
export interface IdentityPoolTokenClaims {
  readonly iss: string;
  /** The identity id, `<region>:<uuid>`. */
  readonly sub: string;
  /** The identity pool id, `<region>:<uuid>`. */
  readonly aud: string;
  /** `["authenticated", <provider>, <provider>:<...>]`, or `["unauthenticated"]` for a guest. */
  readonly amr: readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly [IDENTITY_POOL_ARN_CLAIM]?: string;
  readonly [claim: string]: unknown;
}

/** A login through a Cognito user pool, as the identity pool recorded it. */
export interface UserPoolLogin {
  /** `<region>_<id>`. */
  readonly userPoolId: string;
  /** The user's `sub` in that pool. */
  readonly sub: string;
}

/**
 * A caller known to an identity pool: from a verified identity-pool OpenID token, or from the
 * Cognito fields of an IAM-authorized request. Frozen.
 */
export interface CognitoIdentity {
  readonly kind: 'cognito-identity';
  /** Where it was read: a verified OpenID token, or an IAM-authorized event. */
  readonly source: 'openid-token' | 'iam';
  /** `<region>:<uuid>`. */
  readonly identityId: string;
  /** `<region>:<uuid>`. */
  readonly identityPoolId: string;
  /** True for an unauthenticated (guest) identity. */
  readonly guest: boolean;
  /**
   * The login providers (`cognito-idp.<region>.amazonaws.com/<poolId>`, `accounts.google.com`,
   * `graph.facebook.com`, a developer provider...), without the per-user suffixes; empty for
   * a guest.
   */
  readonly providers: readonly string[];
  /** For a login through a user pool: the pool and the user's `sub`. */
  readonly userPool: UserPoolLogin | undefined;
  /** The token's claims (`source: 'openid-token'`), else undefined. */
  readonly claims: IdentityPoolTokenClaims | undefined;
  /** The token's `exp` (epoch seconds), else undefined. */
  readonly expiresAt: number | undefined;
  /** The IAM role session ARN of an IAM-authorized request, when the event gives it. */
  readonly userArn: string | undefined;
}

function claimType(detail: string): AuthError {
  return new AuthError('CLAIM_TYPE', { cause: detail });
}

/** `cognito-idp.<region>.amazonaws.com/<poolId>`, optionally `:CognitoSignIn:<sub>`. */
const USER_POOL_PROVIDER =
  /^cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([^/:,\s]+)(?::CognitoSignIn:([^:,\s]+))?$/;

/** The parts of an `amr` list (or a `cognitoAuthenticationProvider` string, split on commas). */
export interface ParsedLogins {
  readonly providers: readonly string[];
  readonly userPool: UserPoolLogin | undefined;
}

/**
 * Reads the provider entries of an identity (everything in `amr` after the authentication
 * type). A user-pool login names its pool twice,
 * `cognito-idp.<region>.amazonaws.com/<poolId>` and
 * `cognito-idp.<region>.amazonaws.com/<poolId>:CognitoSignIn:<sub>`: every user-pool entry
 * must name the same pool, in its own Region, and at most one `sub`, or the identity is
 * refused with `CLAIM_TYPE` (a provider string naming another pool is not Cognito's).
 */
export function parseLogins(entries: readonly string[]): ParsedLogins {
  const providers: string[] = [];
  let userPoolId: string | undefined;
  let sub: string | undefined;
  for (const entry of entries) {
    if (entry.length === 0 || entry.length > 2048) throw claimType('amr entry');
    if (entry.startsWith('cognito-idp.')) {
      const match = USER_POOL_PROVIDER.exec(entry);
      if (match === null) throw claimType('user pool provider');
      const [, region, poolId, entrySub] = match;
      if (regionOfPoolId(poolId) !== region) throw claimType('user pool provider region');
      if (userPoolId !== undefined && userPoolId !== poolId) {
        throw claimType('user pool provider names two pools');
      }
      userPoolId = poolId;
      if (entrySub !== undefined) {
        if (sub !== undefined && sub !== entrySub) throw claimType('two user pool subs');
        sub = entrySub;
      }
      const provider = `cognito-idp.${region}.amazonaws.com/${poolId}`;
      if (!providers.includes(provider)) providers.push(provider);
      continue;
    }
    // Other providers: `<provider>` and `<provider>:<user id or more>`; the provider is the
    // part before the first colon.
    const colon = entry.indexOf(':');
    const provider = colon < 0 ? entry : entry.slice(0, colon);
    if (provider.length === 0) throw claimType('amr entry');
    if (!providers.includes(provider)) providers.push(provider);
  }
  return {
    providers: Object.freeze(providers),
    userPool:
      userPoolId !== undefined && sub !== undefined
        ? Object.freeze({ userPoolId, sub })
        : undefined,
  };
}

/**
 * Splits an `amr` list into the authentication type and the login providers. Exactly one of
 * `authenticated` and `unauthenticated` must be present; a guest has no other entry.
 */
export function parseAmr(amr: unknown): { guest: boolean } & ParsedLogins {
  if (!Array.isArray(amr) || amr.length === 0 || !amr.every((a) => typeof a === 'string')) {
    throw claimType('amr');
  }
  const authenticated = amr.filter((a) => a === 'authenticated').length;
  const unauthenticated = amr.filter((a) => a === 'unauthenticated').length;
  if (authenticated + unauthenticated !== 1) throw claimType('amr authentication type');
  const rest = amr.filter((a) => a !== 'authenticated' && a !== 'unauthenticated');
  if (unauthenticated === 1) {
    if (rest.length > 0) throw claimType('guest amr with providers');
    return { guest: true, providers: Object.freeze([]), userPool: undefined };
  }
  return { guest: false, ...parseLogins(rest) };
}

/** `<region>:<uuid>`-like: what Cognito uses for identity and identity pool ids. */
const IDENTITY_POOL_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;

/** Checks a configured list of identity pool ids; throws a `TypeError`. */
export function checkIdentityPoolIds(value: unknown, name: string): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((id) => typeof id === 'string' && IDENTITY_POOL_ID.test(id))
  ) {
    throw new TypeError(
      `cognito-guard: ${name} must be an identity pool id like "us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab", or a non-empty list of them`,
    );
  }
  return Object.freeze([...list]);
}

/** Checks an optional list of user pool ids; throws a `TypeError`. */
export function checkUserPoolIds(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((id) => regionOfPoolId(id) !== undefined)
  ) {
    throw new TypeError(
      `cognito-guard: ${name} must be a non-empty list of user pool ids like "us-east-1_Example"`,
    );
  }
  return Object.freeze([...value]);
}

/** Options of {@link createIdentityPoolVerifier}. */
export interface IdentityPoolVerifierOptions {
  /** The identity pool ids (`aud`) accepted. */
  readonly identityPoolId: string | readonly string[];
  /**
   * Accept guests (`amr: ["unauthenticated"]`)? Required, so it is never an accident; a guest
   * token is refused with `TOKEN_USE` when false.
   */
  readonly allowGuests: boolean;
  /**
   * When given, an identity that logged in through a user pool must name one of these pools
   * (else `ISSUER`). Logins through other providers are not affected.
   */
  readonly userPoolIds?: readonly string[] | undefined;
  /**
   * Where to fetch the keys instead of Amazon Cognito (tests, mirrors): an `https:` URL, or
   * `http:` on a loopback host. The issuer stays `https://cognito-identity.amazonaws.com`.
   */
  readonly jwksUri?: string | undefined;
  /** Leeway for `exp`, `nbf` and `iat`, 0 to 300 seconds. Default 5. */
  readonly clockToleranceSeconds?: number | undefined;
  /**
   * Largest `exp - iat` accepted. Default 86400: `GetOpenIdToken` tokens last 10 minutes;
   * `GetOpenIdTokenForDeveloperIdentity` tokens 15 minutes unless `TokenDuration` asks for
   * more, at most 24 hours (API references above).
   */
  readonly maxTokenLifetimeSeconds?: number | undefined;
  /** Longest token accepted, checked before decoding. Default 16384. */
  readonly maxTokenBytes?: number | undefined;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /** JWKS cache options (this verifier keeps its own RS512 cache, never shared). */
  readonly jwks?: Omit<JwksCacheOptions, 'clock' | 'onEvent'> | undefined;
  /**
   * Verified-token cache options (`{ maxEntries, maxBytes }`, as `createVerifier` takes them),
   * or `false` to verify every token every time. On by default: a client presents the same
   * identity-pool token on every request until it expires. An entry is matched on the exact
   * token string, lives no longer than the token's `exp` (plus `clockToleranceSeconds`), has
   * its time claims and `isRevoked` checked again on every hit, and is used only while the
   * JWKS still holds, fresh, the very key that verified it.
   */
  readonly cache?: TokenCacheOptions | false | undefined;
  /**
   * Runs on every verify, cache hits included, after the token is verified; `true` rejects
   * with `REVOKED`. It receives the token's verified claims ({@link IdentityPoolTokenClaims},
   * deeply frozen): `sub` is the identity id (`<region>:<uuid>`), `aud` the identity pool,
   * `amr` the login, `iat` and `exp`; identity-pool tokens carry no `jti` or `origin_jti`.
   * A synchronous answer keeps the cache-hit path synchronous. A thrown `AuthError` keeps its
   * code (a revocation list throws `REVOCATION_UNAVAILABLE`); any other failure, thrown or
   * rejected, rejects with `REVOKED` (fail closed).
   */
  readonly isRevoked?:
    | ((claims: IdentityPoolTokenClaims) => boolean | Promise<boolean>)
    | undefined;
  /** Observability hook (never the token); exceptions it throws are ignored. */
  readonly onEvent?: ((event: IdentityPoolVerifierEvent) => void) | undefined;
}

/** What the identity-pool verifier reports through `onEvent`. Never the token. */
export type IdentityPoolVerifierEvent =
  | {
      readonly type: 'identity-verified';
      readonly identityPoolId: string;
      readonly guest: boolean;
      /** True when the outcome came from the verified-token cache. */
      readonly cached: boolean;
    }
  | { readonly type: 'identity-rejected'; readonly code: ErrorCode }
  | JwksEvent;

const IDENTITY_VERIFIER_KEYS = optionKeys<IdentityPoolVerifierOptions>({
  identityPoolId: true,
  allowGuests: true,
  userPoolIds: true,
  jwksUri: true,
  clockToleranceSeconds: true,
  maxTokenLifetimeSeconds: true,
  maxTokenBytes: true,
  clock: true,
  jwks: true,
  cache: true,
  isRevoked: true,
  onEvent: true,
});

/** A verified token as the token cache keeps it: the identity, and the key that verified it. */
interface VerifiedIdentity {
  readonly identity: CognitoIdentity;
  /** The same object as `identity.claims`, typed as present (what `isRevoked` receives). */
  readonly claims: IdentityPoolTokenClaims;
  readonly kid: string;
  readonly key: AdmittedKey;
}

/** Verifies identity-pool OpenID tokens. */
export interface IdentityPoolVerifier {
  /** Verifies `token`; rejects with an {@link AuthError} only. */
  verify(token: string): Promise<CognitoIdentity>;
  /** Fetches the JWKS now (warm-up). */
  hydrate(): Promise<void>;
  readonly identityPoolIds: readonly string[];
  readonly allowGuests: boolean;
}

function checkJwksUri(value: unknown): string {
  if (value === undefined) return IDENTITY_POOL_JWKS_URI;
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    throw new TypeError('cognito-guard: jwksUri must be a URL');
  }
  const ok =
    url.username === '' &&
    url.password === '' &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)));
  if (!ok) {
    throw new TypeError(
      'cognito-guard: jwksUri must be an https: URL, or http: on a loopback host, without credentials',
    );
  }
  return url.href;
}

const QUOTED_ISSUER = JSON.stringify(IDENTITY_POOL_ISSUER);

/**
 * Creates a verifier for identity-pool OpenID tokens (`GetOpenIdToken`,
 * `GetOpenIdTokenForDeveloperIdentity`): `iss` exactly `https://cognito-identity.amazonaws.com`,
 * `alg` exactly `RS512` (this issuer's one algorithm; RS256, PS512 and anything else are
 * `ALG_NOT_ALLOWED`), `typ` `JWS` or `JWT`, keys from
 * `https://cognito-identity.amazonaws.com/.well-known/jwks_uri` under the same key policy as
 * user pools, `aud` one of the configured identity pools (else `CLIENT_ID`), and guests
 * refused with `TOKEN_USE` unless `allowGuests`. The same strict decoding as `createVerifier`,
 * and the same verified-token cache (`cache`, on by default) and revocation hook
 * (`isRevoked`, which receives the token's claims: `sub` is the identity id).
 *
 * @example
 * ```ts
 * const identities = createIdentityPoolVerifier({
 *   identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab',
 *   allowGuests: true,
 * });
 * const identity = await identities.verify(token);
 * if (identity.guest) console.log('guest', identity.identityId);
 * ```
 */
export function createIdentityPoolVerifier(
  options: IdentityPoolVerifierOptions,
): IdentityPoolVerifier {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: options must be an object');
  }
  checkOptionKeys(options, IDENTITY_VERIFIER_KEYS, 'identity pool verifier');
  const pools = checkIdentityPoolIds(options.identityPoolId, 'identityPoolId');
  if (typeof options.allowGuests !== 'boolean') {
    throw new TypeError('cognito-guard: allowGuests must be true or false (required)');
  }
  const allowGuests = options.allowGuests;
  const userPoolIds = checkUserPoolIds(options.userPoolIds, 'userPoolIds');
  const jwksUri = checkJwksUri(options.jwksUri);
  // Identity-pool tokens live up to 24 hours (GetOpenIdTokenForDeveloperIdentity).
  const { clock, timeRules, limits } = resolveClockAndLimits(options, 86_400);
  if (
    options.jwks !== undefined &&
    (typeof options.jwks !== 'object' || options.jwks === null || 'getKey' in options.jwks)
  ) {
    throw new TypeError(
      'cognito-guard: jwks takes cache options; the identity pool verifier keeps its own RS512 key cache',
    );
  }
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new TypeError('cognito-guard: onEvent must be a function');
  }
  const isRevoked = options.isRevoked;
  if (isRevoked !== undefined && typeof isRevoked !== 'function') {
    throw new TypeError('cognito-guard: isRevoked must be a function');
  }
  checkTokenCacheOption(options.cache);
  const emit = (event: IdentityPoolVerifierEvent): void => notifyHook(onEvent, event);
  const cache = createJwksCacheFor('RS512', {
    ...options.jwks,
    clock,
    ...(onEvent === undefined ? {} : { onEvent: emit }),
  });
  const tokenCache: TokenCache<VerifiedIdentity> | undefined =
    options.cache === false
      ? undefined
      : createTokenCache<VerifiedIdentity>(options.cache ?? {}, clock);
  const accepted = new Set(pools);

  /** The full verification of a token the cache does not vouch for. */
  async function verifyFully(token: string): Promise<VerifiedIdentity> {
    let kid = '';
    // The header first (alg before anything): RS512 is this issuer's only algorithm.
    const jws = splitCompactJws(token, limits, (header) => {
      kid = checkHeader(header, 'RS512', ['JWS', 'JWT']);
    });
    if (!mayBeJsonObject(jws.payloadText)) {
      throw new AuthError('MALFORMED', { cause: 'payload is not a JSON object' });
    }
    // A hint before any I/O: a payload that does not name this issuer never fetches keys.
    if (!jws.payloadText.includes(QUOTED_ISSUER)) throw new AuthError('ISSUER');
    const key = cache.peekKey(jwksUri, kid) ?? (await cache.getKey(jwksUri, kid));
    if (!verifyRs512(jws.signingInput, jws.signature, key)) {
      throw new AuthError('SIGNATURE_INVALID');
    }
    let payload: Record<string, unknown>;
    try {
      payload = parseStrictJsonObject(jws.payloadText);
    } catch (err) {
      throw new AuthError('MALFORMED', { cause: err });
    }
    if (payload.iss !== IDENTITY_POOL_ISSUER) throw new AuthError('ISSUER');
    checkIdentityClaimTypes(payload);
    if (!accepted.has(payload.aud as string)) throw new AuthError('CLIENT_ID');
    checkTimes(payload, clock() / 1000, timeRules);
    const parsed = parseAmr(payload.amr);
    if (parsed.guest && !allowGuests) throw new AuthError('TOKEN_USE', { cause: 'guest' });
    if (
      userPoolIds !== undefined &&
      parsed.userPool !== undefined &&
      !userPoolIds.includes(parsed.userPool.userPoolId)
    ) {
      throw new AuthError('ISSUER', { cause: 'user pool login from another pool' });
    }
    const claims = deepFreeze(payload) as unknown as IdentityPoolTokenClaims;
    const identity: CognitoIdentity = Object.freeze({
      kind: 'cognito-identity',
      source: 'openid-token',
      identityId: claims.sub,
      identityPoolId: claims.aud,
      guest: parsed.guest,
      providers: parsed.providers,
      userPool: parsed.userPool,
      claims,
      expiresAt: claims.exp,
      userArn: undefined,
    });
    return { identity, claims, kid, key };
  }

  function report(identity: CognitoIdentity, cached: boolean): CognitoIdentity {
    emit({
      type: 'identity-verified',
      identityPoolId: identity.identityPoolId,
      guest: identity.guest,
      cached,
    });
    return identity;
  }

  /** Runs the revocation hook on a fresh outcome, then caches and reports it. */
  function admit(
    token: string,
    verified: VerifiedIdentity,
  ): CognitoIdentity | Promise<CognitoIdentity> {
    const store = (): CognitoIdentity => {
      tokenCache?.set(
        token,
        verified,
        (verified.claims.exp + timeRules.toleranceSeconds) * 1000,
        token.length,
      );
      return report(verified.identity, false);
    };
    const pending = checkRevoked(isRevoked, verified);
    return pending === undefined ? store() : pending.then(store);
  }

  /**
   * A cache hit, checked again: the key that verified it must still be the one the JWKS cache
   * holds, fresh (a refresh that drops the key, or puts another key under the same kid, sends
   * the token through full verification again; an unchanged key keeps its object), the time
   * claims are checked against the clock now, and `isRevoked` runs. `undefined` when the
   * cache does not vouch for the token.
   */
  function fromCache(token: string): CognitoIdentity | Promise<CognitoIdentity> | undefined {
    const hit = tokenCache?.get(token);
    if (hit === undefined || cache.peekKey(jwksUri, hit.kid) !== hit.key) return undefined;
    const drop = (err: unknown): never => {
      tokenCache!.delete(token);
      throw err;
    };
    let pending: void | Promise<void>;
    try {
      checkTimes(hit.claims, clock() / 1000, timeRules);
      pending = checkRevoked(isRevoked, hit);
    } catch (err) {
      return drop(err);
    }
    if (pending === undefined) return report(hit.identity, true);
    return pending.then(() => report(hit.identity, true), drop);
  }

  function verifyOrThrow(token: string): CognitoIdentity | Promise<CognitoIdentity> {
    if (typeof token !== 'string' || token.length === 0) throw new AuthError('MALFORMED');
    if (token.length > limits.maxTokenBytes) throw new AuthError('TOO_LARGE');
    return fromCache(token) ?? verifyFully(token).then((verified) => admit(token, verified));
  }

  /** Reports a refusal and returns it as an AuthError (anything else is a bug: MALFORMED). */
  function reject(err: unknown): AuthError {
    const error = isAuthError(err) ? err : new AuthError('MALFORMED', { cause: err });
    emit({ type: 'identity-rejected', code: error.code });
    return error;
  }

  function rejected(err: unknown): never {
    throw reject(err);
  }

  return Object.freeze({
    identityPoolIds: pools,
    allowGuests,
    // A plain function, not `async`: a cache hit settles with one promise (the per-request
    // path of the adapters).
    verify(token: string): Promise<CognitoIdentity> {
      try {
        const outcome = verifyOrThrow(token);
        return outcome instanceof Promise ? outcome.catch(rejected) : Promise.resolve(outcome);
      } catch (err) {
        return Promise.reject(reject(err));
      }
    },
    hydrate: () => cache.refresh(jwksUri),
  });
}

/** Strict claim types of an identity-pool OpenID token (the same rules as user-pool tokens). */
function checkIdentityClaimTypes(payload: Record<string, unknown>): void {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw claimType('sub');
  // Cognito writes one identity pool id; an array audience is not a token it made.
  if (typeof payload.aud !== 'string') throw claimType('aud');
  for (const name of ['exp', 'iat'] as const) {
    const value = payload[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw claimType(name);
  }
  if (
    payload.nbf !== undefined &&
    (typeof payload.nbf !== 'number' || !Number.isFinite(payload.nbf))
  ) {
    throw claimType('nbf');
  }
  const arn = payload[IDENTITY_POOL_ARN_CLAIM];
  if (arn !== undefined && typeof arn !== 'string') throw claimType('identity-pool-arn');
  // `amr` is checked by parseAmr: a string instead of a list is CLAIM_TYPE.
  if (!Array.isArray(payload.amr)) throw claimType('amr');
}
