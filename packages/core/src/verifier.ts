import type { ClaimsFor, TokenUse } from './claims.js';
import { checkTimes } from './claims.js';
import { AuthError, isAuthError, refusal } from './errors.js';
import { notifyHook } from './hooks.js';
import { createJwksCache, isJwksCache } from './jwks-cache.js';
import type { AuthResult } from './result.js';
import { checkRevoked } from './revocation-check.js';
import { createTokenCache, type TokenCache } from './token-cache.js';
import {
  type ResolvedUserPool,
  resolveVerifierConfig,
  type VerifierEvent,
  type VerifierOptions,
} from './verifier-options.js';
import { createPipeline, type Verified } from './verify-pipeline.js';

export type { AuthResult } from './result.js';
export type {
  MultiPoolVerifierOptions,
  ResolvedUserPool,
  SinglePoolVerifierOptions,
  UserPoolConfig,
  VerifierCommonOptions,
  VerifierEvent,
  VerifierOptions,
} from './verifier-options.js';
export { VERIFIER_OPTION_KEYS } from './verifier-options.js';

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

/** @internal Turns a refusal into the answer the caller gives (see `immediateVerifier`). */
export type Refine = (err: AuthError, token: string) => AuthError;

/**
 * @internal A verifier's synchronous entry: the outcome of `verify` without the promise when
 * no I/O is needed, else a promise; a refusal is thrown (or rejected) as an `AuthError`, after
 * `refine`. Kept off the public interface: an adapter uses it through the HTTP kit.
 */
export type ImmediateVerify = (token: string, refine?: Refine) => AuthResult | Promise<AuthResult>;

/** @internal A verifier's synchronous entry, and the `verify` it was created with. */
export interface ImmediateEntry {
  readonly immediate: ImmediateVerify;
  /**
   * The verifier's own `verify`: while `verifier.verify` is still this function the entry
   * stands for it; an application that replaced `verify` (a wrapper, a spy) gets its own
   * `verify` called.
   */
  readonly verify: unknown;
}

const IMMEDIATE = new WeakMap<object, ImmediateEntry>();

/**
 * @internal The synchronous entry of a verifier made by `createVerifier`; `undefined` for any
 * other object with a `verify` method (a test double), which adapters call through `verify`.
 */
export function immediateVerifier(verifier: object): ImmediateEntry | undefined {
  return IMMEDIATE.get(verifier);
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
  // Configuration: checked and resolved once, frozen.
  const config = resolveVerifierConfig(options as VerifierOptions<TokenUse | null>);
  const { pools, clock, timeRules, limits, isRevoked, onEvent } = config;
  const emit = (event: VerifierEvent): void => notifyHook(onEvent, event);

  // Caches around the pipeline: the JWKS (its own, or a shared one) and verified tokens.
  const jwksCache = isJwksCache(config.jwks)
    ? config.jwks
    : createJwksCache({
        clock,
        ...config.jwks,
        ...(onEvent === undefined ? {} : { onEvent: emit }),
      });
  const tokenCache: TokenCache<Verified> | undefined =
    config.cache === false ? undefined : createTokenCache<Verified>(config.cache ?? {}, clock);
  const pipeline = createPipeline(config, jwksCache);

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
  /**
   * A cached outcome stands while its key is the one the JWKS cache holds, fresh: once the
   * JWKS is refreshed without that key (removed upstream) or with another key under the same
   * kid, or once it is stale, the token goes through full verification again.
   */
  function stillValid(hit: Verified): boolean {
    return jwksCache.peekKey(hit.jwksUri, hit.kid) === hit.key;
  }

  function verifyOrThrow(token: string): AuthResult | Promise<AuthResult> {
    if (typeof token !== 'string' || token.length === 0) throw refusal('MALFORMED');
    if (token.length > limits.maxTokenBytes) throw refusal('TOO_LARGE');
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
        pending = checkRevoked(isRevoked, hit.result);
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
    const verified = pipeline(token);
    if (verified instanceof Promise) return verified.then((v) => admit(token, v));
    return admit(token, verified);
  }

  function cacheHit(result: AuthResult): AuthResult {
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
    const pending = checkRevoked(isRevoked, verified.result);
    return pending === undefined ? store() : pending.then(store);
  }

  /**
   * Reports a refusal and returns it as an AuthError (anything else is a bug: MALFORMED), after
   * the caller's `refine` (an adapter's answer for a token it had not checked yet).
   */
  function reject(err: unknown, token: string, refine: Refine | undefined): AuthError {
    let error = isAuthError(err) ? err : new AuthError('MALFORMED', { cause: err });
    if (refine !== undefined) error = refine(error, token);
    emit({ type: 'rejected', code: error.code });
    return error;
  }

  /**
   * The outcome, synchronously when no I/O is needed (a cache hit, or a miss whose key is held):
   * what `verify` wraps in a promise, and what the HTTP adapters call so that such a request
   * takes no promise and no microtask turn (`immediateVerifier`).
   */
  function immediate(token: string, refine?: Refine): AuthResult | Promise<AuthResult> {
    let outcome: AuthResult | Promise<AuthResult>;
    try {
      outcome = verifyOrThrow(token);
    } catch (err) {
      throw reject(err, token, refine);
    }
    if (!(outcome instanceof Promise)) return outcome;
    return outcome.catch((err: unknown) => {
      throw reject(err, token, refine);
    });
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
        const outcome = immediate(token);
        return (outcome instanceof Promise ? outcome : Promise.resolve(outcome)) as Promise<
          AuthResult<ClaimsFor<T>>
        >;
      } catch (err) {
        return Promise.reject(err);
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
  IMMEDIATE.set(verifier, { immediate, verify: verifier.verify });
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
    throw new TypeError(
      'cognito-guard: verifier must be a verifier from createVerifier, or its options',
    );
  }
  if (typeof (source as Partial<Verifier>).verify === 'function') return source as Verifier;
  return createVerifier(source as VerifierOptions<TokenUse | null>);
}
