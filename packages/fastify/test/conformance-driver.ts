import { requireGroups as groupsPolicy, requireScopes as scopesPolicy } from '@cognito-guard/core';
import Fastify, { type FastifyError } from 'fastify';
import type { Driver, DriverApp } from '../../../test/conformance/driver.js';
import { httpOutcome, sendHttp } from '../../../test/conformance/http-client.js';
import { cognitoGuard, type GuardHook, guard, requireGroups, requireScopes } from '../src/index.js';

/**
 * The conformance driver for Fastify 5: one app per case, real HTTP on 127.0.0.1. `config`
 * puts each route's policy in `config.auth`; `hooks` uses the guard hooks (`preHandler`).
 */
export function fastifyDriver(style: 'config' | 'hooks'): Driver {
  return {
    name: `fastify 5 (${style})`,
    surface: 'http',
    modes: ['respond', 'pass-errors'],
    async start({ verifier, routes, realm, mode }): Promise<DriverApp> {
      const app = Fastify();
      await app.register(cognitoGuard, { verifier, realm, passErrors: mode === 'pass-errors' });
      // An ordinary error handler: it only reads the error's own statusCode and headers.
      app.setErrorHandler((err: FastifyError & { headers?: Record<string, string> }, _req, reply) =>
        reply
          .code(typeof err.statusCode === 'number' ? err.statusCode : 500)
          .headers(err.headers ?? {})
          .send({ code: err.code ?? null }),
      );
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
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      return {
        send: async (request) => httpOutcome(await sendHttp(port, request)),
        close: () => app.close(),
      };
    },
  };
}
