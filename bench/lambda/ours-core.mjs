// Fallback while @cognito-guard/lambda is not built: a minimal REST TOKEN authorizer on
// @cognito-guard/core's createVerifier, the same shape as lambda/aws.mjs.
import { createVerifier } from '@cognito-guard/core';

const verifier = createVerifier({
  userPoolId: process.env.USER_POOL_ID,
  clientId: process.env.CLIENT_ID,
  tokenUse: 'access',
  jwksUri: process.env.JWKS_URI,
});

export async function handler(event) {
  const header = event.authorizationToken ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : header;
  let auth;
  try {
    auth = await verifier.verify(token);
  } catch {
    throw new Error('Unauthorized');
  }
  const [apiArn, stage] = event.methodArn.split('/');
  return {
    principalId: auth.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${apiArn}/${stage}/*` },
      ],
    },
    context: { sub: auth.sub },
  };
}
