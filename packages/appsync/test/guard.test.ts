import { AuthError, requireGroups, requireScopes } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import type { AppSyncResolverEvent, AppSyncResolverHandler } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppSyncAuth,
  createAppSyncAuthorizer,
  isDenial,
  type ResolverDenial,
  type ResolverGuardOptions,
  withAuth,
} from '../src/index.js';
import { manualClock, resolverFixture, SAMPLE_POOL_ID, tamper } from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let other: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ clock: clock.now });
  other = await createTestIssuer({ userPoolId: 'eu-west-1_OtherPool', clock: clock.now });
});

afterAll(async () => {
  await issuer?.close();
  await other?.close();
});

type Event = AppSyncResolverEvent<{ id: string }>;

function verifierOptions() {
  return {
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: null,
    jwksUri: issuer.jwksUri,
    clock: clock.now,
  };
}

/** The captured Cognito-mode event, copied, with our groups (and optionally a real token). */
function cognitoEvent(groups: string[] | null, token?: string): Event {
  const event = resolverFixture<Event>('appsync-resolver-cognito-identity.json');
  (event.identity as { groups: string[] | null }).groups = groups;
  if (token !== undefined) event.request.headers.authorization = token;
  return event;
}

/** The sample event in Lambda auth mode: identity = the resolverContext our authorizer made. */
async function lambdaEvent(token: string): Promise<Event> {
  const authorizer = createAppSyncAuthorizer({ verifier: verifierOptions() });
  const { resolverContext } = await authorizer({ authorizationToken: `Bearer ${token}` });
  const event = resolverFixture<Event>('appsync-direct-resolver-cognito-groups-null.json');
  return { ...event, identity: { resolverContext } };
}

function guarded<D extends 'throw' | 'envelope' = 'throw'>(
  policy: Parameters<typeof withAuth>[0],
  options: ResolverGuardOptions<D> = {},
) {
  const denials: ResolverDenial[] = [];
  const seen: AppSyncAuth[] = [];
  const handler = withAuth<Event, { id: string; by: string }, D>(
    policy,
    async (event, auth) => {
      seen.push(auth);
      return { id: event.arguments.id, by: auth.sub };
    },
    { ...options, onEvent: (denial) => denials.push(denial) },
  );
  return { handler, denials, seen };
}

async function thrownCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
  return 'allowed';
}

describe('withAuth: trusted identity', () => {
  it('calls the handler for a Cognito user in the group (captured event)', async () => {
    const { handler, seen } = guarded(requireGroups('group1'));
    const result = await handler(cognitoEvent(['group1', 'group2']));
    expect(result).toEqual({ id: 'my identifier', by: '192879fc-a240-4bf1-ab5a-d6a00f3063f9' });
    expect(seen[0]).toMatchObject({
      source: 'cognito',
      userPoolId: SAMPLE_POOL_ID,
      username: 'jdoe',
    });
  });

  it('throws GROUP_NOT_ALLOWED for a user outside the group, by default', async () => {
    const { handler, denials, seen } = guarded(requireGroups('admin'));
    expect(await thrownCode(handler(cognitoEvent(['group1'])))).toBe('GROUP_NOT_ALLOWED');
    expect(seen).toHaveLength(0);
    expect(denials[0]).toMatchObject({
      code: 'GROUP_NOT_ALLOWED',
      fieldName: 'createSomething',
      parentTypeName: 'Mutation',
      index: undefined,
    });
  });

  it('falls back to cognito:groups when identity.groups is null (captured event)', async () => {
    const event = resolverFixture<Event>('appsync-direct-resolver-cognito-groups-null.json');
    const { handler } = guarded(requireGroups('editors'));
    expect(await thrownCode(handler(event))).toBe('GROUP_NOT_ALLOWED');
    (event.identity as { claims: Record<string, unknown> }).claims['cognito:groups'] = ['editors'];
    expect(await handler(event)).toMatchObject({ id: 'my identifier' });
  });

  it('refuses the IAM identity of the captured console event (NO_CREDENTIALS)', async () => {
    const event = resolverFixture<Event>('appsync-direct-resolver-iam-identity.json');
    const { handler } = guarded(null);
    expect(await thrownCode(handler(event))).toBe('NO_CREDENTIALS');
  });

  it('allows any identity with policy null, and refuses an API-key request (no identity)', async () => {
    const { handler } = guarded(null);
    expect(await handler(cognitoEvent(null))).toMatchObject({ id: 'my identifier' });
    const apiKey = { ...cognitoEvent(null), identity: null };
    expect(await thrownCode(handler(apiKey))).toBe('NO_CREDENTIALS');
  });

  it('reads the resolverContext of our authorizer in Lambda mode', async () => {
    const token = await issuer.mintAccessToken({ groups: ['admin'], scopes: ['posts/write'] });
    const { handler, seen } = guarded(requireScopes('posts/write'));
    expect(await handler(await lambdaEvent(token))).toMatchObject({ id: 'my identifier' });
    expect(seen[0]).toMatchObject({ source: 'lambda', groups: ['admin'] });
  });

  it('refuses identity modes that are not enabled, and pools that are not trusted', async () => {
    const lambdaOnly = guarded(null, { modes: ['lambda'] });
    expect(await thrownCode(lambdaOnly.handler(cognitoEvent(null)))).toBe('NO_CREDENTIALS');
    const poolBound = guarded(null, { userPoolId: issuer.userPoolId });
    expect(await thrownCode(poolBound.handler(cognitoEvent(null)))).toBe('ISSUER');
  });

  it('reads the field from Amplify @function events (typeName, fieldName)', async () => {
    const { handler, denials } = guarded(requireGroups('admin'), { deny: 'envelope' });
    const event = {
      typeName: 'Query',
      fieldName: 'auditLog',
      arguments: { id: '1' },
      identity: cognitoEvent(['users']).identity,
    } as unknown as Event;
    expect(await handler(event)).toEqual({
      data: null,
      errorType: 'Unauthorized',
      errorMessage: 'Not Authorized to access auditLog on type Query',
    });
    expect(denials[0]).toMatchObject({ fieldName: 'auditLog', parentTypeName: 'Query' });
  });

  it('is assignable to the @types/aws-lambda resolver handler type', () => {
    const typed: AppSyncResolverHandler<{ id: string }, { id: string; by: string }> =
      guarded(null).handler;
    expect(typeof typed).toBe('function');
  });
});

describe('withAuth: denial envelope', () => {
  it('returns the envelope instead of throwing, with AppSync’s own message', async () => {
    const { handler, denials } = guarded(requireGroups('admin'), { deny: 'envelope' });
    const result = await handler(cognitoEvent(['group1']));
    expect(result).toEqual({
      data: null,
      errorType: 'Unauthorized',
      errorMessage: 'Not Authorized to access createSomething on type Mutation',
    });
    expect(isDenial(result)).toBe(true);
    expect(JSON.stringify(result)).not.toContain('GROUP_NOT_ALLOWED');
    expect(denials[0]?.code).toBe('GROUP_NOT_ALLOWED');
  });

  it('returns the handler result unchanged when allowed', async () => {
    const { handler } = guarded(requireGroups('group1'), { deny: 'envelope' });
    const result = await handler(cognitoEvent(['group1']));
    expect(isDenial(result)).toBe(false);
    expect(result).toMatchObject({ id: 'my identifier' });
  });

  it('leaves names that are not GraphQL names out of the message', async () => {
    const { handler } = guarded(requireGroups('admin'), { deny: 'envelope' });
    const event = cognitoEvent(['x']);
    event.info.fieldName = 'a b<script>';
    expect(await handler(event)).toMatchObject({ errorMessage: 'Not Authorized' });
  });
});

describe('withAuth: re-verifying the raw token', () => {
  const options = () => ({ verifier: verifierOptions() });

  it('throws GraphQL clients one generic message for every forged token (forgery probing)', async () => {
    const { handler, denials } = guarded(null, options());
    const expired = await issuer.mintIdToken({ expiresIn: -60 });
    const valid = await issuer.mintIdToken();
    // The same token with its signature's last bytes replaced (zero bits: still canonical).
    const forged = `${valid.slice(0, -4)}${valid.endsWith('AAAA') ? 'BAAA' : 'AAAA'}`;
    const messages: string[] = [];
    for (const token of [expired, forged]) {
      const error = await handler(cognitoEvent(null, token)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      messages.push((error as AuthError).message);
      expect((error as AuthError).stack?.split('\n')[0]).toBe(`AuthError: ${messages.at(-1)}`);
    }
    expect(messages).toEqual(['The access token is invalid', 'The access token is invalid']);
    // The precise codes reach the server.
    expect(denials.map((d) => d.code)).toEqual(['EXPIRED', 'SIGNATURE_INVALID']);
  });

  it("tells the client the precise code's text with errorDetail: 'code'", async () => {
    const { handler } = guarded(null, { ...options(), errorDetail: 'code' });
    const expired = await issuer.mintIdToken({ expiresIn: -60 });
    const error = await handler(cognitoEvent(null, expired)).catch((e: unknown) => e);
    expect((error as AuthError).message).toBe('The token has expired');
    const envelope = guarded(requireGroups('admin'), { deny: 'envelope', errorDetail: 'code' });
    expect(await envelope.handler(cognitoEvent(['group1']))).toMatchObject({
      errorMessage:
        'Not Authorized to access createSomething on type Mutation: The user is not in an allowed group',
    });
  });

  it('uses the verified token, not the identity, when a verifier is given', async () => {
    const token = await issuer.mintIdToken({ username: 'erin', groups: ['admin'] });
    const { handler, seen } = guarded(requireGroups('admin'), options());
    // The identity says group1 only; the token says admin: the token wins.
    const result = await handler(cognitoEvent(['group1'], token));
    expect(result).toMatchObject({ id: 'my identifier' });
    expect(seen[0]).toMatchObject({
      source: 'token',
      username: 'erin',
      userPoolId: issuer.userPoolId,
    });
  });

  it('accepts the Bearer form (Lambda mode header) and any header case', async () => {
    const token = await issuer.mintAccessToken({ groups: ['admin'] });
    const { handler } = guarded(requireGroups('admin'), options());
    expect(await handler(cognitoEvent(null, `Bearer ${token}`))).toMatchObject({
      id: 'my identifier',
    });
    const event = cognitoEvent(null);
    delete event.request.headers.authorization;
    event.request.headers.Authorization = token;
    expect(await handler(event)).toMatchObject({ id: 'my identifier' });
  });

  it('refuses a forged token that the identity would have let through (SIGNATURE_INVALID)', async () => {
    const forged = tamper(await issuer.mintIdToken({ groups: ['users'] }), (claims) => {
      claims['cognito:groups'] = ['admin'];
    });
    const { handler } = guarded(requireGroups('admin'), options());
    expect(await thrownCode(handler(cognitoEvent(['admin'], forged)))).toBe('SIGNATURE_INVALID');
  });

  it('refuses alg none, an expired token and a token from another pool', async () => {
    const { handler } = guarded(null, options());
    const none = await issuer.mintIdToken({ header: { alg: 'none' } });
    expect(await thrownCode(handler(cognitoEvent(null, none)))).toBe('ALG_NOT_ALLOWED');
    const expired = await issuer.mintIdToken({ expiresIn: -60 });
    expect(await thrownCode(handler(cognitoEvent(null, expired)))).toBe('EXPIRED');
    expect(await thrownCode(handler(cognitoEvent(null, await other.mintIdToken())))).toBe('ISSUER');
  });

  it('refuses the truncated token of the captured event (NO_CREDENTIALS) and a missing header', async () => {
    const { handler } = guarded(null, options());
    const captured = resolverFixture<Event>('appsync-resolver-cognito-identity.json');
    expect(await thrownCode(handler(captured))).toBe('NO_CREDENTIALS');
    const bare = { ...captured, request: undefined } as unknown as Event;
    expect(await thrownCode(handler(bare))).toBe('NO_CREDENTIALS');
  });

  it('refuses two Authorization headers (BAD_REQUEST)', async () => {
    const token = await issuer.mintIdToken();
    const { handler } = guarded(null, options());
    const event = cognitoEvent(null, token);
    event.request.headers.Authorization = token;
    expect(await thrownCode(handler(event))).toBe('BAD_REQUEST');
  });

  it('refuses a verified token from a pool outside userPoolId (ISSUER)', async () => {
    const token = await issuer.mintIdToken();
    const { handler } = guarded(null, { ...options(), userPoolId: 'us-east-1_Another1' });
    expect(await thrownCode(handler(cognitoEvent(null, token)))).toBe('ISSUER');
  });

  it('answers ServiceUnavailable during a JWKS outage (JWKS_UNAVAILABLE)', async () => {
    const token = await issuer.mintIdToken();
    const { handler, denials } = guarded(null, { ...options(), deny: 'envelope' });
    issuer.misbehave({ kind: 'down' });
    try {
      expect(await handler(cognitoEvent(null, token))).toEqual({
        data: null,
        errorType: 'ServiceUnavailable',
        errorMessage: 'Authentication is temporarily unavailable',
      });
      expect(denials[0]?.code).toBe('JWKS_UNAVAILABLE');
    } finally {
      issuer.misbehave(null);
    }
  });
});

describe('withAuth: batch events', () => {
  it('answers each event in order, a denial per refused event, the handler only for the others', async () => {
    const { handler, denials, seen } = guarded(requireGroups('admin'), { deny: 'throw' });
    const events = [cognitoEvent(['admin']), cognitoEvent(['users']), cognitoEvent(['admin'])];
    events.forEach((event, index) => {
      event.arguments.id = `post-${index}`;
    });
    const results = await handler(events);
    expect(results).toEqual([
      { data: { id: 'post-0', by: expect.any(String) } },
      {
        data: null,
        errorType: 'Unauthorized',
        errorMessage: 'Not Authorized to access createSomething on type Mutation',
      },
      { data: { id: 'post-2', by: expect.any(String) } },
    ]);
    expect(seen).toHaveLength(2);
    expect(denials.map((d) => [d.index, d.code])).toEqual([[1, 'GROUP_NOT_ALLOWED']]);
  });

  it('answers an empty batch with an empty list', async () => {
    const { handler } = guarded(null);
    expect(await handler([])).toEqual([]);
  });

  it('re-verifies each event of a batch separately', async () => {
    const good = await issuer.mintIdToken({ groups: ['admin'] });
    const forged = tamper(good, (claims) => {
      claims.sub = 'someone-else';
    });
    const { handler, denials } = guarded(requireGroups('admin'), { verifier: verifierOptions() });
    const results = await handler([cognitoEvent(null, forged), cognitoEvent(null, good)]);
    expect(isDenial(results[0])).toBe(true);
    expect(isDenial(results[1])).toBe(false);
    expect(denials.map((d) => d.code)).toEqual(['SIGNATURE_INVALID']);
  });
});

describe('withAuth: configuration', () => {
  it('throws on bad arguments at creation', () => {
    const noop = async () => null;
    expect(() => withAuth('admin' as never, noop)).toThrow(TypeError);
    expect(() => withAuth(null, 'handler' as never)).toThrow(TypeError);
    expect(() => withAuth(null, noop, { deny: 'log' as never })).toThrow(TypeError);
    expect(() => withAuth(null, noop, { modes: ['iam' as never] })).toThrow(TypeError);
    expect(() => withAuth(null, noop, { modes: [] })).toThrow(TypeError);
    expect(() => withAuth(null, noop, { userPoolId: 42 as never })).toThrow(TypeError);
    expect(() =>
      withAuth(null, noop, { verifier: { ...verifierOptions(), clientId: undefined as never } }),
    ).toThrow(TypeError);
  });

  it('answers even when onEvent throws', async () => {
    const handler = withAuth(requireGroups('admin'), async () => 'ok', {
      deny: 'envelope',
      onEvent: () => {
        throw new Error('logger down');
      },
    });
    expect(isDenial(await handler(cognitoEvent(['users'])))).toBe(true);
  });
});
