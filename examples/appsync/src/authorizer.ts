import { createAppSyncAuthorizer } from '@cognito-guard/appsync';
import { requireGroups } from '@cognito-guard/core';
import { verifierOptions } from './config.js';

/**
 * Field rules: the fields a caller may not read are returned in `deniedFields`, and AppSync
 * forces them to null. They depend on the token only, so the answer can be cached.
 */
export const fields = {
  'Mutation.deletePost': requireGroups('admin'),
  'Query.auditLog': requireGroups({ anyOf: ['auditors', 'admin'] }),
};

/**
 * The Lambda authorizer of the API's AWS_LAMBDA mode. Created at module scope: the verifier,
 * its JWKS cache and its token cache live as long as the Lambda execution environment.
 * Clients send `Authorization: Bearer <access token>` (the prefix tells AppSync this is for
 * the Lambda mode, not the Cognito one).
 */
export const handler = createAppSyncAuthorizer({
  verifier: verifierOptions(),
  fields,
  ttlSeconds: 300,
});
