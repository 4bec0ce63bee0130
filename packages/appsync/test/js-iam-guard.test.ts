import { util } from '@aws-appsync/utils';
import { iamCallerFromEvent } from '@cognito-guard/core';
import { appSyncIamResolverEvent, type TestIamCaller } from '@cognito-guard/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { iamCaller, requireIamIdentity } from '../js/guard.js';
import { resolverFixture } from './helpers.js';

/** `util.unauthorized()` ends an APPSYNC_JS handler by throwing; so does this stand-in. */
class Unauthorized extends Error {
  override readonly name = 'Unauthorized';
}

beforeEach(() => {
  Object.assign(util, {
    unauthorized(): never {
      throw new Unauthorized('Unauthorized');
    },
  });
});

function outcome(run: () => unknown): 'allowed' | 'unauthorized' {
  try {
    run();
    return 'allowed';
  } catch (err) {
    if (err instanceof Unauthorized) return 'unauthorized';
    throw err;
  }
}

const POOL = 'us-east-1:0f291106-8703-466b-8f2b-3ecee1ca56ce';
const SUB = '8f0e2c4a-1b2c-4d5e-8f90-123456789abc';
const member: TestIamCaller = {
  kind: 'identity',
  identityPoolId: POOL,
  identityId: 'us-east-1:member',
  login: { kind: 'user-pool', userPoolId: 'us-east-1_Example', sub: SUB },
};
const google: TestIamCaller = {
  kind: 'identity',
  identityPoolId: POOL,
  identityId: 'us-east-1:google',
  login: { kind: 'social', provider: 'accounts.google.com', userId: '42' },
};
const guest: TestIamCaller = {
  kind: 'identity',
  identityPoolId: POOL,
  identityId: 'us-east-1:guest',
  login: { kind: 'guest' },
};
const ops: TestIamCaller = { kind: 'iam-user', userArn: 'arn:aws:iam::123456789012:user/ops' };
const ctxOf = (caller: TestIamCaller) => appSyncIamResolverEvent(caller, { fieldName: 'feed' });

describe('APPSYNC_JS guard: AWS_IAM callers', () => {
  it('reads the same caller as iamCallerFromEvent for each kind of caller', () => {
    for (const caller of [member, google, guest, ops]) {
      const event = ctxOf(caller);
      const js = iamCaller(event);
      const core = iamCallerFromEvent(event, { identityPoolId: POOL });
      if (core.kind === 'iam') {
        expect(js).toEqual({ kind: 'iam', userArn: core.userArn });
      } else {
        expect(js).toMatchObject({
          kind: 'cognito-identity',
          identityId: core.identityId,
          identityPoolId: core.identityPoolId,
          guest: core.guest,
          providers: core.providers,
          userPool: core.userPool ?? null,
        });
      }
    }
  });

  it('lets guests in only when allowed, and only from the named pools', () => {
    const options = { identityPoolId: POOL, allowGuests: true };
    expect(outcome(() => requireIamIdentity(ctxOf(guest), options))).toBe('allowed');
    expect(outcome(() => requireIamIdentity(ctxOf(guest), { identityPoolId: POOL }))).toBe(
      'unauthorized',
    );
    expect(outcome(() => requireIamIdentity(ctxOf(member), { identityPoolId: [POOL] }))).toBe(
      'allowed',
    );
    expect(
      outcome(() =>
        requireIamIdentity(ctxOf(member), {
          identityPoolId: 'us-east-1:1f291106-8703-466b-8f2b-3ecee1ca56ce',
        }),
      ),
    ).toBe('unauthorized');
  });

  it('refuses a plain IAM user: it is never a Cognito identity', () => {
    expect(
      outcome(() => requireIamIdentity(ctxOf(ops), { identityPoolId: POOL, allowGuests: true })),
    ).toBe('unauthorized');
  });

  it('refuses a forged provider string naming another pool', () => {
    const event = ctxOf(member) as { identity: Record<string, unknown> };
    event.identity.cognitoIdentityAuthProvider = `cognito-idp.us-east-1.amazonaws.com/us-east-1_Example,cognito-idp.us-east-1.amazonaws.com/us-east-1_Attacker:CognitoSignIn:${SUB}`;
    expect(iamCaller(event)).toBeNull();
    expect(outcome(() => requireIamIdentity(event, { identityPoolId: POOL }))).toBe('unauthorized');
  });

  it('reads the quoted provider entries of AppSync events', () => {
    const event = ctxOf(member) as { identity: Record<string, unknown> };
    event.identity.cognitoIdentityAuthProvider = `"cognito-idp.us-east-1.amazonaws.com/us-east-1_Example","cognito-idp.us-east-1.amazonaws.com/us-east-1_Example:CognitoSignIn:${SUB}"`;
    expect(iamCaller(event)).toMatchObject({
      userPool: { userPoolId: 'us-east-1_Example', sub: SUB },
    });
  });

  it('reads a provider string quoted as a whole', () => {
    const event = ctxOf(member) as { identity: Record<string, unknown> };
    event.identity.cognitoIdentityAuthProvider = `"cognito-idp.us-east-1.amazonaws.com/us-east-1_Example,cognito-idp.us-east-1.amazonaws.com/us-east-1_Example:CognitoSignIn:${SUB}"`;
    expect(iamCaller(event)).toMatchObject({
      userPool: { userPoolId: 'us-east-1_Example', sub: SUB },
    });
  });

  it('reads the sample IAM identity (authenticated, provider "providerABC")', () => {
    const identity = resolverFixture<Record<string, unknown>>('appsync-identity-iam.json');
    expect(iamCaller({ identity })).toMatchObject({
      kind: 'cognito-identity',
      identityPoolId: 'identitypoolid123',
      guest: false,
      providers: ['providerABC'],
      userPool: null,
    });
  });

  it('refuses a Cognito user-pool identity (not AWS_IAM)', () => {
    const event = resolverFixture<{ identity: unknown }>('appsync-resolver-cognito-identity.json');
    expect(iamCaller(event)).toBeNull();
  });
});
