// Compiled by `pnpm typecheck`, never run. Each @ts-expect-error marks code that must not
// compile; if it ever does, tsc reports the directive as unused and the typecheck fails.
import {
  type AuthResult,
  createVerifier,
  requireGroups as groupsPolicy,
} from '@cognito-guard/core';
import {
  cognitoGuard,
  type HttpAuthError,
  isAuthError,
  requireGroups,
  requireScopes,
} from '@cognito-guard/fastify';
import Fastify from 'fastify';

export async function typed(): Promise<void> {
  const app = Fastify();
  const verifier = createVerifier({
    userPoolId: 'us-east-1_Example',
    clientId: 'client',
    tokenUse: 'access',
  });

  // Either a verifier, or the options createVerifier takes.
  await app.register(cognitoGuard, { verifier, optional: true, realm: 'api', passErrors: false });
  await app.register(cognitoGuard, {
    userPoolId: 'us-east-1_Example',
    clientId: null,
    tokenUse: 'id',
  });
  // @ts-expect-error tokenUse is required
  await app.register(cognitoGuard, { userPoolId: 'us-east-1_Example', clientId: 'client' });
  // @ts-expect-error a verifier or its options, not both
  await app.register(cognitoGuard, { verifier, userPoolId: 'us-east-1_Example' });

  // request.auth is typed by declaration merging.
  app.get('/me', async (request) => {
    const auth: AuthResult | undefined = request.auth;
    // @ts-expect-error auth may be undefined (skipped and optional routes)
    return { sub: request.auth.sub, auth };
  });

  // Route settings are typed, and guard hooks fit every hook slot and typed routes.
  app.get('/health', { config: { auth: false } }, async () => 'ok');
  app.get('/feed', { config: { auth: { optional: true } } }, async () => 'feed');
  app.get('/admin', { config: { auth: { policy: requireGroups('admin') } } }, async () => 'admin');
  app.delete<{ Params: { id: string } }>(
    '/orders/:id',
    {
      config: { auth: { policy: [groupsPolicy('admin')] } },
      preHandler: requireScopes('orders/write'),
    },
    async (request) => request.params.id,
  );
  app.post<{ Body: { item: string } }>(
    '/orders',
    { onRequest: requireGroups('writers'), preValidation: [requireScopes('orders/write')] },
    async (request) => request.body.item,
  );
  // (A misspelt setting such as `optinal` compiles, because Fastify infers the route's config
  // type from the literal; the plugin rejects it when the route is declared.)
  // @ts-expect-error route policies are core policies, not strings
  app.get('/bad', { config: { auth: { policy: 'admin' } } }, async () => 'x');

  app.setErrorHandler((err, _request, reply) => {
    if (isAuthError(err)) {
      const { statusCode, headers, body } = err as HttpAuthError;
      return reply.code(statusCode).headers(headers).send(body);
    }
    return reply.send(err);
  });
}
