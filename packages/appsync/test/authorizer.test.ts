import {
  AuthError,
  type AuthResult,
  createVerifier,
  requireClaims,
  requireGroups,
  requireScopes,
} from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import type { AppSyncAuthorizerEvent, AppSyncAuthorizerHandler } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppSyncAuthorizerOptions,
  type AppSyncAuthorizerRequest,
  type AuthorizerDecision,
  createAppSyncAuthorizer,
} from '../src/index.js';
import { fixture, manualClock, tamper } from './helpers.js';

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

function verifierOptions() {
  return {
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access' as const,
    jwksUri: issuer.jwksUri,
    clock: clock.now,
  };
}

/** An authorizer that records its decisions. */
function authorizer(extra: Partial<AppSyncAuthorizerOptions> = {}) {
  const decisions: AuthorizerDecision[] = [];
  const handler = createAppSyncAuthorizer({
    verifier: verifierOptions(),
    onEvent: (decision) => decisions.push(decision),
    ...extra,
  });
  return { handler, decisions };
}

/** The captured sample event with our token swapped in (a copy; the file is never edited). */
function sampleEvent(
  token: string,
  name = 'appsync-lambda-authorizer.json',
): AppSyncAuthorizerRequest {
  const event = fixture<AppSyncAuthorizerEvent>(name);
  return { ...event, authorizationToken: token };
}

function lastCode(decisions: readonly AuthorizerDecision[]): string | undefined {
  const last = decisions.at(-1);
  return last !== undefined && !last.isAuthorized ? last.code : 'allowed';
}

describe('createAppSyncAuthorizer', () => {
  it('allows a valid access token from the captured sample event and returns flat strings', async () => {
    const { handler } = authorizer();
    const token = await issuer.mintAccessToken({
      username: 'alice',
      groups: ['admin', 'users'],
      scopes: ['posts/read', 'posts/write'],
    });
    const result = await handler(sampleEvent(token));
    expect(result.isAuthorized).toBe(true);
    expect(result.resolverContext).toEqual({
      sub: expect.any(String),
      username: 'alice',
      groups: 'admin users',
      scopes: 'posts/read posts/write',
      clientId: issuer.clientId,
      tokenUse: 'access',
      userPoolId: issuer.userPoolId,
      issuer: issuer.issuer,
      isMachine: 'false',
      expiresAt: String(Math.floor(clock.now() / 1000) + 3600),
    });
    for (const value of Object.values(result.resolverContext)) expect(typeof value).toBe('string');
    expect(result.deniedFields).toBeUndefined();
    expect(result.ttlOverride).toBe(300);
  });

  it('answers with the members of the documented response sample', async () => {
    const sample = fixture('appsync-lambda-authorizer-response.json');
    const { handler } = authorizer({ fields: { 'Mutation.createEvent': requireGroups('admin') } });
    const result = await handler(sampleEvent(await issuer.mintAccessToken()));
    expect(Object.keys(result).sort()).toEqual(Object.keys(sample).sort());
  });

  it('accepts the token with a Bearer prefix (multi-auth APIs) and in the docs example event', async () => {
    const { handler } = authorizer();
    const token = await issuer.mintAccessToken();
    const prefixed = await handler(
      sampleEvent(`Bearer ${token}`, 'appsync-lambda-authorizer-docs-example.json'),
    );
    expect(prefixed.isAuthorized).toBe(true);
    const lower = await handler(sampleEvent(`bearer ${token}`));
    expect(lower.isAuthorized).toBe(true);
  });

  it('reads an event with requestHeaders (sent since July 2023)', async () => {
    const { handler } = authorizer();
    const token = await issuer.mintAccessToken();
    const result = await handler({
      ...sampleEvent(token),
      requestHeaders: { authorization: token, host: 'example.appsync-api.us-east-1.amazonaws.com' },
    });
    expect(result.isAuthorized).toBe(true);
  });

  it('is assignable to the @types/aws-lambda AppSync authorizer handler type', async () => {
    const typed: AppSyncAuthorizerHandler<Record<string, string>> = authorizer().handler;
    expect(typeof typed).toBe('function');
  });

  it('creates the verifier once: two requests cost one JWKS fetch', async () => {
    const { handler } = authorizer();
    const before = issuer.requestCount;
    await handler(sampleEvent(await issuer.mintAccessToken({ username: 'a' })));
    await handler(sampleEvent(await issuer.mintAccessToken({ username: 'b' })));
    expect(issuer.requestCount - before).toBe(1);
  });

  it('uses a verifier it is given, unchanged', async () => {
    const verifier = createVerifier(verifierOptions());
    const handler = createAppSyncAuthorizer({ verifier, clock: clock.now });
    const result = await handler(sampleEvent(await issuer.mintAccessToken()));
    expect(result.isAuthorized).toBe(true);
  });

  it('adds the hook entries to resolverContext, strings only', async () => {
    const { handler } = authorizer({
      resolverContext: (auth) => ({
        tenant: String(auth.claims['custom:tenant'] ?? 'none'),
        count: 3 as unknown as string,
      }),
    });
    const token = await issuer.mintAccessToken({ claims: { 'custom:tenant': 'acme' } });
    const result = await handler(sampleEvent(token));
    expect(result.resolverContext.tenant).toBe('acme');
    expect(result.resolverContext).not.toHaveProperty('count');
  });

  it('refuses the request when the hook sets one of its own keys (a group granted by a hook)', async () => {
    const { handler, decisions } = authorizer({
      resolverContext: () => ({ tenant: 'acme', groups: 'admin' }),
    });
    const result = await handler(sampleEvent(await issuer.mintAccessToken()));
    expect(result).toEqual({ isAuthorized: false, resolverContext: {}, ttlOverride: 0 });
    const last = decisions.at(-1) as { isAuthorized: false; code: unknown; error: unknown };
    expect(last.isAuthorized).toBe(false);
    expect(last.code).toBeUndefined();
    expect(String(last.error)).toContain('"groups" is reserved in the resolverContext');
  });

  it('marks a client-credentials token as a machine without a username', async () => {
    const { handler } = authorizer();
    const result = await handler(sampleEvent(await issuer.mintClientCredentialsToken()));
    expect(result.isAuthorized).toBe(true);
    expect(result.resolverContext.isMachine).toBe('true');
    expect(result.resolverContext).not.toHaveProperty('username');
  });
});

describe('createAppSyncAuthorizer: deniedFields', () => {
  const fields = {
    'Mutation.deletePost': requireGroups('admin'),
    'Query.auditLog': requireScopes('audit/read'),
    'arn:aws:appsync:us-east-1:254688921111:apis/giy7kumfmvcqvbedntjwjvagii/types/Query/fields/secret':
      requireGroups('ops'),
    'arn:aws:appsync:us-east-1:254688921111:apis/someOtherApi0000000000000/types/Query/fields/other':
      requireGroups('ops'),
  };

  it('lists the fields whose rule fails, in both accepted forms, for this API only', async () => {
    const { handler, decisions } = authorizer({ fields });
    const token = await issuer.mintAccessToken({ groups: ['users'] });
    const result = await handler(sampleEvent(token));
    expect(result.isAuthorized).toBe(true);
    expect(result.deniedFields).toEqual([
      'Mutation.deletePost',
      'Query.auditLog',
      'arn:aws:appsync:us-east-1:254688921111:apis/giy7kumfmvcqvbedntjwjvagii/types/Query/fields/secret',
    ]);
    expect(decisions.at(-1)).toMatchObject({
      isAuthorized: true,
      deniedFields: result.deniedFields,
    });
  });

  it('lists no field when every rule holds', async () => {
    const { handler } = authorizer({ fields });
    const token = await issuer.mintAccessToken({
      groups: ['admin', 'ops'],
      scopes: ['audit/read'],
    });
    const result = await handler(sampleEvent(token));
    expect(result.deniedFields).toBeUndefined();
  });

  it('applies ARN rules when the event does not say which API it is for (fail closed)', async () => {
    const { handler } = authorizer({ fields });
    const token = await issuer.mintAccessToken({ groups: ['admin'], scopes: ['audit/read'] });
    const result = await handler({ authorizationToken: token });
    expect(result.deniedFields).toHaveLength(2);
  });

  it('denies the field when its rule throws something other than an AuthError', async () => {
    const { handler } = authorizer({
      fields: {
        'Query.report': () => {
          throw new Error('bug in a rule');
        },
      },
    });
    const result = await handler(sampleEvent(await issuer.mintAccessToken()));
    expect(result.deniedFields).toEqual(['Query.report']);
  });

  it('rejects field keys that are neither form, at creation', () => {
    for (const key of ['deletePost', 'Mutation.', 'Mutation.delete-post', 'arn:aws:appsync:x']) {
      expect(() => authorizer({ fields: { [key]: requireGroups('admin') } })).toThrow(TypeError);
    }
    expect(() =>
      authorizer({ fields: { 'Query.a': 'admin' as unknown as ReturnType<typeof requireGroups> } }),
    ).toThrow(TypeError);
  });
});

describe('createAppSyncAuthorizer: ttlOverride', () => {
  it('is capped at the token remaining lifetime', async () => {
    const { handler } = authorizer({ ttlSeconds: 3600 });
    const token = await issuer.mintAccessToken({ expiresIn: 900 });
    expect((await handler(sampleEvent(token))).ttlOverride).toBe(900);
    clock.advance(850);
    try {
      expect((await handler(sampleEvent(token))).ttlOverride).toBe(50);
    } finally {
      clock.advance(-850);
    }
  });

  it('is the configured value when the token lives longer', async () => {
    const { handler } = authorizer({ ttlSeconds: 60 });
    expect((await handler(sampleEvent(await issuer.mintAccessToken()))).ttlOverride).toBe(60);
  });

  it('is 0 within the last second of the token (inside the clock tolerance)', async () => {
    const { handler } = authorizer();
    const token = await issuer.mintAccessToken({ expiresIn: 60 });
    clock.advance(61);
    try {
      const result = await handler(sampleEvent(token));
      expect(result.isAuthorized).toBe(true);
      expect(result.ttlOverride).toBe(0);
    } finally {
      clock.advance(-61);
    }
  });

  it('is 0 when a request policy read the operation', async () => {
    const seen: string[] = [];
    const { handler } = authorizer({
      requestPolicy: (_auth, request) => {
        seen.push(request.operationName ?? '');
      },
    });
    const result = await handler(sampleEvent(await issuer.mintAccessToken()));
    expect(result.isAuthorized).toBe(true);
    expect(result.ttlOverride).toBe(0);
    expect(seen).toEqual(['MyNewTask']);
  });

  it('rejects a ttlSeconds outside 0..3600 at creation', () => {
    for (const ttlSeconds of [-1, 3601, 1.5, Number.NaN]) {
      expect(() => authorizer({ ttlSeconds })).toThrow(TypeError);
    }
  });
});

describe('createAppSyncAuthorizer: outcomes (the SECURITY.md surface table)', () => {
  async function refusal(
    event: AppSyncAuthorizerRequest,
    extra: Partial<AppSyncAuthorizerOptions> = {},
  ): Promise<string | undefined> {
    const { handler, decisions } = authorizer(extra);
    const result = await handler(event);
    expect(result).toEqual({ isAuthorized: false, resolverContext: {}, ttlOverride: 0 });
    return lastCode(decisions);
  }

  it('refuses the opaque token of the captured sample event (NO_CREDENTIALS)', async () => {
    const event = fixture<AppSyncAuthorizerEvent>('appsync-lambda-authorizer.json');
    expect(await refusal(event)).toBe('NO_CREDENTIALS');
  });

  it('refuses a missing, empty or non-Bearer token (NO_CREDENTIALS)', async () => {
    expect(await refusal({})).toBe('NO_CREDENTIALS');
    expect(await refusal({ authorizationToken: '' })).toBe('NO_CREDENTIALS');
    expect(await refusal({ authorizationToken: 'Basic dXNlcjpwYXNz' })).toBe('NO_CREDENTIALS');
  });

  it('refuses a malformed bearer header (BAD_REQUEST)', async () => {
    expect(await refusal({ authorizationToken: 'Bearer a b' })).toBe('BAD_REQUEST');
    expect(await refusal({ authorizationToken: 'Bearer' })).toBe('BAD_REQUEST');
  });

  it('refuses an expired token (EXPIRED)', async () => {
    const token = await issuer.mintAccessToken({ expiresIn: -60 });
    expect(await refusal(sampleEvent(token))).toBe('EXPIRED');
  });

  it('refuses an ID token when access tokens are configured (TOKEN_USE)', async () => {
    expect(await refusal(sampleEvent(await issuer.mintIdToken()))).toBe('TOKEN_USE');
  });

  it('refuses a token of another client (CLIENT_ID)', async () => {
    const token = await issuer.mintAccessToken({ clientId: 'otherclient000000000000001' });
    expect(await refusal(sampleEvent(token))).toBe('CLIENT_ID');
  });

  it('refuses a token from another pool (ISSUER)', async () => {
    expect(await refusal(sampleEvent(await other.mintAccessToken()))).toBe('ISSUER');
  });

  it('refuses a token whose groups were changed after signing (SIGNATURE_INVALID)', async () => {
    const token = tamper(await issuer.mintAccessToken({ groups: ['users'] }), (claims) => {
      claims['cognito:groups'] = ['admin'];
    });
    expect(await refusal(sampleEvent(token))).toBe('SIGNATURE_INVALID');
  });

  it('refuses alg none (ALG_NOT_ALLOWED)', async () => {
    const token = await issuer.mintAccessToken({ header: { alg: 'none' } });
    expect(await refusal(sampleEvent(token))).toBe('ALG_NOT_ALLOWED');
  });

  it('refuses a token signed with a key the pool does not serve (KEY_NOT_FOUND)', async () => {
    const token = await issuer.mintAccessToken({ header: { kid: 'not-a-served-kid' } });
    expect(await refusal(sampleEvent(token))).toBe('KEY_NOT_FOUND');
  });

  it('refuses a group name with a space, which resolverContext could not carry (CLAIM_TYPE)', async () => {
    const token = await issuer.mintAccessToken({ groups: ['team a', 'admin'] });
    expect(await refusal(sampleEvent(token))).toBe('CLAIM_TYPE');
  });

  it('refuses a token that fails the policy (GROUP_NOT_ALLOWED, INSUFFICIENT_SCOPE, CLAIM_CHECK)', async () => {
    const token = await issuer.mintAccessToken({ groups: ['users'], scopes: ['posts/read'] });
    expect(await refusal(sampleEvent(token), { policy: requireGroups('admin') })).toBe(
      'GROUP_NOT_ALLOWED',
    );
    expect(await refusal(sampleEvent(token), { policy: requireScopes('posts/write') })).toBe(
      'INSUFFICIENT_SCOPE',
    );
    expect(
      await refusal(sampleEvent(token), {
        policy: requireClaims((auth: AuthResult) => auth.claims['custom:tenant'] === 'acme'),
      }),
    ).toBe('CLAIM_CHECK');
  });

  it('refuses when the request policy says no, with its code or CLAIM_CHECK', async () => {
    const token = await issuer.mintAccessToken();
    expect(
      await refusal(sampleEvent(token), {
        requestPolicy: () => {
          throw new AuthError('INSUFFICIENT_SCOPE');
        },
      }),
    ).toBe('INSUFFICIENT_SCOPE');
    expect(
      await refusal(sampleEvent(token), {
        requestPolicy: async () => {
          throw new Error('no mutations on Sundays');
        },
      }),
    ).toBe('CLAIM_CHECK');
  });

  it('refuses without a code when the resolverContext hook throws', async () => {
    const token = await issuer.mintAccessToken();
    const code = await refusal(sampleEvent(token), {
      resolverContext: () => {
        throw new Error('hook failed');
      },
    });
    expect(code).toBeUndefined();
  });

  it('refuses with ttlOverride 0 during a JWKS outage (JWKS_UNAVAILABLE), and recovers', async () => {
    const token = await issuer.mintAccessToken();
    const { handler, decisions } = authorizer();
    issuer.misbehave({ kind: 'down' });
    try {
      const result = await handler(sampleEvent(token));
      expect(result).toEqual({ isAuthorized: false, resolverContext: {}, ttlOverride: 0 });
      expect(lastCode(decisions)).toBe('JWKS_UNAVAILABLE');
    } finally {
      issuer.misbehave(null);
    }
    clock.advance(60); // past the refetch cooldown
    try {
      expect((await handler(sampleEvent(token))).isAuthorized).toBe(true);
    } finally {
      clock.advance(-60);
    }
  });

  it('answers even when the decision hook throws', async () => {
    const handler = createAppSyncAuthorizer({
      verifier: verifierOptions(),
      onEvent: () => {
        throw new Error('metrics down');
      },
    });
    expect((await handler(sampleEvent(await issuer.mintAccessToken()))).isAuthorized).toBe(true);
    expect((await handler({})).isAuthorized).toBe(false);
  });

  it('never puts the token in a decision', async () => {
    const token = await issuer.mintAccessToken({ expiresIn: -60 });
    const { handler, decisions } = authorizer();
    await handler(sampleEvent(token));
    const last = decisions.at(-1)!;
    const text = JSON.stringify(last, (_key, value) =>
      value instanceof Error ? { message: value.message, cause: String(value.cause) } : value,
    );
    expect(text).not.toContain(token.split('.')[1]!);
  });
});

describe('createAppSyncAuthorizer: configuration', () => {
  it('throws on bad options at creation, never at request time', () => {
    expect(() => createAppSyncAuthorizer(undefined as unknown as AppSyncAuthorizerOptions)).toThrow(
      TypeError,
    );
    expect(() =>
      createAppSyncAuthorizer({
        verifier: null as unknown as AppSyncAuthorizerOptions['verifier'],
      }),
    ).toThrow(TypeError);
    expect(() =>
      createAppSyncAuthorizer({
        verifier: { ...verifierOptions(), userPoolId: 'not-a-pool' },
      }),
    ).toThrow(TypeError);
    expect(() =>
      authorizer({ policy: 'admin' as unknown as AppSyncAuthorizerOptions['policy'] }),
    ).toThrow(TypeError);
  });
});
