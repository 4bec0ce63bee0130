import type { AccessTokenClaims, IdTokenClaims, TimeRules, TokenUse } from './claims.js';
import type { JwsLimits } from './compact-jws.js';
import type { ErrorCode } from './errors.js';
import {
  type EmulatorOptions,
  type IssuerForm,
  resolveIssuers,
  type TrustedIssuer,
} from './issuer.js';
import type { JwksCache, JwksCacheOptions, JwksEvent } from './jwks-cache.js';
import { checkOptionKeys, optionKeys } from './option-keys.js';
import { checkTokenCacheOption, type TokenCacheOptions } from './token-cache.js';

/**
 * A verifier's configuration: the options `createVerifier` takes, their keys, and what they
 * resolve to, once, at creation (frozen). Nothing here runs per request.
 */

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
  | { readonly type: 'rejected'; readonly code: ErrorCode }
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

/** A configured pool, with the token rules it applies. */
export interface Pool extends ResolvedUserPool {
  readonly clientId: string | string[] | null;
  readonly tokenUse: TokenUse | null;
}

/** What an exact `iss` leads to: the pool, and the one JWKS its keys may come from. */
export interface IssuerEntry {
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

/** The options both verifiers (user pools, identity pools) check the same way. */
interface ClockAndLimitOptions {
  readonly clock?: (() => number) | undefined;
  readonly clockToleranceSeconds?: number | undefined;
  readonly maxTokenLifetimeSeconds?: number | undefined;
  readonly maxTokenBytes?: number | undefined;
}

/**
 * @internal The clock, the time rules and the size limits of a verifier, checked (a
 * `TypeError` naming the option). `lifetimeCeiling` is the largest `maxTokenLifetimeSeconds`
 * the verifier accepts.
 */
export function resolveClockAndLimits(
  options: ClockAndLimitOptions,
  lifetimeCeiling: number,
): { clock: () => number; timeRules: TimeRules; limits: JwsLimits } {
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
      lifetimeCeiling,
      86_400,
    ),
  };
  const limits: JwsLimits = {
    maxTokenBytes: checkNumber('maxTokenBytes', options.maxTokenBytes, 1024, 1_048_576, 16_384),
    maxHeaderBytes: 1024,
  };
  return { clock, timeRules, limits };
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

/** What `createVerifier` resolved its options to, once, at creation. Frozen. */
export interface VerifierConfig {
  readonly pools: readonly Pool[];
  /** Exact `iss` -> pool and JWKS URI: the only way from a token to a key (R23, R18). */
  readonly byIssuer: ReadonlyMap<string, IssuerEntry>;
  /** Every trusted issuer with what it looks like inside a payload's JSON text. */
  readonly trusted: readonly { readonly quoted: string; readonly entry: IssuerEntry }[];
  readonly clock: () => number;
  readonly timeRules: TimeRules;
  readonly limits: JwsLimits;
  readonly isRevoked: VerifierCommonOptions['isRevoked'];
  readonly onEvent: VerifierCommonOptions['onEvent'];
  readonly jwks: VerifierCommonOptions['jwks'];
  readonly cache: VerifierCommonOptions['cache'];
}

/**
 * Checks the options of `createVerifier` and resolves them, once: the pools and their trusted
 * issuers, the clock, the time rules and size limits, the hooks. Configuration errors throw a
 * `TypeError` here, never at request time.
 */
export function resolveVerifierConfig(options: VerifierOptions<TokenUse | null>): VerifierConfig {
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

  const { clock, timeRules, limits } = resolveClockAndLimits(options, 31_536_000);
  if (options.isRevoked !== undefined && typeof options.isRevoked !== 'function') {
    throw configError('isRevoked must be a function');
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw configError('onEvent must be a function');
  }
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
  // Every trusted issuer with what it looks like inside the payload's JSON text (see
  // `issuersNamedIn`).
  const trusted = [...byIssuer].map(([issuer, entry]) => ({
    quoted: JSON.stringify(issuer),
    entry,
  }));

  return Object.freeze({
    pools: Object.freeze(pools),
    byIssuer,
    trusted: Object.freeze(trusted),
    clock,
    timeRules: Object.freeze(timeRules),
    limits: Object.freeze(limits),
    isRevoked: options.isRevoked,
    onEvent: options.onEvent,
    jwks: options.jwks,
    cache: checkTokenCacheOption(options.cache),
  });
}
