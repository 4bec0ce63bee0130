/**
 * Federated users (`identities`) and group roles (`cognito:roles`, `cognito:preferred_role`)
 * in user-pool ID tokens: strictly typed, refused with CLAIM_TYPE when a claim has another
 * shape than Cognito writes (developer guide, "Understanding the identity (ID) token":
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html),
 * and read by the policies without touching raw claims. Every token is signed by the pool's
 * own key: only the claim under test is wrong.
 */
import {
  allOf,
  checkPolicy,
  createVerifier,
  requireFederation,
  requireGroups,
  requirePreferredRole,
  requireRoles,
} from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, payloadOf, rejectionCode } from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
const EDITORS = 'arn:aws:iam::123456789012:role/editors';
const READERS = 'arn:aws:iam::123456789012:role/readers';

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
});

afterAll(async () => {
  await issuer?.close();
});

function verifier() {
  return createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'id',
    jwksUri: issuer.jwksUri,
    jwks: { ca: issuer.ca, clock: clock.now },
    clock: clock.now,
  });
}

const GOOGLE = {
  userId: '109876543210987654321',
  providerName: 'Google',
  providerType: 'Google',
  issuer: null,
  primary: 'true',
  dateCreated: '1642699117273',
};

/** An ID token of the test pool with `extra` claims merged in, signed by the pool's key. */
async function idToken(extra: Record<string, unknown>): Promise<string> {
  const base = payloadOf(await issuer.mintIdToken({ username: 'Google_109876543210987654321' }));
  return issuer.sign({ ...base, ...extra });
}

describe('federated users and roles', () => {
  it('reads identities and roles into the result', async () => {
    const auth = await verifier().verify(
      await idToken({
        identities: [GOOGLE],
        'cognito:roles': [EDITORS, READERS],
        'cognito:preferred_role': EDITORS,
      }),
    );
    expect(auth.federation).toEqual([
      {
        userId: GOOGLE.userId,
        providerName: 'Google',
        providerType: 'Google',
        issuer: undefined,
        primary: true,
        dateCreated: 1642699117273,
      },
    ]);
    expect(auth.roles).toEqual({ arns: [EDITORS, READERS], preferred: EDITORS });
    expect(checkPolicy(requireFederation('Google'), auth)).toBeUndefined();
    expect(checkPolicy(requireFederation('SignInWithApple'), auth)?.code).toBe('CLAIM_CHECK');
    expect(checkPolicy(requireRoles(EDITORS), auth)).toBeUndefined();
    expect(checkPolicy(requirePreferredRole(READERS), auth)?.code).toBe('CLAIM_CHECK');
    expect(checkPolicy(allOf(requireFederation(), requireGroups('admins')), auth)?.code).toBe(
      'GROUP_NOT_ALLOWED',
    );
  });

  it('a user who is not federated has empty federation and no roles', async () => {
    const auth = await verifier().verify(await idToken({}));
    expect(auth.federation).toEqual([]);
    expect(auth.roles).toEqual({ arns: [], preferred: undefined });
    expect(checkPolicy(requireFederation(), auth)?.code).toBe('CLAIM_CHECK');
    expect(checkPolicy(requireRoles(EDITORS), auth)?.code).toBe('CLAIM_CHECK');
  });

  it('identities as a string: CLAIM_TYPE', async () => {
    const token = await idToken({ identities: JSON.stringify([GOOGLE]) });
    expect(await rejectionCode(verifier().verify(token))).toBe('CLAIM_TYPE');
  });

  it('identities with a non-string providerName: CLAIM_TYPE', async () => {
    const token = await idToken({ identities: [{ ...GOOGLE, providerName: ['Google'] }] });
    expect(await rejectionCode(verifier().verify(token))).toBe('CLAIM_TYPE');
  });

  it('identities with primary as a boolean: CLAIM_TYPE', async () => {
    const token = await idToken({ identities: [{ ...GOOGLE, primary: true }] });
    expect(await rejectionCode(verifier().verify(token))).toBe('CLAIM_TYPE');
  });

  it('cognito:roles as a string: CLAIM_TYPE', async () => {
    const token = await idToken({ 'cognito:roles': EDITORS });
    expect(await rejectionCode(verifier().verify(token))).toBe('CLAIM_TYPE');
  });

  it('cognito:preferred_role as a list: CLAIM_TYPE', async () => {
    const token = await idToken({ 'cognito:preferred_role': [EDITORS] });
    expect(await rejectionCode(verifier().verify(token))).toBe('CLAIM_TYPE');
  });
});
