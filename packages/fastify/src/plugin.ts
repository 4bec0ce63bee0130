import { type AuthResult, checkPolicy, type Policy } from '@cognito-guard/core';
import {
  checkHttpAdapterOptions,
  type HttpAdapterOptions,
  type HttpAdapterVerifierOptions,
  isCorePolicy,
  requestAuthenticator,
  toHttpDenial,
  verifierFromHttpOptions,
} from '@cognito-guard/core/http';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { GuardHook } from './guards.js';
import { bearerHook, type Deny, STATE, type WithState } from './state.js';

/**
 * Per-route settings, under `config.auth` of a route. `config: { auth: false }` is short for
 * `{ skip: true }`.
 *
 * @example
 * ```ts
 * app.get('/health', { config: { auth: false } }, () => 'ok');
 * app.get('/feed', { config: { auth: { optional: true } } }, (req) => feedFor(req.auth?.sub));
 * app.delete('/orders/:id', { config: { auth: { policy: requireGroups('admin') } } }, remove);
 * ```
 */
export interface RouteAuthConfig {
  /** No authentication on this route (a public route): `request.auth` stays undefined. */
  readonly skip?: boolean | undefined;
  /** Overrides the plugin's `optional` for this route. Cannot be combined with `policy`. */
  readonly optional?: boolean | undefined;
  /**
   * Checked in the plugin's `onRequest` hook, right after the token; every one must hold.
   * This package's guards (`requireScopes('orders/read')`, …) or core policies (`anyOf(…)`).
   */
  readonly policy?: RoutePolicy | readonly RoutePolicy[] | undefined;
}

/**
 * What `config.auth.policy` takes: a core policy, or one of this package's guard hooks.
 *
 * @example
 * ```ts
 * const policies: RoutePolicy[] = [requireScopes('orders/write'), anyOf(groups('admin'), groups('ops'))];
 * ```
 */
export type RoutePolicy = Policy | GuardHook;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified token, set by the cognito-guard plugin; `undefined` on a skipped route, or
     * on an optional route without a token.
     */
    auth?: AuthResult | undefined;
  }
  interface FastifyContextConfig {
    /** cognito-guard's settings for this route; `false` skips authentication. */
    auth?: RouteAuthConfig | false | undefined;
  }
}

/**
 * What the plugin adds to the verifier's options: core's HTTP adapter options. `optional`
 * applies to every route that does not say otherwise (`request.auth` is then undefined without
 * a token); with `passErrors`, the refusal is thrown to the error handler (`setErrorHandler`,
 * or Fastify's default).
 *
 * @example
 * ```ts
 * const adapter: CognitoGuardAdapterOptions = { optional: true, realm: 'orders' };
 * await app.register(cognitoGuard, { verifier, ...adapter });
 * ```
 */
export type CognitoGuardAdapterOptions = HttpAdapterOptions;

/**
 * Options of the plugin: a verifier made with `createVerifier`, or the options to make one
 * (the same object `createVerifier` takes), plus {@link CognitoGuardAdapterOptions}.
 *
 * @example
 * ```ts
 * const options: CognitoGuardOptions = { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' };
 * await app.register(cognitoGuard, options);
 * ```
 */
export type CognitoGuardOptions = HttpAdapterVerifierOptions;

interface Rule {
  readonly skip: boolean;
  readonly optional: boolean;
  readonly policies: readonly Policy[];
}

const SKIP: Rule = Object.freeze({ skip: true, optional: false, policies: [] });
const REQUIRED: Rule = Object.freeze({ skip: false, optional: false, policies: [] });
const OPTIONAL: Rule = Object.freeze({ skip: false, optional: true, policies: [] });
const ROUTE_KEYS = new Set(['skip', 'optional', 'policy']);

/**
 * Reads `config.auth`. Anything it does not understand is an error, never a reason to skip:
 * a typo such as `optinal` must not open a route.
 */
function compileRule(value: unknown, optionalByDefault: boolean, where: string): Rule {
  if (value === undefined) return optionalByDefault ? OPTIONAL : REQUIRED;
  if (value === false) return SKIP;
  const fail = (why: string): never => {
    throw new TypeError(`cognito-guard: config.auth${where} ${why}`);
  };
  if (typeof value !== 'object' || value === null)
    fail('must be false or { skip, optional, policy }');
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!ROUTE_KEYS.has(key)) fail(`has an unknown setting "${key}"`);
  }
  for (const flag of ['skip', 'optional'] as const) {
    if (config[flag] !== undefined && typeof config[flag] !== 'boolean')
      fail(`${flag} must be a boolean`);
  }
  const policy = config.policy;
  const given: readonly unknown[] =
    policy === undefined ? [] : Array.isArray(policy) ? policy : [policy];
  if (given.length === 0 && policy !== undefined) fail('policy must not be an empty list');
  const policies = given.map((p) => {
    if (typeof p !== 'function') return fail('policy must be a policy or an array of them');
    const hookPolicy = (p as { policy?: unknown }).policy;
    // A guard hook carries its policy; core's checkPolicy refuses a policy that returns a promise.
    return typeof hookPolicy === 'function' ? (hookPolicy as Policy) : (p as Policy);
  });
  if (config.skip === true) {
    if (config.optional !== undefined || policy !== undefined)
      fail('skip cannot be combined with other settings');
    return SKIP;
  }
  // A policy needs an authenticated user; "optional" would only ever mean "deny".
  if (config.optional === true && policies.length > 0)
    fail('optional cannot be combined with policy');
  const optional =
    policies.length === 0 && ((config.optional as boolean | undefined) ?? optionalByDefault);
  return { skip: false, optional, policies };
}

/** The route options Fastify calls as hooks or handler (Fastify docs, "Routes" and "Hooks"). */
const HOOK_SLOTS = [
  'handler',
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
  'onTimeout',
  'onError',
  'onRequestAbort',
] as const;

/**
 * Refuses a core policy given as a hook or handler. Fastify would call it as
 * `(request, reply, done)`: it throws (core's policies refuse a request), or, for a policy the
 * application wrote, returns without calling `done` and the request hangs.
 */
function refuseBarePolicies(route: Readonly<Record<string, unknown>>, where: string): void {
  for (const slot of HOOK_SLOTS) {
    const value = route[slot];
    const given: readonly unknown[] = Array.isArray(value) ? value : [value];
    if (given.some(isCorePolicy)) {
      throw new TypeError(
        `cognito-guard: ${slot}${where} is a core policy, not a Fastify hook: use guard(policy) from @cognito-guard/fastify, or put the policy in config.auth.policy`,
      );
    }
  }
}

/**
 * Options Fastify itself reads from `register`'s options and passes along to the plugin
 * (Fastify docs, "Plugins": `logLevel`, `logSerializers`, `prefix`): not ours, not mistakes.
 */
const FASTIFY_REGISTER_KEYS = ['logLevel', 'logSerializers', 'prefix'] as const;

const plugin: FastifyPluginAsync<CognitoGuardOptions> = async (fastify, options) => {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: the plugin takes an options object');
  }
  const settings = checkHttpAdapterOptions(options, 'cognitoGuard', FASTIFY_REGISTER_KEYS);
  const optionalByDefault = settings.optional;
  const deny: Deny = (err, reply) => {
    const denial = toHttpDenial(err, settings);
    // Core only ever refuses with AuthErrors; anything else is a bug, and a 500 is the answer.
    if (denial.action !== 'answer') throw denial.error;
    const { status, headers, body } = denial.challenge;
    return reply.code(status).headers(headers).send(body);
  };
  const verifier = verifierFromHttpOptions(options);

  // Each route's settings, compiled once (keyed by the route's own `config.auth` object).
  const rules = new WeakMap<object, Rule>();
  const routeRule = (value: unknown, where: string): Rule => {
    if (typeof value !== 'object' || value === null)
      return compileRule(value, optionalByDefault, where);
    let rule = rules.get(value);
    if (rule === undefined) {
      rule = compileRule(value, optionalByDefault, where);
      rules.set(value, rule);
    }
    return rule;
  };

  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', undefined);
  if (!fastify.hasRequestDecorator(STATE)) fastify.decorateRequest(STATE, null);

  // Route settings are checked when a route is declared, so a bad one fails at startup. Routes
  // declared before this plugin loaded are checked on their first request instead.
  fastify.addHook('onRoute', (route) => {
    const where = ` of ${route.method} ${route.url}`;
    refuseBarePolicies(route as unknown as Readonly<Record<string, unknown>>, where);
    routeRule(route.config?.auth, where);
  });

  // onRequest: before the body is read, so a refused request costs no parsing.
  fastify.addHook(
    'onRequest',
    bearerHook(
      requestAuthenticator(verifier, settings),
      deny,
      (request) => routeRule(request.routeOptions.config?.auth, ''),
      (request, auth: AuthResult | undefined, rule) => {
        // `undefined`: an optional route, and no token at all.
        const state = request as WithState;
        state.auth = auth;
        state[STATE] = { auth, deny };
        if (auth === undefined) return undefined;
        for (const policy of rule.policies) {
          const denied = checkPolicy(policy, auth);
          if (denied !== undefined) return denied;
        }
        return undefined;
      },
    ),
  );
};

/**
 * Fastify 5 plugin: requires a valid Cognito bearer token on every route of the context it is
 * registered in (unless a route's `config.auth` says otherwise), verifies it with core in an
 * `onRequest` hook and puts the result on `request.auth`.
 *
 * Refusals are answered per RFC 6750 §3: `401` with `WWW-Authenticate: Bearer realm="…"`
 * (plus `error="invalid_token"` when a token was presented), `400 invalid_request` for a
 * malformed or ambiguous request, `403 insufficient_scope` when a route policy refuses, `503`
 * with `Retry-After` when the signing keys cannot be fetched; the body is
 * `{ error, error_description }`. Configuration errors fail the registration.
 *
 * @example
 * ```ts
 * await app.register(cognitoGuard, { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' });
 * app.get('/me', (request) => ({ sub: request.auth?.sub }));
 * ```
 */
export const cognitoGuard = fp(plugin, { fastify: '5.x', name: '@cognito-guard/fastify' });
