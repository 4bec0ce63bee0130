import { AuthError, refusal, sharedRefusal } from './errors.js';
import type { AuthResult } from './verifier.js';

declare const notAMiddleware: unique symbol;

/**
 * A type no framework passes: the optional second parameter of {@link Policy}. Express and
 * Fastify call a handler with a request second (`(err, req, res, next)`, `(request, reply)`),
 * and under `strictFunctionTypes` a request is not assignable to this type, so a policy given
 * where a middleware or a hook is expected does not compile. Never pass one.
 *
 * @example
 * ```ts
 * // Does not compile: a policy is not an Express middleware.
 * app.get('/orders', requireScopes('orders/read'), handler);
 * ```
 */
export interface NotAMiddleware {
  readonly [notAMiddleware]: never;
}

/**
 * Access rules as plain functions of the verified result, shared by every adapter.
 *
 * A policy returns nothing when the rule holds and throws an {@link AuthError}
 * (`INSUFFICIENT_SCOPE`, `GROUP_NOT_ALLOWED` or `CLAIM_CHECK`) when it does not. Core and
 * the adapters never make core's policies throw: {@link checkPolicy} runs their rule in a
 * form that returns the refusal, built once when the policy is created. Policies are
 * checked at creation: an empty scope list or a scope with a space is a programming error
 * and throws a `TypeError` there, never during a request.
 *
 * A policy is not a middleware: in Express or Fastify, wrap it with the adapter's `guard()` or
 * use the adapter's own `requireScopes` and friends. The second parameter only exists to make
 * that mistake a compile error (see {@link NotAMiddleware}); the policies of this package also
 * throw a `TypeError` when a framework calls them with a request.
 *
 * @example
 * ```ts
 * const tenantOnly: Policy = (auth) => {
 *   if (auth.claims['custom:tenant'] !== 'acme') throw new AuthError('CLAIM_CHECK');
 * };
 * ```
 */
export type Policy = (auth: AuthResult, notAMiddleware?: NotAMiddleware) => void;

/**
 * Marks the policies this package builds, so adapters can recognise one where a middleware or
 * a hook was expected. A registry symbol, so two copies of core still agree. Its value is the
 * policy's {@link CoreRule}.
 */
const POLICY = Symbol.for('cognito-guard.policy');

/**
 * A core policy's rule in its non-throwing form: the refusal, or `undefined` when the rule
 * holds. What core and the adapters run ({@link checkPolicy}); the policy function itself
 * throws the same refusal, for applications that call it.
 */
interface CoreRule {
  readonly name: string;
  readonly refuse: (auth: AuthResult) => AuthError | undefined;
}

function coreRuleOf(policy: Policy): CoreRule | undefined {
  const rule = (policy as { [POLICY]?: unknown })[POLICY];
  // A policy of another copy of core may mark itself differently: it is then run as any other.
  return typeof rule === 'object' &&
    rule !== null &&
    typeof (rule as CoreRule).refuse === 'function'
    ? (rule as CoreRule)
    : undefined;
}

/**
 * Is `value` a policy built by `@cognito-guard/core` (`requireScopes`, `allOf`, ...)? Adapters
 * use it to refuse a policy given where a middleware or a hook belongs.
 *
 * @example
 * ```ts
 * if (isCorePolicy(route.preHandler)) throw new TypeError('wrap it with guard()');
 * ```
 */
export function isCorePolicy(value: unknown): value is Policy {
  return typeof value === 'function' && POLICY in value;
}

/**
 * What a policy says when a framework calls it as a middleware or a hook. Express calls a
 * function of fewer than four parameters as `(req, res, next)` (Express 5 guide, "Writing
 * middleware"); Fastify calls hooks as `(request, reply, done)`. Without this, Express would
 * pass the policy's refusal to its error handler: a 403 on every request, with a stack page.
 */
function misusedPolicy(name: string): TypeError {
  return new TypeError(
    `cognito-guard: ${name}() from @cognito-guard/core is a policy, not a middleware or hook, and was called with a request. ` +
      `In Express, use ${name} from @cognito-guard/express or guard(policy); in Fastify, use guard(policy) from @cognito-guard/fastify as a hook, or the route's config.auth.policy.`,
  );
}

/** An argument a policy can read: an object with the result's lists. */
function isAuthShaped(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as AuthResult).scopes) &&
    Array.isArray((value as AuthResult).groups)
  );
}

/**
 * Builds a core policy from its rule in non-throwing form: a function that throws the rule's
 * refusal (what applications call), guarded against being called as a middleware, and branded
 * with the rule (what core and the adapters run, without throwing).
 */
export function definePolicy(
  name: string,
  refuse: (auth: AuthResult) => AuthError | undefined,
): Policy {
  // Two parameters so that a second argument (a framework's response or reply) is seen; a
  // plain function, not an arrow, so `name` shows in stack traces.
  const policy = function corePolicy(auth: AuthResult, extra?: unknown): void {
    if (extra !== undefined || !isAuthShaped(auth)) throw misusedPolicy(name);
    const denied = refuse(auth);
    if (denied !== undefined) throw denied;
  };
  Object.defineProperty(policy, POLICY, { value: Object.freeze({ name, refuse }) });
  return policy as Policy;
}

/** All-of / any-of / none-of lists, for {@link requireScopes} and {@link requireGroups}. */
export interface MembershipRule {
  readonly allOf?: readonly string[];
  readonly anyOf?: readonly string[];
  readonly noneOf?: readonly string[];
}

/** RFC 6749 §3.3 scope-token characters; also safe inside a quoted challenge attribute. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function normalizeRule(
  kind: 'requireScopes' | 'requireGroups',
  args: readonly (string | MembershipRule)[],
): MembershipRule {
  let rule: MembershipRule;
  if (args.length === 1 && typeof args[0] === 'object' && args[0] !== null) {
    rule = args[0];
  } else if (args.every((a) => typeof a === 'string')) {
    rule = { allOf: args as readonly string[] };
  } else {
    throw new TypeError(
      `cognito-guard: ${kind} takes names, or one { allOf, anyOf, noneOf } object`,
    );
  }
  const lists = [rule.allOf, rule.anyOf, rule.noneOf].filter((l) => l !== undefined);
  if (lists.length === 0 || lists.every((l) => l.length === 0)) {
    throw new TypeError(`cognito-guard: ${kind} needs at least one name`);
  }
  for (const list of lists) {
    if (!Array.isArray(list)) throw new TypeError(`cognito-guard: ${kind} lists must be arrays`);
    for (const name of list) {
      if (
        typeof name !== 'string' ||
        (kind === 'requireScopes' ? !SCOPE_TOKEN.test(name) : name.length === 0)
      ) {
        throw new TypeError(
          `cognito-guard: ${kind} names must be non-empty strings${kind === 'requireScopes' ? ' without spaces or quotes' : ''}`,
        );
      }
    }
  }
  return {
    allOf: [...(rule.allOf ?? [])],
    anyOf: [...(rule.anyOf ?? [])],
    noneOf: [...(rule.noneOf ?? [])],
  };
}

/** Does `held` satisfy `rule`? Exact, case-sensitive names (R27). */
function satisfies(held: readonly string[], rule: MembershipRule): boolean {
  const set = new Set(held);
  return (
    rule.allOf!.every((n) => set.has(n)) &&
    (rule.anyOf!.length === 0 || rule.anyOf!.some((n) => set.has(n))) &&
    !rule.noneOf!.some((n) => set.has(n))
  );
}

/**
 * Requires OAuth scopes: every one listed, or an `{ allOf, anyOf, noneOf }` rule.
 *
 * @example
 * ```ts
 * requireScopes('orders/read', 'orders/write');
 * requireScopes({ anyOf: ['orders/read', 'orders/admin'] });
 * ```
 */
export function requireScopes(...args: readonly string[] | [MembershipRule]): Policy {
  const rule = normalizeRule('requireScopes', args);
  // What the `scope` challenge attribute names: the scopes that would have been enough.
  const required = Object.freeze([...rule.allOf!, ...rule.anyOf!]);
  // Built once, with the policy: every refusal of this policy is the same one.
  const denied = sharedRefusal('INSUFFICIENT_SCOPE', { requiredScopes: required });
  return definePolicy('requireScopes', (auth) =>
    satisfies(auth.scopes, rule) ? undefined : denied,
  );
}

/**
 * Requires `cognito:groups` membership: every group listed, or an `{ allOf, anyOf, noneOf }`
 * rule.
 *
 * @example
 * ```ts
 * requireGroups('admin');
 * requireGroups({ anyOf: ['admin', 'support'], noneOf: ['suspended'] });
 * ```
 */
export function requireGroups(...args: readonly string[] | [MembershipRule]): Policy {
  const rule = normalizeRule('requireGroups', args);
  return definePolicy('requireGroups', (auth) =>
    satisfies(auth.groups, rule) ? undefined : refusal('GROUP_NOT_ALLOWED'),
  );
}

/**
 * Requires a custom rule on the claims: a predicate, or an object of exact claim values.
 * A predicate that throws counts as a refusal.
 *
 * @example
 * ```ts
 * requireClaims((auth) => auth.claims['custom:tenant'] === 'acme');
 * requireClaims({ 'custom:tenant': 'acme', email_verified: true });
 * ```
 */
export function requireClaims(
  rule: ((auth: AuthResult) => boolean) | Readonly<Record<string, string | number | boolean>>,
): Policy {
  if (typeof rule === 'function') {
    return definePolicy('requireClaims', (auth) => {
      let ok: boolean;
      try {
        ok = rule(auth) === true;
      } catch (err) {
        // The application's own error, with its own stack, as the cause.
        return new AuthError('CLAIM_CHECK', { cause: err });
      }
      return ok ? undefined : refusal('CLAIM_CHECK');
    });
  }
  if (typeof rule !== 'object' || rule === null || Object.keys(rule).length === 0) {
    throw new TypeError('cognito-guard: requireClaims takes a predicate or a non-empty object');
  }
  const expected = Object.entries(rule);
  return definePolicy('requireClaims', (auth) => {
    for (const [name, value] of expected) {
      if (!Object.hasOwn(auth.claims, name) || auth.claims[name] !== value) {
        return refusal('CLAIM_CHECK');
      }
    }
    return undefined;
  });
}

/**
 * Requires a token that stands for a user, not a client-credentials (machine) token.
 *
 * @example
 * ```ts
 * const usersOnly = allOf(requireUser(), requireScopes('profile/read'));
 * ```
 */
export function requireUser(): Policy {
  return definePolicy('requireUser', (auth) =>
    auth.isMachine ? refusal('CLAIM_CHECK') : undefined,
  );
}

/**
 * Requires a client-credentials token, from one of `clientIds` when any are given.
 *
 * @example
 * ```ts
 * requireClient('reporting-service-client-id');
 * ```
 */
export function requireClient(...clientIds: readonly string[]): Policy {
  if (!clientIds.every((id) => typeof id === 'string' && id.length > 0)) {
    throw new TypeError('cognito-guard: requireClient takes non-empty client ids');
  }
  const allowed = new Set(clientIds);
  return definePolicy('requireClient', (auth) =>
    !auth.isMachine || (allowed.size > 0 && !allowed.has(auth.clientId))
      ? refusal('CLAIM_CHECK')
      : undefined,
  );
}

/**
 * One policy's refusal, without throwing: a core policy runs its rule in non-throwing form;
 * any other policy decides by returning or throwing, synchronously. An `async` function
 * (which TypeScript accepts where a `void` function is expected) returns a promise and never
 * throws, which would read as "allowed": fail closed on a promise instead.
 */
function refusalOf(policy: Policy, auth: AuthResult): AuthError | undefined {
  const rule = coreRuleOf(policy);
  if (rule !== undefined) {
    // What the policy function would refuse as a misuse: never run a rule on a non-result.
    if (!isAuthShaped(auth))
      return new AuthError('CLAIM_CHECK', { cause: misusedPolicy(rule.name) });
    return rule.refuse(auth);
  }
  let outcome: unknown;
  try {
    outcome = (policy as (auth: AuthResult) => unknown)(auth);
  } catch (err) {
    return err instanceof AuthError ? err : new AuthError('CLAIM_CHECK', { cause: err });
  }
  if (typeof (outcome as PromiseLike<unknown> | undefined)?.then === 'function') {
    // Its eventual rejection is not an unhandled one: the request was refused here.
    (outcome as PromiseLike<unknown>).then(undefined, () => {});
    return refusal('CLAIM_CHECK', 'a policy returned a promise');
  }
  return undefined;
}

function checkPolicies(name: string, policies: readonly Policy[]): void {
  if (policies.length === 0 || !policies.every((p) => typeof p === 'function')) {
    throw new TypeError(`cognito-guard: ${name} takes one or more policies`);
  }
}

/**
 * Every policy must hold; the first refusal is the answer.
 *
 * @example
 * ```ts
 * allOf(requireUser(), requireScopes('orders/write'));
 * ```
 */
export function allOf(...policies: readonly Policy[]): Policy {
  checkPolicies('allOf', policies);
  return definePolicy('allOf', (auth) => {
    for (const policy of policies) {
      const denied = refusalOf(policy, auth);
      if (denied !== undefined) return denied;
    }
    return undefined;
  });
}

/**
 * One policy must hold; when none does, the first refusal is the answer.
 *
 * @example
 * ```ts
 * anyOf(requireGroups('admin'), requireScopes('orders/admin'));
 * ```
 */
export function anyOf(...policies: readonly Policy[]): Policy {
  checkPolicies('anyOf', policies);
  return definePolicy('anyOf', (auth) => {
    let first: AuthError | undefined;
    for (const policy of policies) {
      const denied = refusalOf(policy, auth);
      if (denied === undefined) return undefined;
      first ??= denied;
    }
    return first;
  });
}

/**
 * Runs `policy` and returns its refusal instead of throwing it; `undefined` means allowed. A
 * core policy does not throw at all here (its refusal is built once, when the policy is
 * created); a policy of the application's may throw an `AuthError` (kept) or anything else
 * (a `CLAIM_CHECK` refusal caused by it), and one that returns a promise is refused.
 *
 * @example
 * ```ts
 * const denied = checkPolicy(requireGroups('admin'), auth);
 * ```
 */
export function checkPolicy(policy: Policy, auth: AuthResult): AuthError | undefined {
  return refusalOf(policy, auth);
}

/**
 * The refusal of a route guard: `NO_CREDENTIALS` when the route let a request without a token
 * through (`optional`), else the policy's refusal; `undefined` means allowed.
 *
 * @example
 * ```ts
 * const denied = guardRefusal(policy, state.auth);
 * if (denied !== undefined) return deny(denied);
 * ```
 */
export function guardRefusal(policy: Policy, auth: AuthResult | undefined): AuthError | undefined {
  return auth === undefined ? refusal('NO_CREDENTIALS') : refusalOf(policy, auth);
}

/**
 * A framework's guards: `guard(policy)` and the five named ones, each the core policy of the
 * same name wrapped by `guard`.
 */
export interface GuardSet<G> {
  /**
   * Turns a core {@link Policy} into this framework's guard.
   *
   * @example
   * ```ts
   * guard(anyOf(requireGroups('admin'), requireScopes('reports/read')));
   * ```
   */
  guard(policy: Policy): G;
  /**
   * The token must carry these OAuth scopes (all of them), or satisfy an
   * `{ allOf, anyOf, noneOf }` rule. Refusal: `403`, with the `scope` challenge attribute.
   *
   * @example
   * ```ts
   * requireScopes('orders/write');
   * ```
   */
  requireScopes(...args: readonly string[] | [MembershipRule]): G;
  /**
   * The user must be in these `cognito:groups` (all of them), or satisfy an
   * `{ allOf, anyOf, noneOf }` rule. Refusal: `403`.
   *
   * @example
   * ```ts
   * requireGroups('admin');
   * ```
   */
  requireGroups(...args: readonly string[] | [MembershipRule]): G;
  /**
   * A predicate of the verified result, or exact claim values. Refusal: `403`.
   *
   * @example
   * ```ts
   * requireClaims({ 'custom:tenant': 'acme' });
   * ```
   */
  requireClaims(...args: Parameters<typeof requireClaims>): G;
  /**
   * A token that stands for a user, not a client-credentials token. Refusal: `403`.
   *
   * @example
   * ```ts
   * requireUser();
   * ```
   */
  requireUser(): G;
  /**
   * A client-credentials token, from one of these clients when any are given. Refusal: `403`.
   *
   * @example
   * ```ts
   * requireClient('reporting-client-id');
   * ```
   */
  requireClient(...clientIds: readonly string[]): G;
}

/**
 * Builds a framework's {@link GuardSet} from one function that wraps a policy: every adapter
 * offers the same guards under the same names, checked the same way.
 *
 * @example
 * ```ts
 * export const { guard, requireScopes, requireGroups, requireClaims, requireUser, requireClient } =
 *   createGuards((policy) => (req, res, next) => {
 *     const denied = guardRefusal(policy, stateOf(req)?.auth);
 *     denied === undefined ? next() : next(denied);
 *   });
 * ```
 */
export function createGuards<G>(wrap: (policy: Policy) => G): GuardSet<G> {
  const guard = (policy: Policy): G => {
    if (typeof policy !== 'function') {
      throw new TypeError('cognito-guard: guard takes a policy (a function of the auth result)');
    }
    return wrap(policy);
  };
  return Object.freeze({
    guard,
    requireScopes: (...args: readonly string[] | [MembershipRule]) => guard(requireScopes(...args)),
    requireGroups: (...args: readonly string[] | [MembershipRule]) => guard(requireGroups(...args)),
    requireClaims: (...args: Parameters<typeof requireClaims>) => guard(requireClaims(...args)),
    requireUser: () => guard(requireUser()),
    requireClient: (...clientIds: readonly string[]) => guard(requireClient(...clientIds)),
  });
}
