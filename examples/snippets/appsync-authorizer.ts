import { createAppSyncAuthorizer } from '@cognito-guard/appsync';
import { requireGroups } from '@cognito-guard/core';

// The Lambda authorizer of AppSync's AWS_LAMBDA auth mode.
export const handler = createAppSyncAuthorizer({
  verifier: { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' },
  fields: { 'Mutation.deletePost': requireGroups('admin') }, // others get it in deniedFields
  ttlSeconds: 300, // capped at the token's remaining lifetime
});
