// The orders API: what a real service protected by @cognito-guard/express looks like. It takes
// a verifier, so the same app runs against a real Cognito pool (server.mjs) or the testing
// kit's local issuer (demo.mjs).
import { anyOf, requireGroups as groups, requireScopes as scopes } from '@cognito-guard/core';
import { cognitoAuth, guard, requireGroups, requireScopes } from '@cognito-guard/express';
import express from 'express';

/**
 * @param {{ verifier: import('@cognito-guard/core').Verifier }} options
 * @returns {import('express').Express}
 */
export function createApp({ verifier }) {
  const orders = new Map([
    ['1', { id: '1', item: 'notebook', quantity: 2, createdBy: 'seed' }],
    ['2', { id: '2', item: 'pencil', quantity: 10, createdBy: 'seed' }],
  ]);
  let nextId = 3;

  const app = express();
  app.disable('x-powered-by');

  // Public: declared before the middleware, so it never looks at a token.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Every route below needs a valid access token from the pool.
  app.use(cognitoAuth({ verifier, realm: 'orders' }));

  app.get('/me', (req, res) => {
    const { sub, username, scopes: granted, groups: memberOf, isMachine } = req.auth;
    res.json({ sub, username: username ?? null, scopes: granted, groups: memberOf, isMachine });
  });

  // Readers: the orders/read scope (an app client or resource server grant), or the readers group.
  app.get('/orders', guard(anyOf(scopes('orders/read'), groups('readers'))), (_req, res) => {
    res.json({ orders: [...orders.values()] });
  });

  // Writers: the orders/write scope.
  app.post('/orders', requireScopes('orders/write'), express.json(), (req, res) => {
    const { item, quantity } = req.body ?? {};
    if (typeof item !== 'string' || !Number.isInteger(quantity) || quantity < 1) {
      res.status(422).json({ error: 'item (string) and quantity (positive integer) are required' });
      return;
    }
    const order = { id: String(nextId++), item, quantity, createdBy: req.auth.sub };
    orders.set(order.id, order);
    res.status(201).json(order);
  });

  // Admins: the admin group.
  app.delete('/orders/:id', requireGroups('admin'), (req, res) => {
    if (!orders.delete(req.params.id)) {
      res.status(404).json({ error: 'no such order' });
      return;
    }
    res.status(204).end();
  });

  return app;
}
