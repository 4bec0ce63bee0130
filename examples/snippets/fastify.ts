import { cognitoGuard, requireGroups, requireScopes } from '@cognito-guard/fastify';
import Fastify from 'fastify';

const app = Fastify();
await app.register(cognitoGuard, {
  userPoolId: 'us-east-1_Example',
  clientId: 'app-client-id',
  tokenUse: 'access',
});
app.get('/health', { config: { auth: false } }, async () => ({ ok: true }));
app.get('/orders', { config: { auth: { policy: requireScopes('orders/read') } } }, async (req) => ({
  user: req.auth?.sub,
}));
app.delete('/orders/:id', { onRequest: requireGroups('admin') }, async (_req, reply) =>
  reply.code(204).send(),
);
await app.listen({ port: 3000 });
