import {
  type CognitoAuthEnv,
  cognitoAuth,
  requireGroups,
  requireScopes,
} from '@cognito-guard/hono';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono<CognitoAuthEnv>();
app.get('/health', (c) => c.json({ ok: true })); // public: outside /api/*
app.use(
  '/api/*',
  cognitoAuth({ userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' }),
);
app.get('/api/orders', requireScopes('orders/read'), (c) => c.json({ user: c.get('auth')?.sub }));
app.delete('/api/orders/:id', requireGroups('admin'), (c) => c.body(null, 204));

serve({ fetch: app.fetch, port: 3000 });
