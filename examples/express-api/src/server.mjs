// Runs the orders API against a real Cognito user pool:
//
//   COGNITO_USER_POOL_ID=us-east-1_AbC123 COGNITO_CLIENT_ID=1example23456789 node src/server.mjs
//
// The verifier fetches the pool's keys from Cognito (https://cognito-idp.<region>.amazonaws.com/
// <pool>/.well-known/jwks.json) and accepts access tokens issued to that app client.
// POST /sign-out signs the caller out through Cognito (with the AWS SDK's default credentials
// and region) and a revocation list; this one lives in memory, enough for one instance: a
// fleet shares one with `redisStore` or `dynamoDbStore` (see @cognito-guard/revocation).
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createVerifier } from '@cognito-guard/core';
import { createRevocationList } from '@cognito-guard/revocation';
import { createCognitoSignOut } from '@cognito-guard/revocation/cognito';
import { createApp } from './app.mjs';

const userPoolId = process.env.COGNITO_USER_POOL_ID;
const clientId = process.env.COGNITO_CLIENT_ID;
if (!userPoolId || !clientId) {
  console.error(
    'Set COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID (or run `pnpm demo` for a local pool).',
  );
  process.exit(1);
}

const clientIds = clientId.split(',');
const revocations = createRevocationList();
const verifier = createVerifier({
  userPoolId,
  clientId: clientIds,
  tokenUse: 'access',
  isRevoked: revocations.isRevoked,
});
const signOut = createCognitoSignOut({
  client: new CognitoIdentityProviderClient({ region: userPoolId.split('_')[0] }),
  list: revocations,
  // RevokeToken names the app client that issued the refresh token: the first one listed.
  clientId: clientIds[0],
  userPoolId,
});
// Warm the key cache, so the first request does not wait for the JWKS.
await verifier.hydrate();

const port = Number(process.env.PORT ?? 3000);
const server = createApp({ verifier, signOut }).listen(
  port,
  process.env.HOST ?? '127.0.0.1',
  () => {
    console.log(`orders API on http://${process.env.HOST ?? '127.0.0.1'}:${port}`);
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
