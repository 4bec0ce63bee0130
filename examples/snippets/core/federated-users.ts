import { allOf, createVerifier, requireFederation, requireGroups } from '@cognito-guard/core';

const verifier = createVerifier({
  userPoolId: 'us-east-1_Example',
  clientId: 'app-client-id',
  tokenUse: 'id',
});
// Signed in through Google or the company's SAML provider, and in the staff group.
const staff = allOf(requireFederation('Google', 'CorpSAML'), requireGroups('staff'));

export async function federatedUser(token: string) {
  const auth = await verifier.verify(token);
  staff(auth); // throws AuthError('CLAIM_CHECK' | 'GROUP_NOT_ALLOWED') when not
  return auth.federation.map((f) => `${f.providerName}:${f.userId}`);
}
