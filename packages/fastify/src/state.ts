import type { AuthResult } from '@cognito-guard/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** @internal Answers a refusal (and returns the reply), or throws it, as the plugin was configured to. */
export type Deny = (err: unknown, reply: FastifyReply) => FastifyReply;

/** @internal What the plugin leaves on a request it authenticated. */
export interface State {
  readonly auth: AuthResult | undefined;
  readonly deny: Deny;
}

/**
 * @internal The verified result as the plugin attached it. Guards read this, not
 * `request.auth`, so a later hook that assigns `request.auth` cannot grant itself access, and
 * a guard on a route the plugin did not authenticate can tell (and fails closed). Its own
 * module, so that the plugin and the guards both read it without importing each other.
 */
export const STATE = Symbol('cognito-guard.fastify');

/** @internal A request as the plugin decorates it. */
export type WithState = FastifyRequest & { [STATE]: State | null };

/** @internal The state the plugin left on the request, for the guards. */
export function stateOf(request: FastifyRequest): State | null {
  return (request as WithState)[STATE];
}
