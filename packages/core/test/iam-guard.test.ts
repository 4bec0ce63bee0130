import { allowGuests, checkIdentityPolicy } from '@cognito-guard/core';
import { iamGuardSettings, optionKeys } from '@cognito-guard/core/http';
import { describe, expect, it } from 'vitest';

const POOL = 'us-east-1:0f291106-8703-466b-8f2b-3ecee1ca56ce';
const KEYS = optionKeys<{
  identityPoolId: string;
  userPoolIds?: readonly string[];
  policy?: unknown;
  onEvent?: unknown;
  errorDetail?: unknown;
}>({ identityPoolId: true, userPoolIds: true, policy: true, onEvent: true, errorDetail: true });
const handler = () => 'ok';
const guest = {
  requestContext: {
    identity: {
      cognitoIdentityPoolId: POOL,
      cognitoIdentityId: 'us-east-1:guest',
      cognitoAuthenticationType: 'unauthenticated',
      cognitoAuthenticationProvider: null,
    },
  },
};

describe('iamGuardSettings', () => {
  it('defaults to signed-in identities only and generic error detail', () => {
    const settings = iamGuardSettings(handler, { identityPoolId: POOL }, KEYS, 'withIamAuth');
    const caller = settings.read(guest);
    expect(caller).toMatchObject({ kind: 'cognito-identity', guest: true });
    expect(checkIdentityPolicy(settings.policy, caller)?.code).toBe('CLAIM_CHECK');
    expect(settings.errorDetail).toBe('generic');
    expect(settings.onEvent).toBeUndefined();
  });

  it('keeps the given policy, hook and error detail', () => {
    const onEvent = () => {};
    const settings = iamGuardSettings(
      handler,
      { identityPoolId: POOL, policy: allowGuests(), onEvent, errorDetail: 'code' },
      KEYS,
      'withIamAuth',
    );
    expect(checkIdentityPolicy(settings.policy, settings.read(guest))).toBeUndefined();
    expect(settings.onEvent).toBe(onEvent);
    expect(settings.errorDetail).toBe('code');
  });

  it('refuses a misconfiguration at creation with a TypeError', () => {
    const bad: [unknown, unknown, string | RegExp][] = [
      ['x', { identityPoolId: POOL }, 'cognito-guard: handler must be a function'],
      [handler, null, 'cognito-guard: options must be an object'],
      [handler, { identityPoolId: POOL, onDenied: handler }, /onDenied/],
      [handler, { identityPoolId: 'not-a-pool' }, /identityPoolId/],
      [handler, { identityPoolId: POOL, policy: 'guests' }, 'policy must be a function'],
      [handler, { identityPoolId: POOL, onEvent: 'log' }, 'onEvent must be a function'],
      [handler, { identityPoolId: POOL, errorDetail: 'all' }, /errorDetail/],
    ];
    for (const [fn, options, message] of bad) {
      expect(() => iamGuardSettings(fn, options as never, KEYS, 'withIamAuth')).toThrow(message);
    }
  });
});
