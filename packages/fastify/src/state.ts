import type { AuthResult } from '@cognito-guard/core';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

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

/** @internal What one route asks of a bearer hook: nothing (`skip`), or a token, maybe optional. */
export interface HookRule {
  readonly skip: boolean;
  readonly optional: boolean;
}

/**
 * @internal The `onRequest` hook around one authenticator (`cognitoGuard`, `identityPoolGuard`),
 * in Fastify's callback form: when the authenticator answers synchronously (a cache hit, or a
 * miss whose key is held) the request goes on without a promise or a microtask turn, which an
 * `async` hook would cost on every request. `admit` puts the outcome on the request and returns
 * a refusal (a route policy) or `undefined`. A refusal is answered by `deny`; one `deny` throws
 * (`passErrors`, or not an `AuthError`) goes to Fastify's error handler through `done`.
 */
export function bearerHook<R, Q extends HookRule>(
  authenticate: (
    rawHeaders: readonly string[],
    url: string | undefined,
    optional: boolean,
  ) => R | undefined | Promise<R>,
  deny: Deny,
  ruleOf: (request: FastifyRequest) => Q,
  admit: (request: FastifyRequest, outcome: R | undefined, rule: Q) => unknown,
): (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  const refuse = (err: unknown, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    try {
      deny(err, reply);
    } catch (thrown) {
      done(asError(thrown));
    }
  };
  const proceed = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
    outcome: R | undefined,
    rule: Q,
  ): void => {
    let denied: unknown;
    try {
      denied = admit(request, outcome, rule);
    } catch (err) {
      // Never a rejected promise nobody handles (the request would hang): Fastify's 500.
      done(asError(err));
      return;
    }
    if (denied === undefined) done();
    else refuse(denied, reply, done);
  };
  return (request, reply, done) => {
    const rule = ruleOf(request);
    if (rule.skip) {
      done();
      return;
    }
    let outcome: R | undefined | Promise<R>;
    try {
      outcome = authenticate(request.raw.rawHeaders, request.raw.url, rule.optional);
    } catch (err) {
      refuse(err, reply, done);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (verified) => proceed(request, reply, done, verified, rule),
        (err: unknown) => refuse(err, reply, done),
      );
      return;
    }
    proceed(request, reply, done, outcome, rule);
  };
}

/** `done(undefined)` means "go on" to Fastify: whatever was thrown, it gets an `Error`. */
function asError(thrown: unknown): Error {
  return thrown instanceof Error
    ? thrown
    : new Error('cognito-guard: a refusal that is not an Error', { cause: thrown });
}
