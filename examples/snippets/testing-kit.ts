import { createVerifier } from '@cognito-guard/core';
import { createTestIssuer } from '@cognito-guard/testing';

const issuer = await createTestIssuer(); // keys + a JWKS server on 127.0.0.1
const verifier = createVerifier({
  userPoolId: issuer.userPoolId,
  clientId: issuer.clientId,
  tokenUse: 'access',
  jwksUri: issuer.jwksUri,
});
const token = await issuer.mintAccessToken({ username: 'alice', groups: ['admin'] });
const auth = await verifier.verify(token); // auth.groups: ['admin']
console.log(auth.username);
await issuer.close();
