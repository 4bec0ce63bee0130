import { createVerifier, requireGroups, type Verifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebSocketAuthorizer, type WebSocketConnectAuthorizerEvent } from '../src/index.js';
import { eventLog, fixture, iamAllows, unauthorizedCode } from './helpers.js';

let issuer: TestIssuer;
let verifier: Verifier<'access'>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
  });
});

afterAll(async () => {
  await issuer?.close();
});

const CONNECT = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/default/$connect';

/** The `$connect` fixture with query parameters and headers added (a copy). */
function connectEvent(
  query: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): WebSocketConnectAuthorizerEvent {
  const event = fixture<WebSocketConnectAuthorizerEvent>('apigw-websocket-connect-authorizer.json');
  const single: Record<string, string> = { ...(event.queryStringParameters as object) };
  const multi: Record<string, string[]> = { ...(event.multiValueQueryStringParameters as object) };
  for (const [name, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    single[name] = values.at(-1)!;
    multi[name] = values;
  }
  return {
    ...event,
    queryStringParameters: single,
    multiValueQueryStringParameters: multi,
    headers: { ...event.headers, ...headers },
    multiValueHeaders: {
      ...event.multiValueHeaders,
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    },
  };
}

describe('createWebSocketAuthorizer', () => {
  it('allows $connect with a token from the configured query parameter', async () => {
    const log = eventLog();
    const handler = createWebSocketAuthorizer({
      verifier,
      tokenSource: { query: 'token' },
      onEvent: log.onEvent,
    });
    const result = await handler(connectEvent({ token: await issuer.mintAccessToken() }));
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: ['arn:aws:execute-api:us-east-1:123456789012:abcdef123/default/*'],
      },
    ]);
    expect(iamAllows(result.policyDocument, CONNECT)).toBe(true);
    expect(log.events).toEqual([
      expect.objectContaining({ type: 'allow', authorizer: 'websocket' }),
    ]);
  });

  it('throws Unauthorized for the fixture as captured (no token)', async () => {
    const handler = createWebSocketAuthorizer({ verifier, tokenSource: { query: 'token' } });
    const event = fixture<WebSocketConnectAuthorizerEvent>(
      'apigw-websocket-connect-authorizer.json',
    );
    expect(await unauthorizedCode(handler(event))).toBe('NO_CREDENTIALS');
  });

  it('reads the Authorization header by default, whatever its case', async () => {
    const handler = createWebSocketAuthorizer({ verifier });
    const token = `Bearer ${await issuer.mintAccessToken()}`;
    const result = await handler(connectEvent({}, { AUTHORIZATION: token }));
    expect(iamAllows(result.policyDocument, CONNECT)).toBe(true);
  });

  it('treats query names as case-sensitive, as API Gateway does', async () => {
    const handler = createWebSocketAuthorizer({ verifier, tokenSource: { query: 'token' } });
    const code = await unauthorizedCode(
      handler(connectEvent({ Token: await issuer.mintAccessToken() })),
    );
    expect(code).toBe('NO_CREDENTIALS');
  });

  it('refuses a token in both the header and the query', async () => {
    const handler = createWebSocketAuthorizer({
      verifier,
      tokenSource: { header: 'Authorization', query: 'token' },
    });
    const token = await issuer.mintAccessToken();
    const code = await unauthorizedCode(
      handler(connectEvent({ token }, { Authorization: `Bearer ${token}` })),
    );
    expect(code).toBe('BAD_REQUEST');
  });

  it('refuses two token query parameters', async () => {
    const handler = createWebSocketAuthorizer({ verifier, tokenSource: { query: 'token' } });
    const a = await issuer.mintAccessToken({ username: 'a' });
    const b = await issuer.mintAccessToken({ username: 'b' });
    expect(await unauthorizedCode(handler(connectEvent({ token: [a, b] })))).toBe('BAD_REQUEST');
  });

  it('denies the handshake (403) when require refuses the token', async () => {
    const handler = createWebSocketAuthorizer({
      verifier,
      tokenSource: { query: 'token' },
      policy: requireGroups('chat'),
    });
    const result = await handler(connectEvent({ token: await issuer.mintAccessToken() }));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(iamAllows(result.policyDocument, CONNECT)).toBe(false);
  });

  it('refuses an event that is not $connect with a 500-class error', async () => {
    const handler = createWebSocketAuthorizer({ verifier });
    const rest = fixture<WebSocketConnectAuthorizerEvent>('apigw-rest-request-authorizer.json');
    await expect(handler(rest)).rejects.toThrow('only handles WebSocket $connect events');
  });

  it('checks the token source at creation', () => {
    expect(() => createWebSocketAuthorizer({ verifier, tokenSource: {} })).toThrow(
      'needs a header, a query parameter, or both',
    );
    expect(() => createWebSocketAuthorizer({ verifier, tokenSource: { query: 'a b' } })).toThrow(
      'query parameter name',
    );
  });
});
