import {
  allowGuests,
  checkIdentityPolicy,
  createIdentityPoolVerifier,
  iamCallerFromEvent,
  requireAuthenticated,
} from '@cognito-guard/core';

const identityPoolId = 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab';

// An identity-pool OpenID token (GetOpenIdToken): RS512, aud = the identity pool.
const identities = createIdentityPoolVerifier({ identityPoolId, allowGuests: true });
export async function whoIs(token: string) {
  const identity = await identities.verify(token);
  return identity.guest ? `guest ${identity.identityId}` : identity.userPool?.sub;
}

// A request API Gateway or AppSync authorized with IAM (SigV4): who signed it.
export function canWrite(event: unknown): boolean {
  const caller = iamCallerFromEvent(event, { identityPoolId });
  if (checkIdentityPolicy(allowGuests(), caller) !== undefined) return false; // plain IAM user
  return checkIdentityPolicy(requireAuthenticated(), caller) === undefined; // not a guest
}
