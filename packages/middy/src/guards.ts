import { createGuards, guardRefusal } from '@cognito-guard/core/http';
import { stateOf } from './middleware.js';
import type { MiddyMiddleware, MiddyRequest } from './types.js';

/**
 * Middy's guards: each turns a core policy into a middleware for one handler, used after
 * `cognitoAuth()`, that answers as it does (its realm, its `passErrors`): `403
 * insufficient_scope` when the policy refuses (RFC 6750 §3.1), `401` when an optional handler
 * got no token. Used without `cognitoAuth()` in front, a guard fails closed: it throws.
 *
 * - `guard(policy)`: any core policy, e.g. `guard(anyOf(requireGroups('admin'), requireScopes('reports/read')))`;
 * - `requireScopes(...)`, `requireGroups(...)`: names (all of them), or an `{ allOf, anyOf, noneOf }` rule;
 * - `requireClaims(predicate | values)`, `requireUser()`, `requireClient(...clientIds)`.
 *
 * @example
 * ```ts
 * export const handler = middy().use(cognitoAuth({ verifier })).use(requireGroups('admin')).handler(deleteOrder);
 * ```
 */
export const { guard, requireScopes, requireGroups, requireClaims, requireUser, requireClient } =
  createGuards<MiddyMiddleware>((policy) => ({
    before: async (request: MiddyRequest) => {
      const state = stateOf(request);
      if (state === undefined) {
        throw new Error('cognito-guard: a guard ran without cognitoAuth() in front of it');
      }
      const denied = guardRefusal(policy, state.auth);
      return denied === undefined ? undefined : state.deny(denied, request.event);
    },
  }));
