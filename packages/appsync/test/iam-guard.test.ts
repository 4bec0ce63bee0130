import { allowGuests, requireAuthenticated } from '@cognito-guard/core';
import { appSyncIamResolverEvent } from '@cognito-guard/testing';
import { describe, expect, it } from 'vitest';
import { isDenial, withIamAuth } from '../src/index.js';

const POOL = 'us-east-1:0f291106-8703-466b-8f2b-3ecee1ca56ce';
const guest = {
  kind: 'identity',
  identityPoolId: POOL,
  identityId: 'us-east-1:guest',
  login: { kind: 'guest' },
} as const;
const event = appSyncIamResolverEvent(guest, { fieldName: 'post', parentTypeName: 'Mutation' });

describe('withIamAuth (AppSync)', () => {
  it("throws an AuthError with AppSync's message for a refused guest", async () => {
    const resolver = withIamAuth(async () => 'ok', { identityPoolId: POOL });
    await expect(resolver(event)).rejects.toMatchObject({
      code: 'CLAIM_CHECK',
      message: 'Not Authorized to access post on type Mutation',
    });
  });

  it('returns an envelope with deny: envelope, and reports the code', async () => {
    const codes: string[] = [];
    const resolver = withIamAuth(async () => 'ok', {
      identityPoolId: POOL,
      policy: requireAuthenticated(),
      deny: 'envelope',
      onEvent: (denial) => codes.push(denial.code),
    });
    expect(isDenial(await resolver(event))).toBe(true);
    expect(codes).toEqual(['CLAIM_CHECK']);
  });

  it("reports withAuth's ResolverDenial through onEvent, with the field", async () => {
    const denials: unknown[] = [];
    const resolver = withIamAuth(async () => 'ok', {
      identityPoolId: POOL,
      deny: 'envelope',
      onEvent: (denial) => denials.push(denial),
    });
    await resolver(event);
    expect(denials).toEqual([
      {
        code: 'CLAIM_CHECK',
        error: expect.objectContaining({ code: 'CLAIM_CHECK' }),
        fieldName: 'post',
        parentTypeName: 'Mutation',
        index: undefined,
      },
    ]);
    expect(() =>
      withIamAuth(async () => 'ok', { identityPoolId: POOL, onDenied: () => {} } as never),
    ).toThrow(/onDenied/);
  });

  it('refuses a batch (an array) and an event without identity: NO_CREDENTIALS', async () => {
    const codes: string[] = [];
    const resolver = withIamAuth(async () => 'ok', {
      identityPoolId: POOL,
      policy: allowGuests(),
      deny: 'envelope',
      onEvent: (denial) => codes.push(denial.code),
    });
    await resolver([event] as unknown as typeof event);
    await resolver({ ...event, identity: null });
    expect(codes).toEqual(['NO_CREDENTIALS', 'NO_CREDENTIALS']);
  });

  it('lets an allowed guest through with its caller', async () => {
    const resolver = withIamAuth(
      async (_event, caller) => (caller.kind === 'cognito-identity' ? caller.guest : null),
      { identityPoolId: POOL, policy: allowGuests() },
    );
    expect(await resolver(event)).toBe(true);
  });

  it('refuses bad options at creation', () => {
    expect(() =>
      withIamAuth(async () => 1, { identityPoolId: POOL, deny: 'log' as 'throw' }),
    ).toThrow(TypeError);
  });
});
