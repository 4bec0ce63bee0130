// The orders API on Fastify: what a real service protected by @cognito-guard/fastify looks
// like. It takes a verifier, so the same app runs against a real Cognito pool (server.mjs) or
// the testing kit's local issuer (demo.mjs).
import { anyOf, requireGroups as groups, requireScopes as scopes } from '@cognito-guard/core';
import { cognitoGuard, requireGroups, requireScopes } from '@cognito-guard/fastify';
import Fastify from 'fastify';

/**
 * @param {{ verifier: import('@cognito-guard/core').Verifier }} options
 * @returns {Promise<import('fastify').FastifyInstance>}
 */
export async function createApp({ verifier }) {
  const orders = new Map([
    ['1', { id: '1', item: 'notebook', quantity: 2, createdBy: 'seed' }],
    ['2', { id: '2', item: 'pencil', quantity: 10, createdBy: 'seed' }],
  ]);
  let nextId = 3;

  const app = Fastify();
  // Every route needs a valid access token from the pool, unless its config says otherwise.
  await app.register(cognitoGuard, { verifier, realm: 'orders' });

  // Public.
  app.get('/health', { config: { auth: false } }, async () => ({ status: 'ok' }));

  app.get('/me', async (request) => {
    const { sub, username, scopes: granted, groups: memberOf, isMachine } = request.auth;
    return { sub, username: username ?? null, scopes: granted, groups: memberOf, isMachine };
  });

  // Readers: the orders/read scope, or the readers group. A route policy is checked in the
  // plugin's onRequest hook, before anything else runs.
  app.get(
    '/orders',
    { config: { auth: { policy: anyOf(scopes('orders/read'), groups('readers')) } } },
    async () => ({ orders: [...orders.values()] }),
  );

  // Writers: the orders/write scope. Guards also work as a route policy...
  app.post(
    '/orders',
    {
      config: { auth: { policy: requireScopes('orders/write') } },
      schema: {
        body: {
          type: 'object',
          required: ['item', 'quantity'],
          properties: { item: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (request, reply) => {
      const order = { id: String(nextId++), ...request.body, createdBy: request.auth.sub };
      orders.set(order.id, order);
      return reply.code(201).send(order);
    },
  );

  // ...and as route hooks. Admins: the admin group.
  app.delete('/orders/:id', { onRequest: requireGroups('admin') }, async (request, reply) => {
    if (!orders.delete(request.params.id)) {
      return reply.code(404).send({ error: 'no such order' });
    }
    return reply.code(204).send();
  });

  return app;
}
