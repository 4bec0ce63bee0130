import { requireGroups, requireScopes } from '@cognito-guard/core';
import { createRestTokenAuthorizer } from '@cognito-guard/lambda';

// Module scope: the verifier and its caches live as long as the Lambda environment.
export const handler = createRestTokenAuthorizer({
  verifier: { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' },
  routes: {
    'GET /orders': requireScopes('orders/read'), // one policy for every route: safe under the result cache
    'DELETE /orders/{id}': requireGroups('admin'),
  },
});
