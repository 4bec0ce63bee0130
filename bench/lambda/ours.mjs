// A REST TOKEN authorizer with @cognito-guard/lambda, as its README shows: authentication only,
// the stage wildcard policy, the verifier created at module scope. JWKS_URI points the
// verifier at the bench's local JWKS server instead of Cognito.
import { createRestTokenAuthorizer } from '@cognito-guard/lambda';

export const handler = createRestTokenAuthorizer({
  verifier: {
    userPoolId: process.env.USER_POOL_ID,
    clientId: process.env.CLIENT_ID,
    tokenUse: 'access',
    jwksUri: process.env.JWKS_URI,
  },
});
