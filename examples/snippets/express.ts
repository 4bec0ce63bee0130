import { cognitoAuth, requireGroups, requireScopes } from '@cognito-guard/express';
import express from 'express';

const app = express();
app.get('/health', (_req, res) => res.json({ ok: true })); // public: mounted before the middleware
app.use(
  cognitoAuth({ userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' }),
);
app.get('/orders', requireScopes('orders/read'), (req, res) => res.json({ user: req.auth?.sub }));
app.delete('/orders/:id', requireGroups('admin'), (_req, res) => res.status(204).end());
app.listen(3000);
