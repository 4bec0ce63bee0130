import { AuthError, type AuthResult, isAuthError, type Policy } from '@cognito-guard/core';

/**
 * Runs a policy and returns its refusal, or `undefined` when it holds: the core's
 * `checkPolicy`, plus one guard. A policy is synchronous; an `async` function passed as one
 * returns a promise and never throws synchronously, which `checkPolicy` would read as "allowed".
 * Here a promise counts as a refusal (fail closed).
 *
 * @example
 * ```ts
 * const refusal = runPolicy(requireGroups('admin'), auth); // AuthError | undefined
 * ```
 */
export function runPolicy(policy: Policy, auth: AuthResult): AuthError | undefined {
  try {
    const out: unknown = (policy as (auth: AuthResult) => unknown)(auth);
    if (typeof (out as PromiseLike<unknown> | undefined)?.then === 'function') {
      // Swallow its eventual rejection: the decision is already "no".
      Promise.resolve(out).catch(() => undefined);
      return new AuthError('CLAIM_CHECK', { cause: 'a policy returned a promise' });
    }
    return undefined;
  } catch (err) {
    return isAuthError(err) ? err : new AuthError('CLAIM_CHECK', { cause: err });
  }
}

/**
 * Runs `fn` with V8 stack capture off. A refused policy throws an `AuthError`, and capturing
 * a stack costs about ten microseconds: for hundreds of refused route rules per request that
 * dominates the authorizer's time, and those stacks are never read. `fn` is synchronous, so
 * nothing else can run while the limit is lowered; it is restored in `finally`.
 *
 * @example
 * ```ts
 * const refusals = withoutStacks(() => rules.map((rule) => runPolicy(rule, auth)));
 * ```
 */
export function withoutStacks<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
