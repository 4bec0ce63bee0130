import { createVerifier, requireGroups, type Verifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpApiAuthorizer,
  createRestRequestAuthorizer,
  createRestTokenAuthorizer,
  createWebSocketAuthorizer,
  type HttpApiV2AuthorizerEvent,
  type IamAuthorizerResult,
  type RestRequestAuthorizerEvent,
  type RouteRules,
  type SimpleAuthorizerResult,
  type WebSocketConnectAuthorizerEvent,
} from '../src/index.js';
import { fixture, iamAllows } from './helpers.js';

/**
 * A model of API Gateway's Lambda authorizer result cache, written from AWS's documentation:
 *
 * - the cache key is the values of the authorizer's identity sources, nothing else ("When
 *   caching is enabled for an authorizer, API Gateway uses the authorizer's identity sources as
 *   the cache key", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html;
 *   for REST, the token header of a TOKEN authorizer or the identity sources of a REQUEST one,
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization.html);
 * - a missing identity source is a 401 without invoking the Lambda;
 * - only a returned result is cached (a thrown error is a 401 or a 500); the TTL is ignored,
 *   so an entry lives for the whole sequence, the worst case;
 * - a cached simple response "fully allows or denies all API requests that match the cached
 *   identity source values"; a cached IAM policy is evaluated against each new request's ARN
 *   (here with the tests' own IAM matcher, `iamAllows`).
 *
 * Every sequence of requests is replayed through the cache and, request by request, compared
 * with what the authorizer answers when invoked directly for that request. No request may get
 * from the cache a decision the authorizer would not give it.
 */

let issuer: TestIssuer;
let verifier: Verifier<'access'>;
/** Authorization header values; `undefined` is a request without one. */
let principals: readonly (string | undefined)[];

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
  });
  principals = [
    `Bearer ${await issuer.mintAccessToken({ groups: ['readers'] })}`,
    `Bearer ${await issuer.mintAccessToken({ groups: ['staff'] })}`,
    `Bearer ${await issuer.mintAccessToken({ groups: ['admin', 'staff'] })}`,
    'Bearer not-a-token',
    undefined,
  ];
});

afterAll(async () => {
  await issuer?.close();
});

/** The rules: anyone may list orders, only admins delete one. */
const RULES: RouteRules = {
  'GET /orders': 'authenticated',
  'GET /orders/{id}': 'authenticated',
  'DELETE /orders/{id}': requireGroups('admin'),
  'ANY /admin/{proxy+}': requireGroups('admin'),
};

/** Rules keyed by the route keys of API_SPECIFIC, for `cacheKey: 'route-key'`. */
const ROUTE_KEY_RULES: RouteRules = {
  'GET /orders': 'authenticated',
  'DELETE /orders/{id}': requireGroups('admin'),
  'ANY /orders/{id}': requireGroups('staff'),
  'ANY /admin/{proxy+}': requireGroups('admin'),
};

/** HTTP API route keys, most specific first (how API Gateway selects a route). */
const APIS: Readonly<Record<string, readonly string[]>> = {
  'ANY /{proxy+}': ['ANY /{proxy+}'],
  $default: ['$default'],
  'ANY /orders/{id}': ['GET /orders', 'ANY /orders/{id}', 'ANY /admin/{proxy+}', '$default'],
  specific: [
    'GET /orders',
    'DELETE /orders/{id}',
    'ANY /orders/{id}',
    'ANY /admin/{proxy+}',
    '$default',
  ],
};

const REQUESTS: readonly (readonly [string, string])[] = [
  ['GET', '/orders'],
  ['GET', '/orders/1'],
  ['DELETE', '/orders/1'],
  ['POST', '/orders/1'],
  ['DELETE', '/orders/1/items'],
  ['GET', '/admin/users'],
  ['PROPFIND', '/admin/users'],
  ['TRACE', '/orders'],
];

function templateMatches(template: string, path: string): boolean {
  const t = template.split('/');
  const p = path.split('/');
  for (let i = 0; i < t.length; i += 1) {
    if (/^\{.+\+\}$/.test(t[i]!)) return p.length > i;
    if (i >= p.length) return false;
    if (!/^\{.+\}$/.test(t[i]!) && t[i] !== p[i]) return false;
  }
  return t.length === p.length;
}

/** The route key API Gateway selects for a request, or `undefined` (404, no authorizer). */
function selectRoute(api: readonly string[], method: string, path: string): string | undefined {
  return api.find((key) => {
    if (key === '$default') return true;
    const [m, template] = key.split(' ') as [string, string];
    return (m === 'ANY' || m === method) && templateMatches(template, path);
  });
}

type Decision = 'allow' | 'deny' | 'unauthorized' | 'error';

interface Request {
  readonly authorization: string | undefined;
  readonly method: string;
  readonly path: string;
}

/** One authorizer as API Gateway sees it: its identity values, its event, how a result applies. */
interface Surface<E, R> {
  /** The identity-source values, or `undefined` when one is missing (401, no invocation). */
  key(request: Request): readonly string[] | undefined;
  event(request: Request): E;
  invoke(event: E): Promise<R>;
  /** What a (possibly cached) result decides for this request. */
  apply(result: R, request: Request): 'allow' | 'deny';
}

async function run<E, R>(surface: Surface<E, R>, request: Request): Promise<[Decision, R?]> {
  try {
    const result = await surface.invoke(surface.event(request));
    return [surface.apply(result, request), result];
  } catch (err) {
    return [(err as Error).message === 'Unauthorized' ? 'unauthorized' : 'error'];
  }
}

/**
 * Replays `sequence` through the modelled cache; returns the requests whose cached decision
 * differs from the direct one (empty when the cache is never wrong).
 */
async function replay<E, R>(surface: Surface<E, R>, sequence: readonly Request[]) {
  const cache = new Map<string, R>();
  const wrong: string[] = [];
  for (const request of sequence) {
    const key = surface.key(request);
    const [direct] =
      key === undefined ? (['unauthorized'] as [Decision]) : await run(surface, request);
    let viaGateway: Decision;
    if (key === undefined) {
      viaGateway = 'unauthorized';
    } else {
      const id = JSON.stringify(key);
      const cached = cache.get(id);
      if (cached !== undefined) {
        viaGateway = surface.apply(cached, request);
      } else {
        const [decision, result] = await run(surface, request);
        if (result !== undefined) cache.set(id, result);
        viaGateway = decision;
      }
    }
    if (viaGateway !== direct) {
      wrong.push(
        `${request.method} ${request.path} (principal ${principals.indexOf(request.authorization)}): cache ${viaGateway}, direct ${direct}`,
      );
    }
  }
  return wrong;
}

const HTTP_PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:lsw1ro4ipb/$default/';
const REST_PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:puhdx84jy9/prod/';

type HttpSource =
  | '$request.header.Authorization'
  | '$context.routeKey'
  | '$context.httpMethod'
  | '$context.path';

function httpValue(source: HttpSource, request: Request, routeKey: string): string | undefined {
  switch (source) {
    case '$request.header.Authorization':
      return request.authorization;
    case '$context.routeKey':
      return routeKey;
    case '$context.httpMethod':
      return request.method;
    case '$context.path':
      return request.path;
  }
}

/** An HTTP API payload 2.0 surface on one API, with the identity sources the user configured. */
function httpSurface<R extends SimpleAuthorizerResult | IamAuthorizerResult>(
  api: readonly string[],
  sources: readonly HttpSource[],
  handler: (event: HttpApiV2AuthorizerEvent) => Promise<R>,
): Surface<HttpApiV2AuthorizerEvent, R> {
  const routeKey = (r: Request) => selectRoute(api, r.method, r.path) ?? '$default';
  return {
    key(request) {
      const values = sources.map((s) => httpValue(s, request, routeKey(request)));
      return values.every((v) => v !== undefined) ? (values as string[]) : undefined;
    },
    event(request) {
      const base = fixture<HttpApiV2AuthorizerEvent>('apigw-http-v2-authorizer.json');
      const key = routeKey(request);
      return {
        ...base,
        routeArn: `${HTTP_PREFIX}${request.method}${request.path}`,
        routeKey: key,
        rawPath: request.path,
        headers:
          request.authorization === undefined ? {} : { authorization: request.authorization },
        identitySource: sources.map((s) => httpValue(s, request, key) ?? ''),
        requestContext: {
          ...base.requestContext,
          routeKey: key,
          http: { ...base.requestContext.http, method: request.method, path: request.path },
        },
      };
    },
    invoke: handler,
    apply(result, request) {
      if ('isAuthorized' in result) return result.isAuthorized ? 'allow' : 'deny';
      const arn = `${HTTP_PREFIX}${request.method}${request.path}`;
      return iamAllows(result.policyDocument, arn) ? 'allow' : 'deny';
    },
  };
}

function iamApply(prefix: string) {
  return (result: IamAuthorizerResult, request: Request): 'allow' | 'deny' =>
    iamAllows(result.policyDocument, `${prefix}${request.method}${request.path}`)
      ? 'allow'
      : 'deny';
}

const TOKEN_ONLY: readonly HttpSource[] = ['$request.header.Authorization'];
const BY_REQUEST: readonly HttpSource[] = [...TOKEN_ONLY, '$context.httpMethod', '$context.path'];
const BY_ROUTE: readonly HttpSource[] = [...TOKEN_ONLY, '$context.routeKey'];

/** Every surface under test, on every API shape, with the identity sources the docs give. */
function surfaces(): [string, Surface<never, never>][] {
  const list: [string, Surface<unknown, unknown>][] = [];
  for (const [name, api] of Object.entries(APIS)) {
    list.push([
      `HTTP API simple, cacheKey 'method-and-path', route ${name}`,
      httpSurface(
        api,
        BY_REQUEST,
        createHttpApiAuthorizer({
          response: 'simple',
          verifier,
          routes: RULES,
          defaultPolicy: 'authenticated',
          cacheKey: 'method-and-path',
        }),
      ) as Surface<unknown, unknown>,
    ]);
    list.push([
      `HTTP API simple, cacheKey 'route-key', route ${name}`,
      httpSurface(
        api,
        BY_ROUTE,
        createHttpApiAuthorizer({
          response: 'simple',
          verifier,
          routes: ROUTE_KEY_RULES,
          cacheKey: 'route-key',
        }),
      ) as Surface<unknown, unknown>,
    ]);
    // A mode whose identity sources are missing from the key: every request is a 500.
    list.push([
      `HTTP API simple, cacheKey 'method-and-path' keyed by the route only, route ${name}`,
      httpSurface(
        api,
        BY_ROUTE,
        createHttpApiAuthorizer({
          response: 'simple',
          verifier,
          routes: RULES,
          cacheKey: 'method-and-path',
        }),
      ) as Surface<unknown, unknown>,
    ]);
    list.push([
      `HTTP API simple, no rules, route ${name}`,
      httpSurface(
        api,
        TOKEN_ONLY,
        createHttpApiAuthorizer({ response: 'simple', verifier, policy: requireGroups('staff') }),
      ) as Surface<unknown, unknown>,
    ]);
    list.push([
      `HTTP API IAM, route ${name}`,
      httpSurface(
        api,
        TOKEN_ONLY,
        createHttpApiAuthorizer({
          response: 'iam',
          verifier,
          routes: RULES,
          defaultPolicy: 'authenticated',
        }),
      ) as Surface<unknown, unknown>,
    ]);
  }

  const restToken = createRestTokenAuthorizer({
    verifier,
    routes: RULES,
    defaultPolicy: 'authenticated',
  });
  list.push([
    'REST TOKEN',
    {
      key: (r) => (r.authorization === undefined ? undefined : [r.authorization]),
      event: (r) => ({
        type: 'TOKEN',
        authorizationToken: r.authorization ?? '',
        methodArn: `${REST_PREFIX}${r.method}${r.path}`,
      }),
      invoke: restToken,
      apply: iamApply(REST_PREFIX),
    } satisfies Surface<Parameters<typeof restToken>[0], IamAuthorizerResult> as Surface<
      unknown,
      unknown
    >,
  ]);

  const restRequest = createRestRequestAuthorizer({ verifier, routes: RULES });
  list.push([
    'REST REQUEST',
    {
      key: (r) => (r.authorization === undefined ? undefined : [r.authorization]),
      event: (r): RestRequestAuthorizerEvent => {
        const base = fixture<RestRequestAuthorizerEvent>('apigw-rest-request-authorizer.json');
        const headers = r.authorization === undefined ? {} : { Authorization: r.authorization };
        return {
          ...base,
          methodArn: `${REST_PREFIX}${r.method}${r.path}`,
          httpMethod: r.method,
          path: r.path,
          resource: '/{proxy+}',
          headers,
          multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        };
      },
      invoke: restRequest,
      apply: iamApply(REST_PREFIX),
    } satisfies Surface<RestRequestAuthorizerEvent, IamAuthorizerResult> as Surface<
      unknown,
      unknown
    >,
  ]);

  // WebSocket: the authorizer runs for $connect only, so every request is the handshake.
  const ws = createWebSocketAuthorizer({ verifier, policy: requireGroups('staff') });
  const wsArn = fixture<WebSocketConnectAuthorizerEvent>(
    'apigw-websocket-connect-authorizer.json',
  ).methodArn;
  list.push([
    'WebSocket $connect',
    {
      key: (r) => (r.authorization === undefined ? undefined : [r.authorization]),
      event: (r): WebSocketConnectAuthorizerEvent => {
        const base = fixture<WebSocketConnectAuthorizerEvent>(
          'apigw-websocket-connect-authorizer.json',
        );
        const headers = r.authorization === undefined ? {} : { Authorization: r.authorization };
        return { ...base, headers, multiValueHeaders: {} };
      },
      invoke: ws,
      apply: (result) => (iamAllows(result.policyDocument, wsArn) ? 'allow' : 'deny'),
    } satisfies Surface<WebSocketConnectAuthorizerEvent, IamAuthorizerResult> as Surface<
      unknown,
      unknown
    >,
  ]);
  return list as [string, Surface<never, never>][];
}

describe('the authorizer under a modelled API Gateway result cache', () => {
  it("never serves the reader's GET /orders answer to DELETE /orders/1 (the routeKey cache bypass)", async () => {
    const reader = principals[0];
    const sequence: Request[] = [
      { authorization: reader, method: 'GET', path: '/orders' },
      { authorization: reader, method: 'DELETE', path: '/orders/1' },
      { authorization: reader, method: 'GET', path: '/orders/1' },
      { authorization: reader, method: 'DELETE', path: '/orders/1' },
    ];
    const seen = new Map<string, Decision[]>();
    for (const [name, surface] of surfaces()) {
      expect(await replay(surface, sequence), name).toEqual([]);
      const decisions: Decision[] = [];
      for (const request of sequence) decisions.push((await run(surface, request))[0]);
      seen.set(name, decisions);
    }
    // The modes decide (rather than refuse everything) where they are meant to.
    const decided = ['allow', 'deny', 'allow', 'deny'];
    expect(seen.get("HTTP API simple, cacheKey 'method-and-path', route $default")).toEqual(
      decided,
    );
    // GET /orders/1 takes the route ANY /orders/{id}, whose rule wants staff.
    expect(seen.get("HTTP API simple, cacheKey 'route-key', route specific")).toEqual([
      'allow',
      'deny',
      'deny',
      'deny',
    ]);
    expect(seen.get("HTTP API simple, cacheKey 'route-key', route $default")).toEqual([
      'error',
      'error',
      'error',
      'error',
    ]);
    expect(seen.get('HTTP API IAM, route ANY /{proxy+}')).toEqual(decided);
    expect(seen.get('REST TOKEN')).toEqual(decided);
  });

  it('finds the bypass when the stated mode is false (uncached, but the TTL is not 0)', async () => {
    // The check has teeth: route rules decided per request behind a cache keyed by token and
    // route key, as `routeAwareCache: true` allowed, serve the reader's GET to the DELETE.
    const reader = principals[0];
    const handler = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      routes: RULES,
      cacheKey: 'uncached',
    });
    for (const api of [APIS['ANY /{proxy+}']!, APIS.$default!, APIS['ANY /orders/{id}']!]) {
      const wrong = await replay(httpSurface(api, BY_ROUTE, handler), [
        { authorization: reader, method: 'GET', path: '/orders/1' },
        { authorization: reader, method: 'DELETE', path: '/orders/1' },
      ]);
      expect(wrong).toEqual(['DELETE /orders/1 (principal 0): cache allow, direct deny']);
    }
  });

  it('gives every request of random sequences the decision it gets directly', async () => {
    const all = surfaces();
    const request = fc
      .tuple(
        fc.integer({ min: 0, max: principals.length - 1 }),
        fc.integer({ min: 0, max: REQUESTS.length - 1 }),
      )
      .map(([p, r]): Request => {
        const [method, path] = REQUESTS[r]!;
        return { authorization: principals[p], method, path };
      });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: all.length - 1 }),
        fc.array(request, { minLength: 1, maxLength: 12 }),
        async (index, sequence) => {
          const [name, surface] = all[index]!;
          expect(await replay(surface, sequence), name).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
