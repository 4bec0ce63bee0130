import { allowGuests } from '@cognito-guard/core';
import { httpApiIamEvent, restIamEvent } from '@cognito-guard/testing';
import { describe, expect, it } from 'vitest';
import { withIamAuth } from '../src/index.js';

const POOL = 'us-east-1:0f291106-8703-466b-8f2b-3ecee1ca56ce';
const guest = {
  kind: 'identity',
  identityPoolId: POOL,
  identityId: 'us-east-1:guest',
  login: { kind: 'guest' },
} as const;
const ok = async () => ({ statusCode: 200, body: 'ok' });

describe('withIamAuth (Lambda)', () => {
  it('refuses a guest by default with API Gateway-shaped 403', async () => {
    const handler = withIamAuth(ok, { identityPoolId: POOL });
    expect(await handler(restIamEvent(guest))).toEqual({
      statusCode: 403,
      headers: { 'content-type': 'application/json' },
      body: '{"message":"Forbidden"}',
    });
  });

  it("sends the code's text with errorDetail 'code', and ignores a failing onEvent", async () => {
    const handler = withIamAuth(ok, {
      identityPoolId: POOL,
      errorDetail: 'code',
      onEvent: () => {
        throw new Error('broken logger');
      },
    });
    const response = await handler(httpApiIamEvent(guest));
    expect(response).toMatchObject({ statusCode: 403 });
    expect(JSON.parse((response as { body: string }).body)).toEqual({
      message: 'The token does not satisfy the access rule',
    });
  });

  it("reports refusals through onEvent with the authorizers' type and the exact code", async () => {
    const events: { type: string; code: string }[] = [];
    const handler = withIamAuth(ok, {
      identityPoolId: POOL,
      onEvent: ({ type, code, error }) => {
        expect(error.code).toBe(code);
        events.push({ type, code });
      },
    });
    await handler(httpApiIamEvent(guest));
    await handler(null);
    expect(events).toEqual([
      { type: 'deny', code: 'CLAIM_CHECK' },
      { type: 'unauthorized', code: 'NO_CREDENTIALS' },
    ]);
  });

  it('refuses the onDenied key and a hook that is not a function, at creation', () => {
    expect(() => withIamAuth(ok, { identityPoolId: POOL, onDenied: () => {} } as never)).toThrow(
      /onDenied/,
    );
    expect(() => withIamAuth(ok, { identityPoolId: POOL, onEvent: 'log' as never })).toThrow(
      'cognito-guard: onEvent must be a function',
    );
  });

  it('answers 401 to an event that is not an object, never a crash', async () => {
    const handler = withIamAuth(ok, { identityPoolId: POOL, policy: allowGuests() });
    for (const event of [null, 'x', 42, [], { requestContext: null }]) {
      expect(await handler(event)).toMatchObject({ statusCode: 401 });
    }
  });

  it('passes the caller to the handler and lets its errors through', async () => {
    const handler = withIamAuth(
      async (_event, caller) => {
        if (caller.kind === 'cognito-identity' && caller.guest) throw new Error('handler bug');
        return { statusCode: 200, body: 'ok' };
      },
      { identityPoolId: POOL, policy: allowGuests() },
    );
    await expect(handler(restIamEvent(guest))).rejects.toThrow('handler bug');
  });

  it('refuses bad options at creation', () => {
    expect(() => withIamAuth(ok, { identityPoolId: 'pool' })).toThrow(TypeError);
    expect(() =>
      withIamAuth(ok, { identityPoolId: POOL, verifier: {} } as unknown as Parameters<
        typeof withIamAuth
      >[1]),
    ).toThrow(TypeError);
    expect(() => withIamAuth(ok, { identityPoolId: POOL, errorDetail: 'all' as 'code' })).toThrow(
      TypeError,
    );
  });
});
