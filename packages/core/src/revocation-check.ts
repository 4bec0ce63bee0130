import { AuthError, isAuthError, refusal } from './errors.js';

/**
 * The `isRevoked` hook of a verifier: `createVerifier` passes user-pool claims,
 * `createIdentityPoolVerifier` identity-pool claims. `true` refuses the token.
 */
export type RevocationHook<C> = (claims: C) => boolean | Promise<boolean>;

/**
 * Runs `isRevoked` on a verified outcome, on cache hits and misses alike. A synchronous answer
 * (an in-memory list) is checked synchronously, so a cache hit stays free of promises; a
 * promise is awaited. An `AuthError` thrown by the hook (`REVOCATION_UNAVAILABLE` from a list
 * that cannot vouch for itself) keeps its code; anything else (another exception, a rejected
 * promise) fails closed as `REVOKED`: a hook that cannot answer must not let a revoked token
 * through.
 *
 * @example
 * ```ts
 * const pending = checkRevoked(isRevoked, result);
 * if (pending !== undefined) await pending;
 * ```
 */
export function checkRevoked<C>(
  isRevoked: RevocationHook<C> | undefined,
  result: { readonly claims: C },
): void | Promise<void> {
  if (isRevoked === undefined) return;
  let answer: boolean | Promise<boolean>;
  try {
    answer = isRevoked(result.claims);
  } catch (err) {
    return failClosed(err);
  }
  // Any thenable (a promise of another library or realm), not only a native Promise.
  if (typeof (answer as { then?: unknown } | null | undefined)?.then === 'function') {
    return Promise.resolve(answer).then(decide, failClosed);
  }
  // Module-level functions, not closures: this runs on every cache hit.
  decide(answer);
}

/** `true` refuses the token; any other answer lets it through. */
function decide(revoked: unknown): void {
  if (revoked === true) throw refusal('REVOKED');
}

/** A hook that could not answer: its `AuthError`, or `REVOKED` (fail closed). */
function failClosed(err: unknown): never {
  throw isAuthError(err) ? err : new AuthError('REVOKED', { cause: err });
}
