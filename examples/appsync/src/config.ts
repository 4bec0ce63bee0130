import type { VerifierOptions } from '@cognito-guard/core';

/**
 * The verifier settings every Lambda of the example reads from its environment:
 * `USER_POOL_ID`, `CLIENT_ID`, and `JWKS_URI` only to point at a local issuer in tests.
 */
export function verifierOptions(env: NodeJS.ProcessEnv = process.env): VerifierOptions<'access'> {
  const userPoolId = env.USER_POOL_ID;
  const clientId = env.CLIENT_ID;
  if (userPoolId === undefined || clientId === undefined) {
    throw new TypeError('USER_POOL_ID and CLIENT_ID must be set');
  }
  return { userPoolId, clientId, tokenUse: 'access', jwksUri: env.JWKS_URI };
}
