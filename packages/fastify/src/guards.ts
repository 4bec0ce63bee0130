import type { Policy } from '@cognito-guard/core';
import { createGuards, guardRefusal } from '@cognito-guard/core/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stateOf } from './state.js';

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
 * Fastify's guards: each turns a core policy into a {@link GuardHook} that answers as the
 * plugin does (its realm, its `passErrors`): `403 insufficient_scope` when the policy refuses
 * (RFC 6750 §3.1), `401` when an optional route got no token. On a route the plugin did not
 * authenticate (skipped, or outside its context) a guard fails closed with an error (a 500).
 *
 * - `guard(policy)`: any core policy, e.g. `guard(anyOf(requireGroups('admin'), requireScopes('reports/read')))`;
 * - `requireScopes(...)`, `requireGroups(...)`: names (all of them), or an `{ allOf, anyOf, noneOf }` rule;
 * - `requireClaims(predicate | values)`, `requireUser()`, `requireClient(...clientIds)`.
 *
 * @example
 * ```ts
 * app.post('/orders', { preHandler: requireScopes('orders/write') }, createOrder);
 * app.get('/me', { preHandler: requireUser() }, handler);
 * ```
 */
export const { guard, requireScopes, requireGroups, requireClaims, requireUser, requireClient } =
  createGuards<GuardHook>((policy) => {
    const hook = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const state = stateOf(request);
      if (state === null || state === undefined) {
        throw new Error(
          'cognito-guard: a route guard ran on a route the plugin did not authenticate',
        );
      }
      const denied = guardRefusal(policy, state.auth);
      if (denied !== undefined) return state.deny(denied, reply);
      return undefined;
    };
    return Object.assign(hook, { policy });
  });
