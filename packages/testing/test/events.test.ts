import { createAppSyncAuthorizer, withAuth } from '@cognito-guard/appsync';
import { createVerifier, requireGroups, requireScopes } from '@cognito-guard/core';
import {
  createHttpApiAuthorizer,
  createRestRequestAuthorizer,
  createRestTokenAuthorizer,
  createWebSocketAuthorizer,
} from '@cognito-guard/lambda';
import {
  appSyncAuthorizerEvent,
  appSyncCognitoResolverEvent,
  appSyncLambdaResolverEvent,
  createTestIssuer,
  httpApiV1AuthorizerEvent,
  httpApiV2AuthorizerEvent,
  restRequestAuthorizerEvent,
  restTokenAuthorizerEvent,
  type TestIssuer,
  webSocketConnectAuthorizerEvent,
} from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each builder's event goes to the real authorizer or guard that handles it in production, so
// a shape the packages do not accept fails here.
let issuer: TestIssuer;
let verifier: ReturnType<typeof createVerifier>;
let idVerifier: ReturnType<typeof createVerifier>;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_EventKit' });
  const pool = {
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    jwksUri: issuer.jwksUri,
  };
  verifier = createVerifier({ ...pool, tokenUse: 'access' });
  idVerifier = createVerifier({ ...pool, tokenUse: 'id' });
});

afterAll(async () => {
  await issuer?.close();
});

describe('restTokenAuthorizerEvent', () => {
  it('builds an event the REST TOKEN authorizer allows for a valid token', async () => {
    const token = await issuer.mintAccessToken({ sub: 'user-1' });
    const event = restTokenAuthorizerEvent({ token, method: 'post', path: '/orders' });
    expect(event.type).toBe('TOKEN');
    expect(event.authorizationToken).toBe(`Bearer ${token}`);
    expect(event.methodArn).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/orders',
    );
    const result = await createRestTokenAuthorizer({ verifier })(event);
    expect(result.principalId).toBe('user-1');
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
  });

  it('keeps a given methodArn and sends the bare token with bearer: false', () => {
    const event = restTokenAuthorizerEvent({ token: 't', bearer: false, methodArn: 'arn:x' });
    expect(event).toEqual({ type: 'TOKEN', authorizationToken: 't', methodArn: 'arn:x' });
  });

  it('builds an event the authorizer answers Unauthorized for a forged token', async () => {
    const token = `${(await issuer.mintAccessToken()).slice(0, -4)}AAAA`;
    await expect(
      createRestTokenAuthorizer({ verifier })(restTokenAuthorizerEvent({ token })),
    ).rejects.toThrow('Unauthorized');
  });

  it('refuses to build an event without a token', () => {
    expect(() => restTokenAuthorizerEvent({} as never)).toThrow(TypeError);
  });
});

describe('restRequestAuthorizerEvent', () => {
  it('puts the token in the Authorization header by default, where the authorizer finds it', async () => {
    const token = await issuer.mintAccessToken({ sub: 'user-2', groups: ['admin'] });
    const event = restRequestAuthorizerEvent({ token, method: 'DELETE', path: '/orders/1' });
    expect(event.headers?.Authorization).toBe(`Bearer ${token}`);
    expect(event.multiValueHeaders?.Authorization).toEqual([`Bearer ${token}`]);
    const authorizer = createRestRequestAuthorizer({
      verifier,
      routes: { 'DELETE /orders/{id}': requireGroups('admin') },
    });
    const result = await authorizer(event);
    expect(result.principalId).toBe('user-2');
    expect(JSON.stringify(result.policyDocument)).toContain('/prod/DELETE/orders/*');
  });

  it('puts the token in a query parameter when asked', async () => {
    const token = await issuer.mintAccessToken();
    const event = restRequestAuthorizerEvent({ token, tokenSource: { query: 'access_token' } });
    expect(event.queryStringParameters).toEqual({ access_token: token });
    expect(event.headers).toEqual({});
    const authorizer = createRestRequestAuthorizer({
      verifier,
      tokenSource: { query: 'access_token' },
    });
    await expect(authorizer(event)).resolves.toMatchObject({ principalId: expect.any(String) });
  });

  it('builds a request without a token, which the authorizer answers Unauthorized', async () => {
    await expect(
      createRestRequestAuthorizer({ verifier })(restRequestAuthorizerEvent()),
    ).rejects.toThrow('Unauthorized');
  });
});

describe('httpApiV1AuthorizerEvent', () => {
  it('builds a payload 1.0 event the HTTP API authorizer allows', async () => {
    const token = await issuer.mintAccessToken({ scopes: ['orders/read'] });
    const event = httpApiV1AuthorizerEvent({ token, path: '/orders' });
    expect(event.version).toBe('1.0');
    expect(event.identitySource).toBe(`Bearer ${token}`);
    const authorizer = createHttpApiAuthorizer({
      response: 'iam',
      verifier,
      policy: requireScopes('orders/read'),
    });
    const result = await authorizer(event);
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
  });
});

describe('httpApiV2AuthorizerEvent', () => {
  it('builds a payload 2.0 event with lower-case headers the simple authorizer allows', async () => {
    const token = await issuer.mintAccessToken();
    const event = httpApiV2AuthorizerEvent({
      token,
      method: 'POST',
      path: '/orders',
      query: { a: '1' },
    });
    expect(event.headers?.authorization).toBe(`Bearer ${token}`);
    expect(event.identitySource).toEqual([`Bearer ${token}`]);
    expect(event.routeKey).toBe('POST /orders');
    expect(event.rawQueryString).toBe('a=1');
    expect('cookies' in event).toBe(false);
    const result = await createHttpApiAuthorizer({ response: 'simple', verifier })(event);
    expect(result.isAuthorized).toBe(true);
  });

  it('adds cookies only when given', () => {
    expect(httpApiV2AuthorizerEvent({ cookies: ['a=b'] }).cookies).toEqual(['a=b']);
  });

  it('answers Unauthorized for an ID token where access tokens are required', async () => {
    const event = httpApiV2AuthorizerEvent({ token: await issuer.mintIdToken() });
    await expect(createHttpApiAuthorizer({ response: 'simple', verifier })(event)).rejects.toThrow(
      'Unauthorized',
    );
  });
});

describe('webSocketConnectAuthorizerEvent', () => {
  it('builds a $connect event with the token in the query, as browsers send it', async () => {
    const token = await issuer.mintAccessToken({ sub: 'user-3' });
    const event = webSocketConnectAuthorizerEvent({ token, tokenSource: { query: 'token' } });
    expect(event.methodArn).toMatch(/\/prod\/\$connect$/);
    expect(event.queryStringParameters).toEqual({ token });
    const authorizer = createWebSocketAuthorizer({ verifier, tokenSource: { query: 'token' } });
    const result = await authorizer(event);
    expect(result.principalId).toBe('user-3');
  });
});

describe('appSyncAuthorizerEvent', () => {
  it('builds an event the AppSync authorizer allows, bare or Bearer', async () => {
    const token = await issuer.mintAccessToken({ sub: 'user-4' });
    const authorizer = createAppSyncAuthorizer({ verifier });
    for (const bearer of [false, true]) {
      const event = appSyncAuthorizerEvent({ token, bearer, operationName: 'Me' });
      expect(event.authorizationToken).toBe(bearer ? `Bearer ${token}` : token);
      const result = await authorizer(event);
      expect(result.isAuthorized).toBe(true);
      expect(result.resolverContext.sub).toBe('user-4');
    }
  });

  it('builds a request without a token, which the authorizer refuses', async () => {
    const result = await createAppSyncAuthorizer({ verifier })(appSyncAuthorizerEvent());
    expect(result.isAuthorized).toBe(false);
  });
});

describe('appSyncCognitoResolverEvent', () => {
  it('builds the identity AppSync derives from the token, which withAuth admits', async () => {
    const token = await issuer.mintIdToken({ username: 'alice', groups: ['admin'] });
    const event = appSyncCognitoResolverEvent({
      token,
      fieldName: 'deletePost',
      parentTypeName: 'Mutation',
      arguments: { id: 'p1' },
    });
    const guarded = withAuth(requireGroups('admin'), async (e: typeof event, auth) => ({
      id: e.arguments.id,
      by: auth.username,
      source: auth.source,
    }));
    await expect(guarded(event)).resolves.toEqual({ id: 'p1', by: 'alice', source: 'cognito' });
  });

  it('gives groups null for a user in no group, and withAuth refuses the admin field', async () => {
    const event = appSyncCognitoResolverEvent({ token: await issuer.mintIdToken() });
    expect((event.identity as { groups: unknown }).groups).toBeNull();
    const guarded = withAuth(requireGroups('admin'), async () => 'reached');
    await expect(guarded(event)).rejects.toMatchObject({ code: 'GROUP_NOT_ALLOWED' });
  });

  it('carries the token in request.headers.authorization, for guards that re-verify it', async () => {
    const token = await issuer.mintIdToken({ sub: 'user-5' });
    const guarded = withAuth(null, async (_e, auth) => auth.sub, { verifier: idVerifier });
    await expect(guarded(appSyncCognitoResolverEvent({ token }))).resolves.toBe('user-5');
  });

  it('refuses a token that is not a JWT', () => {
    expect(() => appSyncCognitoResolverEvent({ token: 'not-a-jwt' })).toThrow(TypeError);
  });
});

describe('appSyncLambdaResolverEvent', () => {
  it('carries the resolverContext of the Lambda authorizer, which withAuth admits', async () => {
    const token = await issuer.mintAccessToken({ sub: 'user-6', groups: ['editors'] });
    const answer = await createAppSyncAuthorizer({ verifier })(appSyncAuthorizerEvent({ token }));
    const event = appSyncLambdaResolverEvent({ token, resolverContext: answer.resolverContext });
    const guarded = withAuth(requireGroups('editors'), async (_e, auth) => [auth.sub, auth.source]);
    await expect(guarded(event)).resolves.toEqual(['user-6', 'lambda']);
  });
});
