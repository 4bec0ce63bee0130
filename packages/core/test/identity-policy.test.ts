import {
  allOfIdentity,
  allowGuests,
  anyOfIdentity,
  checkIdentityPolicy,
  type IamCaller,
  iamCallerFromEvent,
  requireAuthenticated,
  requireIdentityPool,
  requireLoginProvider,
} from '@cognito-guard/core';
import { describe, expect, it } from 'vitest';

const POOL = 'us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce';
const OTHER = 'us-east-1:5f291106-8703-466b-8f2b-3ecee1ca56ce';
const ID = 'us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce';

function httpCaller(amr: string[] | null): IamCaller {
  return iamCallerFromEvent(
    {
      requestContext: {
        authorizer: {
          iam: {
            userArn: 'arn:aws:sts::123456789012:assumed-role/r/s',
            cognitoIdentity: amr === null ? null : { amr, identityId: ID, identityPoolId: POOL },
          },
        },
      },
    },
    { identityPoolId: POOL },
  );
}

const guest = httpCaller(['unauthenticated']);
const google = httpCaller(['authenticated', 'accounts.google.com', 'accounts.google.com:42']);
const iamUser = httpCaller(null);
const codeOf = (policy: Parameters<typeof checkIdentityPolicy>[0], caller: IamCaller) =>
  checkIdentityPolicy(policy, caller)?.code;

describe('identity policies', () => {
  it('requireAuthenticated refuses guests and plain IAM principals', () => {
    expect(codeOf(requireAuthenticated(), google)).toBeUndefined();
    expect(codeOf(requireAuthenticated(), guest)).toBe('CLAIM_CHECK');
    expect(codeOf(requireAuthenticated(), iamUser)).toBe('CLAIM_CHECK');
  });

  it('allowGuests allows guests and signed-in identities, never plain IAM principals', () => {
    expect(codeOf(allowGuests(), guest)).toBeUndefined();
    expect(codeOf(allowGuests(), google)).toBeUndefined();
    expect(codeOf(allowGuests(), iamUser)).toBe('CLAIM_CHECK');
  });

  it('requireIdentityPool and requireLoginProvider compare exactly', () => {
    expect(codeOf(requireIdentityPool(POOL), guest)).toBeUndefined();
    expect(codeOf(requireIdentityPool(OTHER), guest)).toBe('CLAIM_CHECK');
    expect(codeOf(requireLoginProvider('accounts.google.com'), google)).toBeUndefined();
    expect(codeOf(requireLoginProvider('graph.facebook.com'), google)).toBe('CLAIM_CHECK');
    expect(codeOf(requireLoginProvider('accounts.google.com'), guest)).toBe('CLAIM_CHECK');
  });

  it('composes with allOfIdentity and anyOfIdentity', () => {
    const writers = allOfIdentity(requireAuthenticated(), requireIdentityPool(POOL));
    expect(codeOf(writers, google)).toBeUndefined();
    expect(codeOf(writers, guest)).toBe('CLAIM_CHECK');
    const social = anyOfIdentity(
      requireLoginProvider('graph.facebook.com'),
      requireLoginProvider('accounts.google.com'),
    );
    expect(codeOf(social, google)).toBeUndefined();
  });

  it('refuses empty lists at creation', () => {
    expect(() => requireIdentityPool()).toThrow(TypeError);
    expect(() => allOfIdentity()).toThrow(TypeError);
  });
});
