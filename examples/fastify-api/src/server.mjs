// Runs the orders API against a real Cognito user pool:
//
//   COGNITO_USER_POOL_ID=us-east-1_AbC123 COGNITO_CLIENT_ID=1example23456789 node src/server.mjs
//
// The verifier fetches the pool's keys from Cognito (https://cognito-idp.<region>.amazonaws.com/
// <pool>/.well-known/jwks.json) and accepts access tokens issued to that app client.
import { createVerifier } from '@cognito-guard/core';
import { createApp } from './app.mjs';

const userPoolId = process.env.COGNITO_USER_POOL_ID;
const clientId = process.env.COGNITO_CLIENT_ID;
if (!userPoolId || !clientId) {
  console.error('Set COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID (or run `pnpm demo --fastify`).');
  process.exit(1);
}

const verifier = createVerifier({ userPoolId, clientId: clientId.split(','), tokenUse: 'access' });
// Warm the key cache, so the first request does not wait for the JWKS.
await verifier.hydrate();

const app = await createApp({ verifier });
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
await app.listen({ host, port });
console.log(`orders API on http://${host}:${port}`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => app.close().then(() => process.exit(0)));
}
