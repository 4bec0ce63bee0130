import { createVerifier, requireGroups, requireScopes, type Verifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import type {
  APIGatewayRequestAuthorizerHandler,
  APIGatewayTokenAuthorizerHandler,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizerErrorCode,
  createRestRequestAuthorizer,
  createRestTokenAuthorizer,
  type RestRequestAuthorizerEvent,
  type RestTokenAuthorizerEvent,
} from '../src/index.js';
import { eventLog, fixture, iamAllows, unauthorizedCode } from './helpers.js';

let issuer: TestIssuer;
let other: TestIssuer;
let verifier: Verifier<'access'>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  other = await createTestIssuer({ userPoolId: 'eu-west-1_OtherPool' });
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
  });
});

afterAll(async () => {
  await issuer?.close();
  await other?.close();
});

/** The captured TOKEN event with a token swapped in (the fixture itself is never edited). */
function tokenEvent(authorizationToken: string): RestTokenAuthorizerEvent {
  return {
    ...fixture<RestTokenAuthorizerEvent>('apigw-rest-token-authorizer.json'),
    authorizationToken,
  };
}

/** The captured REQUEST event with its Authorization header replaced (both maps). */
function requestEvent(authorization: string | undefined): RestRequestAuthorizerEvent {
  const event = fixture<RestRequestAuthorizerEvent>('apigw-rest-request-authorizer.json');
  const headers = { ...event.headers };
  const multi = { ...event.multiValueHeaders };
  delete headers.Authorization;
  delete multi.Authorization;
  if (authorization !== undefined) {
    headers.Authorization = authorization;
    multi.Authorization = [authorization];
  }
  return { ...event, headers, multiValueHeaders: multi };
}

const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:puhdx84jy9/prod/';

describe('createRestTokenAuthorizer', () => {
  it('allows the whole stage for a valid token in the captured TOKEN event', async () => {
    const handler = createRestTokenAuthorizer({ verifier });
    const token = await issuer.mintAccessToken({ username: 'alice', groups: ['staff'] });
    const result = await handler(tokenEvent(`Bearer ${token}`));
    expect(result.policyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${STAGE}*/*`] }],
    });
    const { sub } = await verifier.verify(token);
    expect(result.principalId).toBe(sub);
    // Never the single methodArn that came first (the result-cache pitfall, SECURITY.md decision
    // 13).
    expect(iamAllows(result.policyDocument, `${STAGE}DELETE/other/route`)).toBe(true);
  });

  it('accepts a bare token as well as a Bearer one', async () => {
    const handler = createRestTokenAuthorizer({ verifier });
    const token = await issuer.mintAccessToken();
    await expect(handler(tokenEvent(token))).resolves.toMatchObject({
      principalId: expect.any(String),
    });
  });

  it('refuses a bare token when allowBareToken is false', async () => {
    const handler = createRestTokenAuthorizer({ verifier, allowBareToken: false });
    const token = await issuer.mintAccessToken();
    expect(await unauthorizedCode(handler(tokenEvent(token)))).toBe('BAD_REQUEST');
  });

  it('throws exactly Unauthorized for the fixture token "Bearer foo"', async () => {
    const handler = createRestTokenAuthorizer({ verifier });
    const event = fixture<RestTokenAuthorizerEvent>('apigw-rest-token-authorizer.json');
    expect(await unauthorizedCode(handler(event))).toBe('MALFORMED');
  });

  it('throws exactly Unauthorized for the docs example token "allow"', async () => {
    const handler = createRestTokenAuthorizer({ verifier });
    const event = fixture<RestTokenAuthorizerEvent>(
      'apigw-rest-token-authorizer-docs-example.json',
    );
    // "allow" is no scheme and no JWT: no bearer credentials were presented.
    expect(await unauthorizedCode(handler(event))).toBe('NO_CREDENTIALS');
  });

  it('allows the docs example stage * with a valid token, root resource included', async () => {
    const handler = createRestTokenAuthorizer({ verifier });
    const event = fixture<RestTokenAuthorizerEvent>(
      'apigw-rest-token-authorizer-docs-example.json',
    );
    const result = await handler({ ...event, authorizationToken: await issuer.mintAccessToken() });
    expect(result.policyDocument.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Resource: ['arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/*/*'],
    });
    expect(iamAllows(result.policyDocument, event.methodArn)).toBe(true);
  });

  it('flattens the context to strings, numbers and booleans, groups and scopes space-joined', async () => {
    const handler = createRestTokenAuthorizer({
      verifier,
      context: (auth) => ({ tenant: 'acme', emailVerified: auth.tokenUse === 'access' }),
    });
    const token = await issuer.mintAccessToken({
      username: 'bob',
      groups: ['admin', 'staff'],
      scopes: ['orders/read', 'orders/write'],
    });
    const { context } = await handler(tokenEvent(`Bearer ${token}`));
    expect(context).toMatchObject({
      username: 'bob',
      clientId: issuer.clientId,
      tokenUse: 'access',
      userPoolId: issuer.userPoolId,
      scopes: 'orders/read orders/write',
      groups: 'admin staff',
      isMachine: false,
      tenant: 'acme',
      emailVerified: true,
    });
    for (const value of Object.values(context)) {
      expect(['string', 'number', 'boolean']).toContain(typeof value);
    }
  });

  it("refuses a token whose group 'readers admin' would split back into admin (group-splitting escalation)", async () => {
    const log = eventLog();
    const rest = createRestTokenAuthorizer({ verifier, onEvent: log.onEvent });
    const token = await issuer.mintAccessToken({ groups: ['readers admin'] });
    // A downstream `context.groups.split(' ')` would read 'admin': the token is refused (401).
    expect(await unauthorizedCode(rest(tokenEvent(`Bearer ${token}`)))).toBe('CLAIM_TYPE');
    expect(log.events).toEqual([
      expect.objectContaining({ type: 'unauthorized', code: 'CLAIM_TYPE' }),
    ]);
    const request = createRestRequestAuthorizer({ verifier });
    expect(await unauthorizedCode(request(requestEvent(`Bearer ${token}`)))).toBe('CLAIM_TYPE');
    const tab = await issuer.mintAccessToken({ groups: ['readers\tadmin'] });
    expect(await unauthorizedCode(rest(tokenEvent(`Bearer ${tab}`)))).toBe('CLAIM_TYPE');
  });

  it('answers a context hook that returns an object value with a 500, not a bad context', async () => {
    const handler = createRestTokenAuthorizer({
      verifier,
      context: () => ({ nested: { a: 1 } as unknown as string }),
    });
    const error = await handler(tokenEvent(await issuer.mintAccessToken())).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).not.toBe('Unauthorized');
  });

  it('answers in the shape of the documented response template', async () => {
    // The template's values are placeholders ("Allow|Deny", "{regionId}"): compare the shape.
    const template = fixture<Record<string, unknown>>(
      'apigw-rest-authorizer-response-docs-template.json',
    );
    const handler = createRestTokenAuthorizer({ verifier, usageIdentifierKey: () => 'api-key' });
    const result = await handler(tokenEvent(`Bearer ${await issuer.mintAccessToken()}`));
    const shape = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.slice(0, 1).map(shape)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.keys(value)
                .sort()
                .map((k) => [k, shape((value as never)[k])]),
            )
          : typeof value;
    const { context: templateContext, ...templateRest } = template;
    const { context, ...rest } = result;
    // `Action` may be a string or an array [doc S2]; the template uses an array, we a string.
    const statements = rest.policyDocument.Statement as unknown as { Action: string }[];
    const normalized = statements.map((s) => ({ ...s, Action: [s.Action] }));
    expect(
      shape({ ...rest, policyDocument: { ...rest.policyDocument, Statement: normalized } }),
    ).toEqual(shape(templateRest));
    expect(typeof templateContext).toBe('object');
    for (const value of Object.values(context)) {
      expect(['string', 'number', 'boolean']).toContain(typeof value);
    }
  });

  it('returns usageIdentifierKey from the hook', async () => {
    const handler = createRestTokenAuthorizer({
      verifier,
      usageIdentifierKey: (auth) =>
        auth.groups.includes('partner') ? 'partner-api-key' : undefined,
    });
    const partner = await handler(
      tokenEvent(await issuer.mintAccessToken({ groups: ['partner'] })),
    );
    expect(partner.usageIdentifierKey).toBe('partner-api-key');
    const plain = await handler(tokenEvent(await issuer.mintAccessToken()));
    expect('usageIdentifierKey' in plain).toBe(false);
  });

  it('denies the whole stage when require refuses the token', async () => {
    const log = eventLog();
    const handler = createRestTokenAuthorizer({
      verifier,
      policy: requireGroups('admin'),
      onEvent: log.onEvent,
    });
    const result = await handler(tokenEvent(`Bearer ${await issuer.mintAccessToken()}`));
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${STAGE}*/*`] },
    ]);
    expect(log.events).toEqual([
      expect.objectContaining({ type: 'deny', code: 'GROUP_NOT_ALLOWED', route: undefined }),
    ]);
  });

  it('refuses a non-TOKEN event with a 500-class error', async () => {
    const handler = createRestTokenAuthorizer({ verifier });
    const event = fixture<RestTokenAuthorizerEvent>('apigw-rest-request-authorizer.json');
    await expect(handler(event)).rejects.toThrow('only handles REST TOKEN authorizer events');
  });

  it('creates its verifier from options at factory time', async () => {
    const handler = createRestTokenAuthorizer({
      verifier: {
        userPoolId: issuer.userPoolId,
        clientId: issuer.clientId,
        tokenUse: 'access',
        jwksUri: issuer.jwksUri,
      },
    });
    const before = issuer.requestCount;
    for (let i = 0; i < 3; i += 1) {
      await handler(tokenEvent(`Bearer ${await issuer.mintAccessToken()}`));
    }
    // One verifier for every invocation: its JWKS cache fetched the keys once.
    expect(issuer.requestCount - before).toBe(1);
  });

  it('throws configuration errors at creation, not per request', () => {
    expect(() => createRestTokenAuthorizer({ verifier: undefined as unknown as Verifier })).toThrow(
      'verifier is required',
    );
    expect(() => createRestTokenAuthorizer({ verifier, defaultPolicy: 'authenticated' })).toThrow(
      'without routes, use policy',
    );
    expect(() =>
      createRestTokenAuthorizer({ verifier, routes: { 'get /x': 'authenticated' } }),
    ).toThrow('must look like');
    expect(() =>
      createRestTokenAuthorizer({
        verifier: { userPoolId: 'nope', clientId: 'c', tokenUse: 'access' },
      }),
    ).toThrow('userPoolId');
  });

  it('is assignable to the @types/aws-lambda handler types', () => {
    const token: APIGatewayTokenAuthorizerHandler = createRestTokenAuthorizer({ verifier });
    const request: APIGatewayRequestAuthorizerHandler = createRestRequestAuthorizer({ verifier });
    expect(typeof token).toBe('function');
    expect(typeof request).toBe('function');
  });
});

describe('createRestRequestAuthorizer', () => {
  it('allows a valid token from the captured REQUEST event', async () => {
    const handler = createRestRequestAuthorizer({ verifier });
    const result = await handler(requestEvent(`Bearer ${await issuer.mintAccessToken()}`));
    expect(iamAllows(result.policyDocument, `${STAGE}POST/lambda-request`)).toBe(true);
  });

  it('throws Unauthorized for the captured "Bearer foo"', async () => {
    const handler = createRestRequestAuthorizer({ verifier });
    const event = fixture<RestRequestAuthorizerEvent>('apigw-rest-request-authorizer.json');
    expect(await unauthorizedCode(handler(event))).toBe('MALFORMED');
  });

  it.each(['authorization', 'AUTHORIZATION', 'Authorization', 'aUtHoRiZaTiOn'])(
    'finds the header named %s',
    async (name) => {
      const handler = createRestRequestAuthorizer({ verifier });
      const event = requestEvent(undefined);
      const token = `Bearer ${await issuer.mintAccessToken()}`;
      const result = await handler({
        ...event,
        headers: { ...event.headers, [name]: token },
        multiValueHeaders: { ...event.multiValueHeaders, [name]: [token] },
      });
      expect(result.principalId).toEqual(expect.any(String));
    },
  );

  it('throws Unauthorized (NO_CREDENTIALS) without a token', async () => {
    const handler = createRestRequestAuthorizer({ verifier });
    expect(await unauthorizedCode(handler(requestEvent(undefined)))).toBe('NO_CREDENTIALS');
  });

  it('handles the null maps the console tester sends', async () => {
    const handler = createRestRequestAuthorizer({ verifier });
    const event = {
      ...requestEvent(undefined),
      headers: null,
      multiValueHeaders: null,
      queryStringParameters: null,
    };
    expect(await unauthorizedCode(handler(event))).toBe('NO_CREDENTIALS');
  });

  it('reads a custom header and a query parameter when configured', async () => {
    const token = await issuer.mintAccessToken();
    const byHeader = createRestRequestAuthorizer({
      verifier,
      tokenSource: { header: 'X-Api-Token' },
    });
    const event = requestEvent(undefined);
    await expect(
      byHeader({ ...event, headers: { ...event.headers, 'x-api-token': token } }),
    ).resolves.toMatchObject({ principalId: expect.any(String) });
    const byQuery = createRestRequestAuthorizer({
      verifier,
      tokenSource: { query: 'access_token' },
    });
    await expect(
      byQuery({ ...event, queryStringParameters: { access_token: token } }),
    ).resolves.toMatchObject({ principalId: expect.any(String) });
  });
});

describe('REST authorizer security', () => {
  const cases: [string, () => Promise<string>, string][] = [
    ['alg none', () => issuer.sign({ sub: 'x' }, { header: { alg: 'none' } }), 'ALG_NOT_ALLOWED'],
    ['an expired token', () => issuer.mintAccessToken({ expiresIn: -60 }), 'EXPIRED'],
    ['an ID token when tokenUse is "access"', () => issuer.mintIdToken(), 'TOKEN_USE'],
    [
      'a token from another pool with the same kid',
      async () => other.mintAccessToken({ header: { kid: issuer.currentKid } }),
      'ISSUER',
    ],
    [
      'a token for another client',
      () => issuer.mintAccessToken({ clientId: 'someotherclient000000000001' }),
      'CLIENT_ID',
    ],
    [
      'a tampered signature',
      async () => {
        // Flip one character in the middle of the signature: still canonical base64url.
        const token = await issuer.mintAccessToken();
        const at = token.lastIndexOf('.') + 20;
        return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
      },
      'SIGNATURE_INVALID',
    ],
    [
      'a tampered payload (groups added)',
      async () => {
        const [h, , s] = (await issuer.mintAccessToken()).split('.');
        const forged = Buffer.from(JSON.stringify({ 'cognito:groups': ['admin'] })).toString(
          'base64url',
        );
        return `${h}.${forged}.${s}`;
      },
      // The forged payload names no configured issuer: refused before it is parsed.
      'ISSUER',
    ],
    ['a Basic credential', async () => 'Basic dXNlcjpwYXNz', 'NO_CREDENTIALS'],
    ['a Bearer scheme without a token', async () => 'Bearer', 'BAD_REQUEST'],
  ];

  it.each(cases)(
    'refuses %s with Unauthorized and reports the exact code',
    async (_, make, code) => {
      const log = eventLog();
      const handler = createRestTokenAuthorizer({ verifier, onEvent: log.onEvent });
      const token = await make();
      const value = token.startsWith('Basic') || token === 'Bearer' ? token : `Bearer ${token}`;
      expect(await unauthorizedCode(handler(tokenEvent(value)))).toBe(code);
      expect(log.events).toEqual([{ type: 'unauthorized', authorizer: 'rest-token', code }]);
    },
  );

  it('refuses two Authorization headers (multiValueHeaders) with Unauthorized', async () => {
    const handler = createRestRequestAuthorizer({ verifier });
    const a = `Bearer ${await issuer.mintAccessToken({ username: 'a' })}`;
    const b = `Bearer ${await issuer.mintAccessToken({ username: 'b', groups: ['admin'] })}`;
    const event = requestEvent(a);
    const code = await unauthorizedCode(
      handler({
        ...event,
        multiValueHeaders: { ...event.multiValueHeaders, Authorization: [a, b] },
      }),
    );
    expect(code).toBe('BAD_REQUEST');
  });

  it('refuses two Authorization headers that differ only in case (serverless-offline)', async () => {
    const handler = createRestRequestAuthorizer({ verifier });
    const token = `Bearer ${await issuer.mintAccessToken()}`;
    const event = requestEvent(undefined);
    const code = await unauthorizedCode(
      handler({
        ...event,
        headers: { ...event.headers, Authorization: token, authorization: token },
        multiValueHeaders: null,
      }),
    );
    expect(code).toBe('BAD_REQUEST');
  });

  it('refuses a header value that the single-value map has and the multi-value map lacks', async () => {
    const handler = createRestRequestAuthorizer({ verifier });
    const a = `Bearer ${await issuer.mintAccessToken({ username: 'a' })}`;
    const b = `Bearer ${await issuer.mintAccessToken({ username: 'b' })}`;
    const event = requestEvent(a);
    const code = await unauthorizedCode(
      handler({ ...event, headers: { ...event.headers, Authorization: b } }),
    );
    expect(code).toBe('BAD_REQUEST');
  });

  it('refuses a token in the header and in the access_token query parameter', async () => {
    const handler = createRestRequestAuthorizer({ verifier });
    const token = await issuer.mintAccessToken();
    const both = {
      ...requestEvent(`Bearer ${token}`),
      queryStringParameters: { access_token: token },
    };
    expect(await unauthorizedCode(handler(both))).toBe('BAD_REQUEST');
    // Query tokens are not accepted unless configured: alone, it is no credentials.
    const queryOnly = {
      ...requestEvent(undefined),
      queryStringParameters: { access_token: token },
    };
    expect(await unauthorizedCode(handler(queryOnly))).toBe('NO_CREDENTIALS');
  });

  it('never copies a wildcard from the request path into the policy', async () => {
    const handler = createRestTokenAuthorizer({
      verifier,
      routes: { 'GET /orders/{id}': requireScopes('orders/read') },
    });
    const token = await issuer.mintAccessToken({ scopes: ['orders/read'] });
    const result = await handler({
      ...tokenEvent(`Bearer ${token}`),
      methodArn: `${STAGE}GET/orders/*`,
    });
    const resources = result.policyDocument.Statement.flatMap((s) =>
      'Resource' in s && s.Resource !== undefined ? [s.Resource].flat() : [],
    );
    expect(resources).toEqual([`${STAGE}GET/orders/*`]);
    expect(iamAllows(result.policyDocument, `${STAGE}DELETE/orders/1`)).toBe(false);
  });

  it('throws a non-Unauthorized error (500, not cached) when the JWKS is down', async () => {
    const down = await createTestIssuer({ userPoolId: 'us-west-2_DownPool' });
    try {
      down.misbehave({ kind: 'down' });
      const log = eventLog();
      const handler = createRestTokenAuthorizer({
        verifier: {
          userPoolId: down.userPoolId,
          clientId: down.clientId,
          tokenUse: 'access',
          jwksUri: down.jwksUri,
          jwks: { timeoutMs: 1000 },
        },
        onEvent: log.onEvent,
      });
      const error = await handler(tokenEvent(`Bearer ${await down.mintAccessToken()}`)).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).not.toBe('Unauthorized');
      expect(authorizerErrorCode(error)).toBe('JWKS_UNAVAILABLE');
      expect(log.events).toEqual([
        { type: 'error', authorizer: 'rest-token', code: 'JWKS_UNAVAILABLE' },
      ]);
    } finally {
      await down.close();
    }
  });
});
