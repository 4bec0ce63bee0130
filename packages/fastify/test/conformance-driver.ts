import { requireGroups as groupsPolicy, requireScopes as scopesPolicy } from '@cognito-guard/core';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type {
  Driver,
  DriverApp,
  IdentityDriverStartOptions,
} from '../../../test/conformance/driver.js';
import { httpOutcome, sendHttp } from '../../../test/conformance/http-client.js';
import {
  cognitoGuard,
  type GuardHook,
  guard,
  identityPoolGuard,
  requireGroups,
  requireIdentity,
  requireScopes,
} from '../src/index.js';

/** An ordinary error handler: it only reads the error's own statusCode and headers. */
function reportErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { headers?: Record<string, string> }, _req, reply) =>
    reply
      .code(typeof err.statusCode === 'number' ? err.statusCode : 500)
      .headers(err.headers ?? {})
      .send({ code: err.code ?? null }),
  );
}

/** Serves `app` on 127.0.0.1, port 0, until `close()`. */
async function serve(app: FastifyInstance): Promise<DriverApp> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    send: async (request) => httpOutcome(await sendHttp(port, request)),
    close: () => app.close(),
  };
}

/**
 * Identity-pool OpenID tokens: `identityPoolGuard` checks every route of the scope it is
 * registered in, so required and optional routes each get their own scope; policies are
 * `requireIdentity` route hooks.
 */
async function startIdentity({
  identityPool,
  routes,
  realm,
  mode,
}: IdentityDriverStartOptions): Promise<DriverApp> {
  const app = Fastify();
  reportErrors(app);
  for (const optional of [false, true]) {
    await app.register(async (scope) => {
      await scope.register(identityPoolGuard, {
        identityPool,
        realm,
        passErrors: mode === 'pass-errors',
        optional,
      });
      for (const route of routes.filter((r) => (r.auth === 'optional') === optional)) {
        const onRequest = route.policy === undefined ? [] : [requireIdentity(route.policy)];
        scope.get(route.path, { onRequest }, async (request) => ({
          sub: request.identity?.identityId ?? null,
        }));
      }
    });
  }
  return serve(app);
}

/**
 * The conformance driver for Fastify 5: one app per case, real HTTP on 127.0.0.1. `config`
 * puts each route's policy in `config.auth`; `hooks` uses the guard hooks (`preHandler`), and
 * also runs the identity-pool table (`identityPoolGuard`, `requireIdentity`).
 */
export function fastifyDriver(style: 'config' | 'hooks'): Driver {
  return {
    name: `fastify 5 (${style})`,
    surface: 'http',
    modes: ['respond', 'pass-errors'],
    async start({ verifier, routes, realm, mode }): Promise<DriverApp> {
      const app = Fastify();
      await app.register(cognitoGuard, { verifier, realm, passErrors: mode === 'pass-errors' });
      reportErrors(app);
      for (const route of routes) {
        const handler = async (request: { auth?: { sub: string } | undefined }) => ({
          sub: request.auth?.sub ?? null,
        });
        if (style === 'config') {
          const policy = [
            ...(route.scopes === undefined ? [] : [scopesPolicy(...route.scopes)]),
            ...(route.groups === undefined ? [] : [groupsPolicy(...route.groups)]),
            ...(route.policy === undefined ? [] : [route.policy]),
          ];
          const auth =
            route.auth === 'optional' ? { optional: true } : policy.length > 0 ? { policy } : {};
          app.get(route.path, { config: { auth } }, handler);
        } else {
          const preHandler: GuardHook[] = [];
          if (route.scopes !== undefined) preHandler.push(requireScopes(...route.scopes));
          if (route.groups !== undefined) preHandler.push(requireGroups(...route.groups));
          if (route.policy !== undefined) preHandler.push(guard(route.policy));
          const auth = route.auth === 'optional' ? { optional: true } : {};
          app.get(route.path, { config: { auth }, preHandler }, handler);
        }
      }
      return serve(app);
    },
    // The identity-pool plugin does not depend on the style: its table runs once, here.
    ...(style === 'hooks' ? { startIdentity } : {}),
  };
}
