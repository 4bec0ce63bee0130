import {
  AuthError,
  checkPolicy,
  requireClaims as claimsPolicy,
  requireClient as clientPolicy,
  requireGroups as groupsPolicy,
  type MembershipRule,
  type Policy,
  requireScopes as scopesPolicy,
  requireUser as userPolicy,
} from '@cognito-guard/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stateOf } from './plugin.js';

/**
 * A route hook (`onRequest`, `preValidation` or `preHandler`) that checks a policy against
 * the verified token. It can also go in a route's `config.auth.policy`, where the plugin's own
 * `onRequest` hook checks it (its `policy` property is the core policy).
 *
 * @example
 * ```ts
 * app.post('/orders', { preHandler: requireScopes('orders/write') }, createOrder);
 * app.delete('/orders/:id', { config: { auth: { policy: requireGroups('admin') } } }, remove);
 * ```
 */
export interface GuardHook {
  (request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** The policy the hook checks. */
  readonly policy: Policy;
}

/**
 * Turns a core {@link Policy} into a route hook. The hook answers as the plugin does (its
 * realm, its `passErrors`): `403 insufficient_scope` when the policy refuses (RFC 6750 §3.1),
 * `401` when an optional route got no token. On a route the plugin did not authenticate
 * (skipped, or outside its context) it fails closed with an error (a 500).
 *
 * @example
 * ```ts
 * app.get('/reports', { preHandler: guard(anyOf(requireGroups('admin'), requireScopes('reports/read'))) }, handler);
 * ```
 */
export function guard(policy: Policy): GuardHook {
  if (typeof policy !== 'function') {
    throw new TypeError('cognito-guard: guard takes a policy (a function of the auth result)');
  }
  const hook = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const state = stateOf(request);
    if (state === null || state === undefined) {
      throw new Error(
        'cognito-guard: a route guard ran on a route the plugin did not authenticate',
      );
    }
    const denied =
      state.auth === undefined ? new AuthError('NO_CREDENTIALS') : checkPolicy(policy, state.auth);
    if (denied !== undefined) return state.deny(denied, reply);
    return undefined;
  };
  return Object.assign(hook, { policy });
}

/**
 * Route hook: the token must carry these OAuth scopes (all of them), or satisfy an
 * `{ allOf, anyOf, noneOf }` rule. Refusal: `403`, with the `scope` challenge attribute.
 *
 * @example
 * ```ts
 * app.post('/orders', { preHandler: requireScopes('orders/write') }, createOrder);
 * ```
 */
export function requireScopes(...args: readonly string[] | [MembershipRule]): GuardHook {
  return guard(scopesPolicy(...args));
}

/**
 * Route hook: the user must be in these `cognito:groups` (all of them), or satisfy an
 * `{ allOf, anyOf, noneOf }` rule. Refusal: `403`.
 *
 * @example
 * ```ts
 * app.delete('/orders/:id', { preHandler: requireGroups('admin') }, deleteOrder);
 * ```
 */
export function requireGroups(...args: readonly string[] | [MembershipRule]): GuardHook {
  return guard(groupsPolicy(...args));
}

/**
 * Route hook: a predicate of the verified result, or exact claim values. Refusal: `403`.
 *
 * @example
 * ```ts
 * app.get('/tenants/acme', { preHandler: requireClaims({ 'custom:tenant': 'acme' }) }, handler);
 * ```
 */
export function requireClaims(...args: Parameters<typeof claimsPolicy>): GuardHook {
  return guard(claimsPolicy(...args));
}

/**
 * Route hook: a token that stands for a user, not a client-credentials token. Refusal: `403`.
 *
 * @example
 * ```ts
 * app.get('/me', { preHandler: requireUser() }, handler);
 * ```
 */
export function requireUser(): GuardHook {
  return guard(userPolicy());
}

/**
 * Route hook: a client-credentials token, from one of these clients when any are given.
 * Refusal: `403`.
 *
 * @example
 * ```ts
 * app.post('/internal/sync', { preHandler: requireClient('reporting-client-id') }, handler);
 * ```
 */
export function requireClient(...clientIds: readonly string[]): GuardHook {
  return guard(clientPolicy(...clientIds));
}
