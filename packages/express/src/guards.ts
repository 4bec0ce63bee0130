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
import { type AuthHandler, stateOf } from './middleware.js';

/**
 * Turns a core {@link Policy} into a route guard. The guard answers with the same responses as
 * the `cognitoAuth()` in front of it (its realm, its `passErrors`): `403 insufficient_scope`
 * when the policy refuses (RFC 6750 §3.1), `401` when an optional route got no token.
 * Mounted without `cognitoAuth()` in front, it fails closed with an error (a 500).
 *
 * @example
 * ```ts
 * app.get('/reports', guard(anyOf(requireGroups('admin'), requireScopes('reports/read'))), handler);
 * ```
 */
export function guard(policy: Policy): AuthHandler {
  if (typeof policy !== 'function') {
    throw new TypeError('cognito-guard: guard takes a policy (a function of the auth result)');
  }
  return (req, res, next) => {
    const state = stateOf(req);
    if (state === undefined) {
      next(new Error('cognito-guard: a route guard ran without cognitoAuth() in front of it'));
      return;
    }
    const denied =
      state.auth === undefined ? new AuthError('NO_CREDENTIALS') : checkPolicy(policy, state.auth);
    if (denied === undefined) next();
    else state.deny(denied, res, next);
  };
}

/**
 * Route guard: the token must carry these OAuth scopes (all of them), or satisfy an
 * `{ allOf, anyOf, noneOf }` rule. Refusal: `403`, with the `scope` challenge attribute.
 *
 * @example
 * ```ts
 * app.post('/orders', requireScopes('orders/write'), createOrder);
 * ```
 */
export function requireScopes(...args: readonly string[] | [MembershipRule]): AuthHandler {
  return guard(scopesPolicy(...args));
}

/**
 * Route guard: the user must be in these `cognito:groups` (all of them), or satisfy an
 * `{ allOf, anyOf, noneOf }` rule. Refusal: `403`.
 *
 * @example
 * ```ts
 * app.delete('/orders/:id', requireGroups('admin'), deleteOrder);
 * ```
 */
export function requireGroups(...args: readonly string[] | [MembershipRule]): AuthHandler {
  return guard(groupsPolicy(...args));
}

/**
 * Route guard: a predicate of the verified result, or exact claim values. Refusal: `403`.
 *
 * @example
 * ```ts
 * app.get('/tenants/acme', requireClaims({ 'custom:tenant': 'acme' }), handler);
 * ```
 */
export function requireClaims(...args: Parameters<typeof claimsPolicy>): AuthHandler {
  return guard(claimsPolicy(...args));
}

/**
 * Route guard: a token that stands for a user, not a client-credentials token. Refusal: `403`.
 *
 * @example
 * ```ts
 * app.get('/me', requireUser(), handler);
 * ```
 */
export function requireUser(): AuthHandler {
  return guard(userPolicy());
}

/**
 * Route guard: a client-credentials token, from one of these clients when any are given.
 * Refusal: `403`.
 *
 * @example
 * ```ts
 * app.post('/internal/sync', requireClient('reporting-client-id'), handler);
 * ```
 */
export function requireClient(...clientIds: readonly string[]): AuthHandler {
  return guard(clientPolicy(...clientIds));
}
