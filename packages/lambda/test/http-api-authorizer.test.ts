import { createVerifier, requireGroups, requireScopes, type Verifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import type {
  APIGatewayRequestIAMAuthorizerHandlerV2,
  APIGatewayRequestSimpleAuthorizerHandlerV2,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpApiAuthorizer,
  type HttpApiSimpleAuthorizerOptions,
  type HttpApiV1AuthorizerEvent,
  type HttpApiV2AuthorizerEvent,
} from '../src/index.js';
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

/** The captured payload 2.0 event with the token swapped into header and identitySource. */
function v2Event(authorization: string | undefined, headerName = 'authorization') {
  const event = fixture<HttpApiV2AuthorizerEvent>('apigw-http-v2-authorizer.json');
  const headers: Record<string, string | undefined> = { ...event.headers };
  delete headers.authorization;
  if (authorization !== undefined) headers[headerName] = authorization;
  return {
    ...event,
    headers,
    identitySource: authorization === undefined ? [] : [authorization],
  } as HttpApiV2AuthorizerEvent;
}

/** The docs payload 2.0 example (cookies, mTLS, `$default` route key) with a token added. */
function v2DocsEvent(authorization: string): HttpApiV2AuthorizerEvent {
  const event = fixture<HttpApiV2AuthorizerEvent>('apigw-http-v2-authorizer-docs-example.json');
  return { ...event, headers: { ...event.headers, authorization } };
}

/** A payload 1.0 fixture with the token swapped in as the identity source. */
function v1Event(name: string, authorization: string): HttpApiV1AuthorizerEvent {
  const event = fixture<HttpApiV1AuthorizerEvent>(name);
  return {
    ...event,
    identitySource: authorization,
    authorizationToken: authorization,
    headers: { ...event.headers, Authorization: authorization },
  };
}

const V2_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:lsw1ro4ipb/$default/';
const V1_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/';

describe('createHttpApiAuthorizer, simple responses', () => {
  it('authorizes the captured payload 2.0 event with a rich context', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const token = await issuer.mintAccessToken({
      username: 'carol',
      groups: ['staff'],
      scopes: ['orders/read'],
    });
    const result = await handler(v2Event(`Bearer ${token}`));
    expect(result).toEqual({
      isAuthorized: true,
      context: expect.objectContaining({
        username: 'carol',
        groups: ['staff'],
        scopes: ['orders/read'],
        isMachine: false,
      }),
    });
  });

  it('throws Unauthorized (401) for the captured "Bearer foo", not isAuthorized false (403)', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const event = fixture<HttpApiV2AuthorizerEvent>('apigw-http-v2-authorizer.json');
    expect(await unauthorizedCode(handler(event))).toBe('MALFORMED');
  });

  it('authorizes the docs example event, which has cookies and mTLS data', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const result = await handler(v2DocsEvent(await issuer.mintAccessToken()));
    expect(result.isAuthorized).toBe(true);
  });

  it("finds the token under serverless-offline's client-cased Authorization header", async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const event = v2Event(`Bearer ${await issuer.mintAccessToken()}`, 'Authorization');
    expect((await handler(event)).isAuthorized).toBe(true);
  });

  it('refuses comma-joined duplicate headers (payload 2.0 joins repeated headers)', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const a = await issuer.mintAccessToken({ username: 'a' });
    const b = await issuer.mintAccessToken({ username: 'b' });
    expect(await unauthorizedCode(handler(v2Event(`Bearer ${a},Bearer ${b}`)))).toBe('BAD_REQUEST');
  });

  it('answers isAuthorized false (403) when require refuses the token', async () => {
    const log = eventLog();
    const handler = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      require: requireScopes('orders/write'),
      onEvent: log.onEvent,
    });
    const token = await issuer.mintAccessToken({ scopes: ['orders/read'] });
    expect(await handler(v2Event(`Bearer ${token}`))).toEqual({ isAuthorized: false });
    expect(log.events).toEqual([
      expect.objectContaining({ type: 'deny', code: 'INSUFFICIENT_SCOPE' }),
    ]);
  });

  it('decides per route when the cache is route-aware', async () => {
    const handler = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      routes: { 'POST /lambda': requireGroups('writers'), 'GET /lambda': 'authenticated' },
      routeAwareCache: true,
    });
    const reader = `Bearer ${await issuer.mintAccessToken({ groups: ['readers'] })}`;
    const writer = `Bearer ${await issuer.mintAccessToken({ groups: ['writers'] })}`;
    expect((await handler(v2Event(reader))).isAuthorized).toBe(false);
    expect((await handler(v2Event(writer))).isAuthorized).toBe(true);
    const get = { ...v2Event(reader), routeArn: `${V2_ARN}GET/lambda`, routeKey: 'GET /lambda' };
    expect((await handler(get)).isAuthorized).toBe(true);
  });

  it('refuses route rules without routeAwareCache, at creation', () => {
    const options = {
      response: 'simple',
      verifier,
      routes: { 'GET /x': 'authenticated' },
    } as unknown as HttpApiSimpleAuthorizerOptions;
    expect(() => createHttpApiAuthorizer(options)).toThrow('routeAwareCache: true');
  });

  it('refuses a payload 1.0 event: simple responses exist for 2.0 only', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const event = v1Event('apigw-http-v1-authorizer.json', 'Bearer x.y.z');
    await expect(handler(event as unknown as HttpApiV2AuthorizerEvent)).rejects.toThrow(
      'payload format 2.0',
    );
  });

  it('refuses "claims" in the context (reserved by HTTP APIs) with a 500', async () => {
    const handler = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      context: () => ({ claims: 'x' }),
    });
    const error = await handler(v2Event(`Bearer ${await issuer.mintAccessToken()}`)).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('reserved');
  });

  it('is assignable to the @types/aws-lambda simple handler type', () => {
    const handler: APIGatewayRequestSimpleAuthorizerHandlerV2 = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
    });
    expect(typeof handler).toBe('function');
  });
});

describe('createHttpApiAuthorizer, IAM responses', () => {
  it('answers the captured payload 2.0 event with a stage-wide policy on routeArn', async () => {
    const handler = createHttpApiAuthorizer({ response: 'iam', verifier });
    const result = await handler(v2Event(`Bearer ${await issuer.mintAccessToken()}`));
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${V2_ARN}*/*`] },
    ]);
    // IAM responses keep the context flat, as REST requires.
    expect(typeof result.context.groups).toBe('string');
  });

  it.each(['apigw-http-v1-authorizer.json', 'apigw-http-v1-authorizer-multivalue.json'])(
    'answers the payload 1.0 event %s from methodArn',
    async (name) => {
      const handler = createHttpApiAuthorizer({
        response: 'iam',
        verifier,
        routes: { 'GET /request': requireGroups('staff') },
      });
      const staff = await issuer.mintAccessToken({ groups: ['staff'] });
      const result = await handler(v1Event(name, `Bearer ${staff}`));
      expect(iamAllows(result.policyDocument, `${V1_ARN}GET/request`)).toBe(true);
      expect(iamAllows(result.policyDocument, `${V1_ARN}GET/other`)).toBe(false);
      const guest = await issuer.mintAccessToken();
      const denied = await handler(v1Event(name, `Bearer ${guest}`));
      expect(iamAllows(denied.policyDocument, `${V1_ARN}GET/request`)).toBe(false);
    },
  );

  it('throws Unauthorized for the payload 1.0 fixtures as captured (no bearer token)', async () => {
    const handler = createHttpApiAuthorizer({ response: 'iam', verifier });
    for (const name of [
      'apigw-http-v1-authorizer.json',
      'apigw-http-v1-authorizer-multivalue.json',
    ]) {
      expect(await unauthorizedCode(handler(fixture<HttpApiV1AuthorizerEvent>(name)))).toBe(
        'NO_CREDENTIALS',
      );
    }
  });

  it('refuses a REST event (no version) and a WebSocket event with a 500-class error', async () => {
    const handler = createHttpApiAuthorizer({ response: 'iam', verifier });
    const rest = fixture<HttpApiV1AuthorizerEvent>('apigw-rest-request-authorizer.json');
    await expect(handler(rest)).rejects.toThrow('only handles HTTP API authorizer events');
    const ws = fixture<HttpApiV1AuthorizerEvent>('apigw-websocket-connect-authorizer.json');
    await expect(handler(ws)).rejects.toThrow('only handles HTTP API authorizer events');
  });

  it('is assignable to the @types/aws-lambda IAM handler type', () => {
    const handler: APIGatewayRequestIAMAuthorizerHandlerV2 = createHttpApiAuthorizer({
      response: 'iam',
      verifier,
    });
    expect(typeof handler).toBe('function');
  });
});
