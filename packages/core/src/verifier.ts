import { assertStringArrayContainsString, assertStringEquals } from 'aws-jwt-verify/assert';
import { CognitoJwtVerifier } from 'aws-jwt-verify/cognito-verifier';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
} from 'aws-jwt-verify/error';
import {
  type AccessTokenClaims,
  type ClaimsFor,
  checkClaimTypes,
  checkTimes,
  deepFreeze,
  type IdTokenClaims,
  type TimeRules,
  type TokenUse,
} from './claims.js';
import { type JwsLimits, splitCompactJws } from './compact-jws.js';
import { AuthError, type ErrorCode, isAuthError } from './errors.js';
import type { FederatedIdentity, RoleClaims } from './federation.js';
import { checkHeader } from './header.js';
import { notifyHook } from './hooks.js';
import {
  type EmulatorOptions,
  type IssuerForm,
  resolveIssuers,
  type TrustedIssuer,
} from './issuer.js';
import {
  createJwksCache,
  isJwksCache,
  type JwksCache,
  type JwksCacheOptions,
  type JwksEvent,
} from './jwks-cache.js';
import type { AdmittedKey } from './key-policy.js';
import { checkOptionKeys, optionKeys } from './option-keys.js';
import { toAuthResult } from './result.js';
import { verifyRs256 } from './signature.js';
import { mayBeJsonObject, parseStrictJsonObject } from './strict-json.js';
import { createTokenCache, type TokenCache, type TokenCacheOptions } from './token-cache.js';

/** One user pool a verifier trusts, and which of its tokens it accepts. */
export interface UserPoolConfig<T extends TokenUse | null = TokenUse | null> {
  /** `<region>_<id>`, e.g. `us-east-1_Example`. */
  readonly userPoolId: string;
  /** Allowed app client ids; `null` explicitly skips the check. Required, so it is never forgotten. */
  readonly clientId: string | readonly string[] | null;
  /** `'access'`, `'id'`, or `null` to accept either. Required, so it is never forgotten. */
  readonly tokenUse: T;
  /**
   * Which issuer forms of this pool are trusted: `'original'`
   * (`https://cognito-idp.<region>.amazonaws.com/<poolId>`), `'updated'`
   * (`https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>`) or `'either'`. Default
   * `'either'`, so a pool whose issuer type is switched in Cognito keeps working; `'original'`
   * when `jwksUri` is a string.
   */
  readonly issuer?: IssuerForm | undefined;
  /**
   * Regions this pool is replicated to (multi-Region replication) while on the original issuer
   * type: tokens from those replicas name `https://cognito-idp.<replicaRegion>.amazonaws.com/<poolId>`.
   */
  readonly replicaRegions?: readonly string[] | undefined;
  /**
   * Where to fetch keys instead of Cognito (tests, mirrors): a URL for the one issuer form
   * trusted, or a function giving each trusted issuer its own URL.
   */
  readonly jwksUri?: string | ((issuer: string) => string) | undefined;
  /**
   * A local emulator (cognito-local, LocalStack) instead of Amazon Cognito: its issuer must be
   * on a loopback host or one listed in `allowedHosts`. Reported through `onEvent` at creation.
   */
  readonly emulator?: EmulatorOptions | undefined;
}

/** The keys of {@link UserPoolConfig}: anything else in a pool is refused. */
const USER_POOL_KEYS = optionKeys<UserPoolConfig>({
  userPoolId: true,
  clientId: true,
  tokenUse: true,
  jwksUri: true,
  issuer: true,
  replicaRegions: true,
  emulator: true,
});

/** What the verifier reports through `onEvent`. Never the token. */
export type VerifierEvent =
  | {
      readonly type: 'verified';
      readonly userPoolId: string;
      readonly tokenUse: TokenUse;
      readonly sub: string;
      readonly cached: boolean;
    }
  | { readonly type: 'rejected'; readonly code: ErrorCode; readonly userPoolId: string | undefined }
  | { readonly type: 'cache-hit'; readonly userPoolId: string }
  | {
      /** A warning, at creation: this pool trusts a local emulator, not Amazon Cognito. */
      readonly type: 'emulator-issuer';
      readonly userPoolId: string;
      readonly issuer: string;
      readonly jwksUri: string;
    }
  | JwksEvent;

/** Options every verifier takes, whether for one pool or several. */
export interface VerifierCommonOptions {
  /** Leeway for `exp`, `nbf` and `iat`, 0 to 300 seconds. Default 5. */
  readonly clockToleranceSeconds?: number;
  /** Largest `exp - iat` accepted. Default 86400 (Cognito's maximum token validity). */
  readonly maxTokenLifetimeSeconds?: number;
  /** Longest token accepted, checked before decoding. Default 16384. */
  readonly maxTokenBytes?: number;
  /** Epoch milliseconds; drives claim checks, cache expiry and JWKS cooldowns. Default `Date.now`. */
  readonly clock?: () => number;
  /** JWKS cache options, or a cache from `createJwksCache` shared between verifiers. */
  readonly jwks?: JwksCacheOptions | JwksCache;
  /** Verified-token cache options, or `false` to verify every token every time. */
  readonly cache?: TokenCacheOptions | false;
  /**
   * Runs on every verify, cache hits included; `true` rejects with `REVOKED`. A synchronous
   * answer keeps the cache-hit path synchronous. A thrown `AuthError` keeps its code (a
   * revocation list throws `REVOCATION_UNAVAILABLE`); any other failure rejects with `REVOKED`.
   */
  readonly isRevoked?: (claims: AccessTokenClaims | IdTokenClaims) => boolean | Promise<boolean>;
  /** Observability hook. Exceptions it throws are ignored. */
  readonly onEvent?: (event: VerifierEvent) => void;
}

/** The keys of {@link VerifierCommonOptions}: anything else is refused. */
const COMMON_KEYS = optionKeys<VerifierCommonOptions>({
  clockToleranceSeconds: true,
  maxTokenLifetimeSeconds: true,
  maxTokenBytes: true,
  clock: true,
  jwks: true,
  cache: true,
  isRevoked: true,
  onEvent: true,
});

/**
 * Every key `createVerifier` reads, for one pool or several: what an adapter that mixes its
 * own options with the verifier's (Express, Fastify) accepts besides its own.
 *
 * @example
 * ```ts
 * const known = new Set([...VERIFIER_OPTION_KEYS, ...ADAPTER_KEYS]);
 * ```
 */
export const VERIFIER_OPTION_KEYS: ReadonlySet<string> = new Set([
  ...COMMON_KEYS,
  ...USER_POOL_KEYS,
  'userPools',
]);

/** With `userPools`, the top level takes the common options (and `userPoolId`, refused below). */
const MULTI_POOL_KEYS: ReadonlySet<string> = new Set([...COMMON_KEYS, 'userPools', 'userPoolId']);

/** Options for a verifier of one user pool. */
export type SinglePoolVerifierOptions<T extends TokenUse | null> = VerifierCommonOptions &
  UserPoolConfig<T> & { readonly userPools?: never };

/** Options for a verifier of several user pools. */
export type MultiPoolVerifierOptions<T extends TokenUse | null> = VerifierCommonOptions & {
  readonly userPools: readonly UserPoolConfig<T>[];
  readonly userPoolId?: never;
};

/** Options of {@link createVerifier}. */
export type VerifierOptions<T extends TokenUse | null> =
  | SinglePoolVerifierOptions<T>
  | MultiPoolVerifierOptions<T>;

/** A verified token, as every adapter hands it to the application. Frozen. */
export interface AuthResult<
  C extends AccessTokenClaims | IdTokenClaims = AccessTokenClaims | IdTokenClaims,
> {
  /** The verified claims: a deeply frozen object of own properties. */
  readonly claims: C;
  readonly tokenUse: C['token_use'];
  readonly userPoolId: string;
  /** `client_id` of an access token, `aud` of an ID token. */
  readonly clientId: string;
  readonly sub: string;
  /** `username` (access) or `cognito:username` (id); undefined for machine tokens. */
  readonly username: string | undefined;
  /** The `scope` claim, split on spaces. */
  readonly scopes: readonly string[];
  /** `cognito:groups`, or empty. */
  readonly groups: readonly string[];
  /** True for a client-credentials token: an access token with no user behind it. */
  readonly isMachine: boolean;
  /** The `exp` claim: epoch seconds. */
  readonly expiresAt: number;
  /** `identities` of a federated user (Google, SAML...), checked and converted; empty otherwise. */
  readonly federation: readonly FederatedIdentity[];
  /** `cognito:roles` and `cognito:preferred_role`, checked; empty otherwise. */
  readonly roles: RoleClaims;
}

/** A configured pool, as the verifier resolved it. */
export interface ResolvedUserPool {
  readonly userPoolId: string;
  /** The pool's main issuer: the first of `issuers`. */
  readonly issuer: string;
  /** The JWKS URI of `issuer`. */
  readonly jwksUri: string;
  /** Every issuer the pool trusts, each with the one JWKS URI its tokens are verified with. */
  readonly issuers: readonly TrustedIssuer[];
}

/** Verifies Cognito tokens for the pools it was created for. */
export interface Verifier<T extends TokenUse | null = TokenUse | null> {
  /**
   * Verifies `token` and returns the frozen result, or rejects with an {@link AuthError}.
   * Never rejects with anything else.
   */
  verify(token: string): Promise<AuthResult<ClaimsFor<T>>>;
  /**
   * Fetches the JWKS of every issuer the configuration says is in use now (warm-up); rejects
   * with the first JWKS error. With `issuer: 'either'` that is the original form: the updated
   * form is fetched when a token first names it.
   */
  hydrate(): Promise<void>;
  /** The pools this verifier trusts. */
  readonly userPools: readonly ResolvedUserPool[];
}

/** The clock each verifier of `createVerifier` was configured with, for {@link verifierClock}. */
const CLOCKS = new WeakMap<object, () => number>();

/**
 * The clock (epoch milliseconds) a verifier was created with, for an adapter that reports a
 * token's remaining lifetime (an authorizer's TTL); `Date.now` for a verifier that did not
 * come from `createVerifier` (a test double).
 *
 * @example
 * ```ts
 * const ttl = Math.floor(auth.expiresAt - verifierClock(verifier)() / 1000);
 * ```
 */
export function verifierClock(verifier: Verifier): () => number {
  return CLOCKS.get(verifier) ?? Date.now;
}

/** A verification outcome and the key that made it, as the token cache keeps it. */
interface Verified {
  readonly result: AuthResult;
  readonly jwksUri: string;
  readonly kid: string;
  readonly key: AdmittedKey;
}

interface Pool extends ResolvedUserPool {
  readonly clientId: string | string[] | null;
  readonly tokenUse: TokenUse | null;
}

/** What an exact `iss` leads to: the pool, and the one JWKS its keys may come from. */
interface IssuerEntry {
  readonly pool: Pool;
  readonly jwksUri: string;
}

function configError(message: string): TypeError {
  return new TypeError(`cognito-guard: ${message}`);
}

function checkNumber(
  name: string,
  value: number | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw configError(`${name} must be a number from ${min} to ${max}`);
  }
  return value;
}

function resolvePool(config: UserPoolConfig, index: number | undefined): Pool {
  const where = index === undefined ? '' : ` (userPools[${index}])`;
  if (typeof config !== 'object' || config === null) {
    throw configError(`a user pool must be an object${where}`);
  }
  if (index !== undefined) checkOptionKeys(config, USER_POOL_KEYS, `userPools[${index}]`);
  // Every issuer this pool trusts, each bound to its own JWKS URI (R23, R18).
  const issuers = resolveIssuers(config, where);
  if (config.tokenUse !== 'access' && config.tokenUse !== 'id' && config.tokenUse !== null) {
    throw configError(`tokenUse must be "access", "id" or null (either)${where}`);
  }
  const ids = config.clientId;
  const validIds =
    ids === null ||
    (typeof ids === 'string' && ids.length > 0) ||
    (Array.isArray(ids) &&
      ids.length > 0 &&
      ids.every((id) => typeof id === 'string' && id.length > 0));
  if (!validIds) {
    throw configError(`clientId must be a client id, a non-empty list of them, or null${where}`);
  }
  return {
    userPoolId: config.userPoolId,
    issuer: issuers[0]!.issuer,
    jwksUri: issuers[0]!.jwksUri,
    issuers: Object.freeze(issuers.map((i) => Object.freeze(i))),
    clientId: ids === null || typeof ids === 'string' ? ids : [...ids],
    tokenUse: config.tokenUse,
  };
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
    if (err instanceof CognitoJwtInvalidTokenUseError) throw new AuthError('TOKEN_USE');
    if (err instanceof CognitoJwtInvalidClientIdError) throw new AuthError('CLIENT_ID');
    throw new AuthError('CLAIM_TYPE', { cause: err });
  }
}

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
 * Creates a verifier for one or several Cognito user pools.
 *
 * `tokenUse` and `clientId` are required for every pool; pass `null` to explicitly skip a
 * check. Configuration errors throw a `TypeError` here, never at request time.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   userPoolId: 'us-east-1_Example',
 *   clientId: 'app-client-id',
 *   tokenUse: 'access',
 * });
 * const auth = await verifier.verify(token);
 * console.log(auth.sub, auth.scopes);
 * ```
 */
export function createVerifier<T extends TokenUse | null>(
  options: VerifierOptions<T>,
): Verifier<T> {
  if (typeof options !== 'object' || options === null) {
    throw configError('options must be an object');
  }
  if (options.userPools !== undefined) {
    checkOptionKeys(options, MULTI_POOL_KEYS, 'verifier', {
      keys: USER_POOL_KEYS,
      why: 'goes in each entry of userPools, not next to it',
    });
  } else {
    checkOptionKeys(options, VERIFIER_OPTION_KEYS, 'verifier');
  }
  let pools: Pool[];
  if (options.userPools !== undefined) {
    if (!Array.isArray(options.userPools) || options.userPools.length === 0) {
      throw configError('userPools must be a non-empty array');
    }
    if ('userPoolId' in options && options.userPoolId !== undefined) {
      throw configError('give either userPoolId or userPools, not both');
    }
    pools = options.userPools.map((p, i) => resolvePool(p, i));
  } else {
    pools = [resolvePool(options as UserPoolConfig, undefined)];
  }

  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') {
    throw configError('clock must be a function returning epoch milliseconds');
  }
  const timeRules: TimeRules = {
    toleranceSeconds: checkNumber(
      'clockToleranceSeconds',
      options.clockToleranceSeconds,
      0,
      300,
      5,
    ),
    maxLifetimeSeconds: checkNumber(
      'maxTokenLifetimeSeconds',
      options.maxTokenLifetimeSeconds,
      60,
      31_536_000,
      86_400,
    ),
  };
  const limits: JwsLimits = {
    maxTokenBytes: checkNumber('maxTokenBytes', options.maxTokenBytes, 1024, 1_048_576, 16_384),
    maxHeaderBytes: 1024,
  };
  if (options.isRevoked !== undefined && typeof options.isRevoked !== 'function') {
    throw configError('isRevoked must be a function');
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw configError('onEvent must be a function');
  }
  const onEvent = options.onEvent;
  const isRevoked = options.isRevoked;
  const emit = (event: VerifierEvent): void => notifyHook(onEvent, event);

  const jwksCache = isJwksCache(options.jwks)
    ? options.jwks
    : createJwksCache({
        clock,
        ...options.jwks,
        ...(onEvent === undefined ? {} : { onEvent: emit }),
      });
  const tokenCache: TokenCache<Verified> | undefined =
    options.cache === false ? undefined : createTokenCache<Verified>(options.cache ?? {}, clock);

  // Exact `iss` -> pool and JWKS URI: the only way from a token to a key (R23, R18).
  const byIssuer = new Map<string, IssuerEntry>();
  const poolIds = new Set<string>();
  for (const pool of pools) {
    if (poolIds.has(pool.userPoolId)) {
      // Also an emulator pool next to a real one with the same id: one id, one trust decision.
      throw configError(`user pool ${pool.userPoolId} is configured twice`);
    }
    poolIds.add(pool.userPoolId);
    for (const { issuer, jwksUri } of pool.issuers) {
      if (byIssuer.has(issuer)) throw configError(`issuer ${issuer} is configured twice`);
      byIssuer.set(issuer, { pool, jwksUri });
    }
  }
  for (const pool of pools) {
    for (const trusted of pool.issuers) {
      if (trusted.kind === 'emulator') {
        emit({
          type: 'emulator-issuer',
          userPoolId: pool.userPoolId,
          issuer: trusted.issuer,
          jwksUri: trusted.jwksUri,
        });
      }
    }
  }
  // Every trusted issuer with what it looks like inside the payload's JSON text (see
  // `issuersNamedIn`).
  const trusted = [...byIssuer].map(([issuer, entry]) => ({
    quoted: JSON.stringify(issuer),
    entry,
  }));

  /**
   * Runs `isRevoked`. A synchronous answer (an in-memory list) is checked synchronously, so a
   * cache hit stays free of promises; a promise is awaited. An `AuthError` thrown by the hook
   * (`REVOCATION_UNAVAILABLE` from a list that cannot vouch for itself) keeps its code;
   * anything else fails closed as `REVOKED`.
   */
  function checkRevoked(result: AuthResult): void | Promise<void> {
    if (isRevoked === undefined) return;
    const fail = (err: unknown): never => {
      throw isAuthError(err) ? err : new AuthError('REVOKED', { cause: err });
    };
    const decide = (revoked: unknown): void => {
      if (revoked === true) throw new AuthError('REVOKED');
    };
    let answer: boolean | Promise<boolean>;
    try {
      answer = isRevoked(result.claims);
    } catch (err) {
      return fail(err);
    }
    if (answer instanceof Promise) return answer.then(decide, fail);
    decide(answer);
  }

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
    const jws = splitCompactJws(token, limits, (header) => {
      kid = checkHeader(header);
    });
    if (!mayBeJsonObject(jws.payloadText)) {
      throw new AuthError('MALFORMED', { cause: 'payload is not a JSON object' });
    }
    const candidates = issuersNamedIn(jws.payloadText);
    if (candidates.length === 0) throw new AuthError('ISSUER');
    const finish = (
      entry: IssuerEntry,
      key: AdmittedKey,
      parsed?: Record<string, unknown>,
    ): Verified | Promise<Verified> => {
      if (!verifyRs256(jws.signingInput, jws.signature, key)) {
        throw new AuthError('SIGNATURE_INVALID');
      }
      const payload = parsed ?? parseClaims(jws.payloadText);
      const named = typeof payload.iss === 'string' ? byIssuer.get(payload.iss) : undefined;
      if (named === undefined) throw new AuthError('ISSUER');
      if (named === entry) return accept(named, key, payload);
      // The scan picked another trusted issuer (its string appears elsewhere in the payload):
      // the signature must hold under the key from the JWKS of the issuer the token names,
      // never another form's (SECURITY.md R18).
      const own = jwksCache.peekKey(named.jwksUri, kid);
      const recheck = (ownKey: AdmittedKey): Verified => {
        if (ownKey !== key && !verifyRs256(jws.signingInput, jws.signature, ownKey)) {
          throw new AuthError('SIGNATURE_INVALID');
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
      if (named === undefined) throw new AuthError('ISSUER');
      return jwksCache.getKey(named.jwksUri, kid).then((key) => finish(named, key, payload));
    }
    // No I/O: the cache answers (keys kept through an outage, KEY_NOT_FOUND, or retry later).
    return fetchKey(candidates, kid).then(({ entry, key }) => finish(entry, key));
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

  /**
   * A cached outcome stands while its key is the one the JWKS cache holds, fresh: once the
   * JWKS is refreshed without that key (removed upstream) or with another key under the same
   * kid, or once it is stale, the token goes through full verification again.
   */
  function stillValid(hit: Verified): boolean {
    return jwksCache.peekKey(hit.jwksUri, hit.kid) === hit.key;
  }

  function verifyOrThrow(token: string): AuthResult | Promise<AuthResult> {
    if (typeof token !== 'string' || token.length === 0) throw new AuthError('MALFORMED');
    if (token.length > limits.maxTokenBytes) throw new AuthError('TOO_LARGE');
    const hit = tokenCache?.get(token);
    if (hit !== undefined && stillValid(hit)) {
      try {
        checkTimes(hit.result.claims, clock() / 1000, timeRules);
      } catch (err) {
        tokenCache!.delete(token);
        throw err;
      }
      let pending: void | Promise<void>;
      try {
        pending = checkRevoked(hit.result);
      } catch (err) {
        tokenCache!.delete(token);
        throw err;
      }
      if (pending === undefined) return cacheHit(hit.result);
      return pending.then(
        () => cacheHit(hit.result),
        (err: unknown) => {
          tokenCache!.delete(token);
          throw err;
        },
      );
    }
    const verified = verifyUncached(token);
    if (verified instanceof Promise) return verified.then((v) => admit(token, v));
    return admit(token, verified);
  }

  function cacheHit(result: AuthResult): AuthResult {
    emit({ type: 'cache-hit', userPoolId: result.userPoolId });
    emit({
      type: 'verified',
      userPoolId: result.userPoolId,
      tokenUse: result.tokenUse,
      sub: result.sub,
      cached: true,
    });
    return result;
  }

  /** Runs the revocation hook on a fresh outcome, then caches and reports it. */
  function admit(token: string, verified: Verified): AuthResult | Promise<AuthResult> {
    const store = (): AuthResult => {
      const result = verified.result;
      tokenCache?.set(
        token,
        verified,
        (result.expiresAt + timeRules.toleranceSeconds) * 1000,
        token.length,
      );
      emit({
        type: 'verified',
        userPoolId: result.userPoolId,
        tokenUse: result.tokenUse,
        sub: result.sub,
        cached: false,
      });
      return result;
    };
    const pending = checkRevoked(verified.result);
    return pending === undefined ? store() : pending.then(store);
  }

  /** Reports a refusal and returns it as an AuthError (anything else is a bug: MALFORMED). */
  function reject(err: unknown): AuthError {
    const error = isAuthError(err) ? err : new AuthError('MALFORMED', { cause: err });
    emit({ type: 'rejected', code: error.code, userPoolId: undefined });
    return error;
  }

  function rejected(err: unknown): never {
    throw reject(err);
  }

  const userPools = Object.freeze(
    pools.map((p) =>
      Object.freeze({
        userPoolId: p.userPoolId,
        issuer: p.issuer,
        jwksUri: p.jwksUri,
        issuers: p.issuers,
      }),
    ),
  );

  const verifier: Verifier<T> = {
    userPools,
    // A plain function, not `async`: a cache hit settles with one promise and no extra
    // microtasks (this is the per-request path of every adapter).
    verify(token) {
      try {
        const outcome = verifyOrThrow(token);
        return (
          outcome instanceof Promise ? outcome.catch(rejected) : Promise.resolve(outcome)
        ) as Promise<AuthResult<ClaimsFor<T>>>;
      } catch (err) {
        return Promise.reject(reject(err));
      }
    },
    async hydrate() {
      // Only what the configuration says is in use: an unused form may answer 403 (a pool on
      // the original issuer type has no updated-form JWKS; awslabs/aws-jwt-verify issue #279).
      const uris = [
        ...new Set(pools.flatMap((p) => p.issuers.filter((i) => i.warm).map((i) => i.jwksUri))),
      ];
      await Promise.all(uris.map((uri) => jwksCache.refresh(uri)));
    },
  };
  CLOCKS.set(verifier, clock);
  return verifier;
}

/**
 * What an adapter's `verifier` option takes: a verifier made with `createVerifier`, or the
 * options to create one.
 *
 * @example
 * ```ts
 * const source: VerifierSource = { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' };
 * ```
 */
export type VerifierSource = Verifier<TokenUse | null> | VerifierOptions<TokenUse | null>;

/**
 * A verifier as given, or one created from options: what adapters accept as their `verifier`.
 * Created once, when the adapter is created (module scope in a Lambda), so the caches live as
 * long as the process.
 *
 * @example
 * ```ts
 * const verifier = toVerifier(options.verifier);
 * ```
 */
export function toVerifier(source: VerifierSource): Verifier<TokenUse | null> {
  if (typeof source !== 'object' || source === null) {
    throw configError('verifier must be a verifier from createVerifier, or its options');
  }
  if (typeof (source as Partial<Verifier>).verify === 'function') return source as Verifier;
  return createVerifier(source as VerifierOptions<TokenUse | null>);
}
