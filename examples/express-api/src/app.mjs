// The orders API: what a real service protected by @cognito-guard/express looks like. It takes
// a verifier, so the same app runs against a real Cognito pool (server.mjs) or the testing
// kit's local issuer (demo.mjs), and optionally a sign-out helper for POST /sign-out.
import { anyOf, requireGroups as groups, requireScopes as scopes } from '@cognito-guard/core';
import { cognitoAuth, guard, requireGroups, requireScopes } from '@cognito-guard/express';
import express from 'express';

/**
 * @param {{
 *   verifier: import('@cognito-guard/core').Verifier,
 *   signOut?: import('@cognito-guard/revocation/cognito').CognitoSignOut,
 * }} options `signOut` (from `createCognitoSignOut`, with the revocation list the verifier's
 *   `isRevoked` reads) adds `POST /sign-out`.
 * @returns {import('express').Express}
 */
export function createApp({ verifier, signOut }) {
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

  if (signOut !== undefined) {
    // Sign-out that holds: Cognito stops the refresh tokens, and the revocation list refuses
    // the tokens already issued (Cognito cannot recall those: a JWT verified locally stays
    // valid until it expires, https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html).
    // With `{ "refreshToken": "..." }`: this session only (RevokeToken, origin_jti). Without:
    // every session of the user (GlobalSignOut with the caller's access token, sub).
    app.post('/sign-out', express.json(), async (req, res) => {
      if (req.auth.isMachine) {
        res.status(400).json({ error: 'a client-credentials token has no user to sign out' });
        return;
      }
      const { refreshToken } = req.body ?? {};
      if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
        res.status(422).json({ error: 'refreshToken, when given, must be a non-empty string' });
        return;
      }
      try {
        if (refreshToken === undefined) {
          // The middleware verified the bearer token in this header: it is the access token.
          const accessToken = req.get('authorization').slice('Bearer '.length).trim();
          await signOut.signOut({ accessToken, claims: req.auth.claims });
        } else {
          await signOut.revokeSession({ refreshToken, claims: req.auth.claims });
        }
      } catch (err) {
        if (err?.name !== 'SignOutError') throw err;
        // One step failed (both were attempted): say which, so the client retries; both steps
        // are idempotent. With the list 'ok' or 'pending', the token is refused here already.
        res
          .status(502)
          .json({ error: 'sign-out incomplete', list: err.list, cognito: err.cognito });
        return;
      }
      res.status(204).end();
    });
  }

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
