// The minimal aws-jwt-verify REST TOKEN authorizer a team would write by hand: verifier at
// module scope, stage wildcard Allow for a valid token, `Unauthorized` otherwise.
// aws-jwt-verify derives the JWKS URI from the pool id; JWKS_URI sends its fetches to the
// bench's local JWKS server instead (its own fetcher and cache, only the URL changed).
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleFetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

const jwksUri = process.env.JWKS_URI;
const fetcher = new SimpleFetcher();
const verifier = CognitoJwtVerifier.create(
  { userPoolId: process.env.USER_POOL_ID, tokenUse: 'access', clientId: process.env.CLIENT_ID },
  jwksUri
    ? {
        jwksCache: new SimpleJwksCache({
          fetcher: { fetch: (_uri, options, data) => fetcher.fetch(jwksUri, options, data) },
        }),
      }
    : undefined,
);

export async function handler(event) {
  const header = event.authorizationToken ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : header;
  let payload;
  try {
    payload = await verifier.verify(token);
  } catch {
    throw new Error('Unauthorized');
  }
  const [apiArn, stage] = event.methodArn.split('/');
  return {
    principalId: payload.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${apiArn}/${stage}/*` },
      ],
    },
    context: { sub: payload.sub },
  };
}
