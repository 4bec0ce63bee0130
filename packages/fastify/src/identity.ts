import {
  AuthError,
  type CognitoIdentity,
  checkIdentityPolicy,
  createIdentityPoolVerifier,
  type IdentityPolicy,
  type IdentityPoolVerifier,
  type IdentityPoolVerifierOptions,
} from '@cognito-guard/core';
import {
  checkHttpAdapterOptions,
  checkOptionKeys,
  HTTP_ADAPTER_KEYS,
  type HttpAdapterOptions,
  requestAuthenticator,
  toHttpDenial,
} from '@cognito-guard/core/http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { bearerHook, type Deny } from './state.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified identity-pool OpenID token, set by `identityPoolGuard`; `undefined` on a
     * route without a token (`optional`) or one with `config.identity: false`.
     */
    identity?: CognitoIdentity | undefined;
  }
  interface FastifyContextConfig {
    /** `false`: this route is not checked by `identityPoolGuard`. */
    identity?: false | undefined;
  }
}

/**
 * Options of {@link identityPoolGuard}: the identity-pool verifier (made with
 * `createIdentityPoolVerifier`, or its options) and core's HTTP adapter options.
 *
 * @example
 * ```ts
 * const options: IdentityPoolGuardOptions = {
 *   identityPool: { identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab', allowGuests: true },
 * };
 * ```
 */
export type IdentityPoolGuardOptions = HttpAdapterOptions & {
  readonly identityPool: IdentityPoolVerifier | IdentityPoolVerifierOptions;
};

const IDENTITY_STATE = Symbol('cognito-guard.fastify.identity');
type WithIdentity = FastifyRequest & {
  [IDENTITY_STATE]: { identity: CognitoIdentity | undefined; deny: Deny } | null;
};

const KEYS = new Set([
  ...[...HTTP_ADAPTER_KEYS].filter((key) => key !== 'verifier'),
  'identityPool',
  'logLevel',
  'logSerializers',
  'prefix',
]);

const plugin: FastifyPluginAsync<IdentityPoolGuardOptions> = async (fastify, options) => {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: identityPoolGuard takes an options object');
  }
  checkOptionKeys(options, KEYS, 'identityPoolGuard');
  const { identityPool, ...adapter } = options;
  const settings = checkHttpAdapterOptions(adapter, 'identityPoolGuard', [
    'logLevel',
    'logSerializers',
    'prefix',
  ]);
  if (typeof identityPool !== 'object' || identityPool === null) {
    throw new TypeError(
      'cognito-guard: identityPool must be a verifier from createIdentityPoolVerifier, or its options',
    );
  }
  const verifier: IdentityPoolVerifier =
    typeof (identityPool as IdentityPoolVerifier).verify === 'function'
      ? (identityPool as IdentityPoolVerifier)
      : createIdentityPoolVerifier(identityPool as IdentityPoolVerifierOptions);
  const deny: Deny = (err, reply) => {
    const denial = toHttpDenial(err, settings);
    if (denial.action !== 'answer') throw denial.error;
    const { status, headers, body } = denial.challenge;
    return reply.code(status).headers(headers).send(body);
  };

  if (!fastify.hasRequestDecorator('identity')) fastify.decorateRequest('identity', undefined);
  if (!fastify.hasRequestDecorator(IDENTITY_STATE)) {
    fastify.decorateRequest(IDENTITY_STATE, null);
  }

  const required = { skip: false, optional: settings.optional };
  const skipped = { skip: true, optional: false };
  fastify.addHook(
    'onRequest',
    bearerHook(
      requestAuthenticator(verifier, settings),
      deny,
      (request) => (request.routeOptions.config?.identity === false ? skipped : required),
      (request, identity: CognitoIdentity | undefined) => {
        const state = request as WithIdentity;
        state.identity = identity;
        state[IDENTITY_STATE] = { identity, deny };
        return undefined;
      },
    ),
  );
};

/**
 * Fastify plugin that accepts **identity-pool OpenID tokens** (`GetOpenIdToken`, signed RS512
 * by `https://cognito-identity.amazonaws.com`) as bearer tokens on every route (except those
 * with `config: { identity: false }`) and puts the verified identity on `request.identity`.
 * Guests are refused (`401`) unless the verifier allows them; refusals are answered per
 * RFC 6750 §3, as `cognitoGuard` answers them.
 *
 * @example
 * ```ts
 * await app.register(identityPoolGuard, { identityPool: { identityPoolId, allowGuests: true } });
 * app.post('/feed', { onRequest: requireIdentity(requireAuthenticated()) }, postToFeed);
 * ```
 */
export const identityPoolGuard = fp(plugin, {
  fastify: '5.x',
  name: '@cognito-guard/fastify/identity-pool',
});

/**
 * A route hook over the identity `identityPoolGuard` verified: `403` when the identity policy
 * refuses (`requireAuthenticated()` for a guest), `401` without a token. On a route the plugin
 * did not check, it fails closed (a 500).
 *
 * @example
 * ```ts
 * app.post('/feed', { onRequest: requireIdentity(requireAuthenticated()) }, postToFeed);
 * ```
 */
export function requireIdentity(
  policy: IdentityPolicy,
): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  if (typeof policy !== 'function') {
    throw new TypeError('cognito-guard: requireIdentity takes an identity policy');
  }
  return async (request, reply) => {
    const state = (request as WithIdentity)[IDENTITY_STATE];
    if (state === null || state === undefined) {
      throw new Error(
        'cognito-guard: requireIdentity ran on a route identityPoolGuard did not check',
      );
    }
    const denied =
      state.identity === undefined
        ? new AuthError('NO_CREDENTIALS')
        : checkIdentityPolicy(policy, state.identity);
    if (denied !== undefined) return state.deny(denied, reply);
    return undefined;
  };
}
