// src/authorizer.ts: the entry the construct bundles with esbuild.
import { createHttpApiAuthorizer } from '@cognito-guard/lambda';
import { cacheKey, routes } from './routes.js';

export const handler = createHttpApiAuthorizer({
  response: 'simple',
  verifier: {
    userPoolId: process.env.USER_POOL_ID!,
    clientId: process.env.CLIENT_ID!,
    tokenUse: 'access',
  },
  routes,
  cacheKey,
});
