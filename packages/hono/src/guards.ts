import { createGuards, guardRefusal } from '@cognito-guard/core/http';
import type { MiddlewareHandler } from 'hono';
import { type CognitoAuthEnv, stateOf } from './middleware.js';

/**
 * Hono's guards: each turns a core policy into a middleware that answers as the
 * `cognitoAuth()` in front of it (its realm, its `passErrors`): `403 insufficient_scope` when
 * the policy refuses (RFC 6750 §3.1), `401` when an optional route got no token. Mounted
 * without `cognitoAuth()` in front, a guard fails closed with an error (a 500).
 *
 * - `guard(policy)`: any core policy, e.g. `guard(anyOf(requireGroups('admin'), requireScopes('reports/read')))`;
 * - `requireScopes(...)`, `requireGroups(...)`: names (all of them), or an `{ allOf, anyOf, noneOf }` rule;
 * - `requireClaims(predicate | values)`, `requireUser()`, `requireClient(...clientIds)`.
 *
 * @example
 * ```ts
 * app.post('/orders', requireScopes('orders/write'), createOrder);
 * app.delete('/orders/:id', requireGroups('admin'), deleteOrder);
 * ```
 */
export const { guard, requireScopes, requireGroups, requireClaims, requireUser, requireClient } =
  createGuards<MiddlewareHandler<CognitoAuthEnv>>((policy) => async (c, next) => {
    const state = stateOf(c);
    if (state === undefined) {
      throw new Error('cognito-guard: a route guard ran without cognitoAuth() in front of it');
    }
    const denied = guardRefusal(policy, state.auth);
    if (denied !== undefined) return state.deny(denied, c);
    await next();
    return undefined;
  });
