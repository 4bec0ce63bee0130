import { requireScopes } from '@cognito-guard/core';
import { createHttpApiAuthorizer } from '@cognito-guard/lambda';

// HTTP API, payload 2.0, simple responses: { isAuthorized, context }.
export const handler = createHttpApiAuthorizer({
  response: 'simple',
  verifier: { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' },
  policy: requireScopes('orders/read'), // the same answer on every route: cache-safe
});
