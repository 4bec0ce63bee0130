import { randomUUID } from 'node:crypto';
import type {
  APIGatewayEventIdentity,
  APIGatewayEventRequestContextWithAuthorizer,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
  AppSyncAuthorizerEvent,
  AppSyncIdentityCognito,
  AppSyncIdentityLambda,
  AppSyncResolverEvent,
} from 'aws-lambda';

/**
 * Events as API Gateway and AppSync send them to a Lambda function, with a token inside, for
 * unit tests of authorizers and resolvers. The shapes follow the AWS documentation pages cited
 * on each builder and the `@types/aws-lambda` types; the values are placeholders (account
 * `123456789012`, documentation IP addresses from RFC 5737), never captured traffic.
 */

/**
 * Where a REQUEST-type authorizer event carries the token: the same shape as the Lambda
 * authorizers' `tokenSource` option.
 *
 * @example
 * ```ts
 * const source: EventTokenSource = { query: 'token' };
 * ```
 */
export type EventTokenSource = { readonly header: string } | { readonly query: string };

/**
 * What every API Gateway event builder takes.
 *
 * @example
 * ```ts
 * const request: ApiRequestOptions = { token, method: 'DELETE', path: '/orders/1', stage: 'prod' };
 * ```
 */
export interface ApiRequestOptions {
  /** The token, put where `tokenSource` says; leave it out to build a request without one. */
  readonly token?: string | undefined;
  /** Prefix the token with `Bearer ` (header sources only). Default `true`. */
  readonly bearer?: boolean | undefined;
  /** HTTP method of the request. Default `'GET'`. */
  readonly method?: string | undefined;
  /** Path of the request, from `/`, without the stage. Default `'/'`. */
  readonly path?: string | undefined;
  /** Other headers of the request. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Query string parameters of the request. */
  readonly query?: Readonly<Record<string, string>> | undefined;
  /** Default `'us-east-1'`. */
  readonly region?: string | undefined;
  /** Default `'123456789012'`. */
  readonly accountId?: string | undefined;
  /** Default `'a1b2c3d4e5'`. */
  readonly apiId?: string | undefined;
  /** Default `'prod'` (REST, WebSocket) or `'$default'` (HTTP API). */
  readonly stage?: string | undefined;
}

/**
 * Options of the REQUEST-type event builders: where the token goes too.
 *
 * @example
 * ```ts
 * const options: RequestEventOptions = { token, tokenSource: { query: 'access_token' } };
 * ```
 */
export interface RequestEventOptions extends ApiRequestOptions {
  /** Default `{ header: 'Authorization' }`. */
  readonly tokenSource?: EventTokenSource | undefined;
}

/**
 * Options of {@link restTokenAuthorizerEvent}.
 *
 * @example
 * ```ts
 * const options: TokenEventOptions = { token, method: 'POST', path: '/orders' };
 * ```
 */
export interface TokenEventOptions extends Omit<ApiRequestOptions, 'token' | 'headers' | 'query'> {
  /** The token: a TOKEN authorizer is only called with one. */
  readonly token: string;
  /** The whole method ARN, instead of one built from the other options. */
  readonly methodArn?: string | undefined;
}

/**
 * An HTTP API payload 1.0 authorizer event: the REST REQUEST shape plus `version`, and the
 * identity source values as one comma-joined string (AWS docs, "Working with AWS Lambda
 * authorizers for HTTP APIs"). `@types/aws-lambda` has no type of its own for it.
 *
 * @example
 * ```ts
 * const event: HttpApiV1AuthorizerTestEvent = httpApiV1AuthorizerEvent({ token });
 * ```
 */
export interface HttpApiV1AuthorizerTestEvent
  extends Omit<APIGatewayRequestAuthorizerEvent, 'requestContext'> {
  readonly version: '1.0';
  readonly identitySource: string;
  readonly authorizationToken: string;
  /** A plain object type, so the event also fits types that read any context key. */
  readonly requestContext: Plain<APIGatewayEventRequestContextWithAuthorizer<undefined>>;
}

/** `T` as an object literal type (which, unlike an interface, fits an index signature). */
type Plain<T> = { [K in keyof T]: T[K] };

/**
 * An HTTP API payload 2.0 authorizer event. As `@types/aws-lambda`'s
 * `APIGatewayRequestAuthorizerEventV2`, except that `cookies` is absent when the request has
 * none, as in real events (the type marks it required).
 *
 * @example
 * ```ts
 * const event: HttpApiV2AuthorizerTestEvent = httpApiV2AuthorizerEvent({ token });
 * ```
 */
export interface HttpApiV2AuthorizerTestEvent
  extends Omit<APIGatewayRequestAuthorizerEventV2, 'cookies'> {
  cookies?: string[];
}

/**
 * A WebSocket `$connect` REQUEST authorizer event (AWS docs, "Controlling access to WebSocket
 * APIs with AWS Lambda REQUEST authorizers"): no `resource`, `path`, `httpMethod` or
 * `pathParameters`, and a `requestContext` with `routeKey`, `eventType` and `connectionId`.
 * Missing from `@types/aws-lambda`.
 *
 * @example
 * ```ts
 * const event: WebSocketConnectAuthorizerTestEvent = webSocketConnectAuthorizerEvent({ token });
 * ```
 */
export interface WebSocketConnectAuthorizerTestEvent {
  type: 'REQUEST';
  methodArn: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string>;
  multiValueQueryStringParameters: Record<string, string[]>;
  stageVariables: Record<string, string>;
  requestContext: {
    routeKey: '$connect';
    eventType: 'CONNECT';
    messageDirection: 'IN';
    connectionId: string;
    connectedAt: number;
    requestId: string;
    requestTime: string;
    requestTimeEpoch: number;
    extendedRequestId: string;
    domainName: string;
    stage: string;
    apiId: string;
    identity: { sourceIp: string };
  };
}

const DEFAULTS = {
  region: 'us-east-1',
  accountId: '123456789012',
  apiId: 'a1b2c3d4e5',
  method: 'GET',
  path: '/',
  sourceIp: '203.0.113.10',
  userAgent: 'cognito-guard-testing',
} as const;

function optionsObject<T>(options: T, builder: string): T {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${builder} takes an options object`);
  }
  return options;
}

interface Resolved {
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly query: Record<string, string>;
  /** The token's value as it travels (with `Bearer ` for header sources), or undefined. */
  readonly credential: string | undefined;
}

function resolve(options: RequestEventOptions, defaultStage: string, builder: string): Resolved {
  optionsObject(options, builder);
  const path = options.path ?? DEFAULTS.path;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`${builder}: path must start with "/"`);
  }
  const source = options.tokenSource ?? { header: 'Authorization' };
  const headers: Record<string, string> = { ...options.headers };
  const query: Record<string, string> = { ...options.query };
  let credential: string | undefined;
  if (options.token !== undefined) {
    if (typeof options.token !== 'string')
      throw new TypeError(`${builder}: token must be a string`);
    if ('header' in source) {
      credential = options.bearer === false ? options.token : `Bearer ${options.token}`;
      headers[source.header] = credential;
    } else {
      credential = options.token;
      query[source.query] = credential;
    }
  }
  return {
    region: options.region ?? DEFAULTS.region,
    accountId: options.accountId ?? DEFAULTS.accountId,
    apiId: options.apiId ?? DEFAULTS.apiId,
    stage: options.stage ?? defaultStage,
    method: (options.method ?? DEFAULTS.method).toUpperCase(),
    path,
    headers,
    query,
    credential,
  };
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}{/path}`. */
function executeApiArn(r: Resolved): string {
  return `arn:aws:execute-api:${r.region}:${r.accountId}:${r.apiId}/${r.stage}/${r.method}${r.path}`;
}

const multi = (map: Record<string, string>): Record<string, string[]> =>
  Object.fromEntries(Object.entries(map).map(([name, value]) => [name, [value]]));

function queryString(map: Record<string, string>): string {
  return new URLSearchParams(map).toString();
}

function restIdentity(): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: DEFAULTS.sourceIp,
    user: null,
    userAgent: DEFAULTS.userAgent,
    userArn: null,
  };
}

function restRequestContext(
  r: Resolved,
  now: number,
): APIGatewayEventRequestContextWithAuthorizer<undefined> {
  return {
    accountId: r.accountId,
    apiId: r.apiId,
    authorizer: undefined,
    domainName: `${r.apiId}.execute-api.${r.region}.amazonaws.com`,
    domainPrefix: r.apiId,
    extendedRequestId: randomUUID(),
    httpMethod: r.method,
    identity: restIdentity(),
    path: `/${r.stage}${r.path}`,
    protocol: 'HTTP/1.1',
    requestId: randomUUID(),
    requestTime: new Date(now).toUTCString(),
    requestTimeEpoch: now,
    resourceId: 'abc123',
    resourcePath: r.path,
    stage: r.stage,
  };
}

/**
 * A REST API TOKEN authorizer event: `authorizationToken` is the token-source header's value
 * (`Bearer <token>` unless `bearer: false`), `methodArn` the method being called (AWS docs,
 * "Input to an API Gateway Lambda authorizer").
 *
 * @example
 * ```ts
 * const event = restTokenAuthorizerEvent({ token: await issuer.mintAccessToken(), method: 'POST', path: '/orders' });
 * const result = await handler(event);
 * ```
 */
export function restTokenAuthorizerEvent(
  options: TokenEventOptions,
): APIGatewayTokenAuthorizerEvent {
  optionsObject(options, 'restTokenAuthorizerEvent');
  if (typeof options.token !== 'string') {
    throw new TypeError(
      'restTokenAuthorizerEvent: token is required (a TOKEN authorizer always gets one)',
    );
  }
  const r = resolve({ ...options, token: undefined }, 'prod', 'restTokenAuthorizerEvent');
  return {
    type: 'TOKEN',
    authorizationToken: options.bearer === false ? options.token : `Bearer ${options.token}`,
    methodArn: options.methodArn ?? executeApiArn(r),
  };
}

/**
 * A REST API REQUEST authorizer event, with the token in a header (default `Authorization`,
 * `Bearer `-prefixed) or a query parameter (AWS docs, "Input to an API Gateway Lambda
 * authorizer").
 *
 * @example
 * ```ts
 * const event = restRequestAuthorizerEvent({ token, method: 'DELETE', path: '/orders/1' });
 * const event2 = restRequestAuthorizerEvent({ token, tokenSource: { query: 'access_token' } });
 * ```
 */
export function restRequestAuthorizerEvent(
  options: RequestEventOptions = {},
): APIGatewayRequestAuthorizerEvent {
  const r = resolve(options, 'prod', 'restRequestAuthorizerEvent');
  return {
    type: 'REQUEST',
    methodArn: executeApiArn(r),
    resource: r.path,
    path: r.path,
    httpMethod: r.method,
    headers: r.headers,
    multiValueHeaders: multi(r.headers),
    queryStringParameters: r.query,
    multiValueQueryStringParameters: multi(r.query),
    pathParameters: {},
    stageVariables: {},
    requestContext: restRequestContext(r, Date.now()),
  };
}

/**
 * An HTTP API authorizer event, payload format 1.0: the REST REQUEST shape with
 * `version: '1.0'`, and `identitySource` / `authorizationToken` holding the identity source's
 * value (AWS docs, "Working with AWS Lambda authorizers for HTTP APIs").
 *
 * @example
 * ```ts
 * const event = httpApiV1AuthorizerEvent({ token, method: 'GET', path: '/orders' });
 * ```
 */
export function httpApiV1AuthorizerEvent(
  options: RequestEventOptions = {},
): HttpApiV1AuthorizerTestEvent {
  const r = resolve(options, '$default', 'httpApiV1AuthorizerEvent');
  return {
    version: '1.0',
    type: 'REQUEST',
    methodArn: executeApiArn(r),
    identitySource: r.credential ?? '',
    authorizationToken: r.credential ?? '',
    resource: r.path,
    path: r.path,
    httpMethod: r.method,
    headers: r.headers,
    multiValueHeaders: multi(r.headers),
    queryStringParameters: r.query,
    multiValueQueryStringParameters: multi(r.query),
    pathParameters: {},
    stageVariables: {},
    requestContext: restRequestContext(r, Date.now()),
  };
}

/**
 * An HTTP API authorizer event, payload format 2.0: `routeArn`, `routeKey`, lower-case header
 * names, and `identitySource` as a list (AWS docs, "Working with AWS Lambda authorizers for HTTP
 * APIs").
 *
 * @example
 * ```ts
 * const event = httpApiV2AuthorizerEvent({ token, method: 'POST', path: '/orders' });
 * const { isAuthorized } = await handler(event);
 * ```
 */
export function httpApiV2AuthorizerEvent(
  options: RequestEventOptions & { readonly cookies?: readonly string[] | undefined } = {},
): HttpApiV2AuthorizerTestEvent {
  const r = resolve(options, '$default', 'httpApiV2AuthorizerEvent');
  // HTTP APIs hand header names to Lambda in lower case.
  const headers = Object.fromEntries(
    Object.entries(r.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const now = Date.now();
  const event: HttpApiV2AuthorizerTestEvent = {
    version: '2.0',
    type: 'REQUEST',
    routeArn: executeApiArn(r),
    identitySource: r.credential === undefined ? [] : [r.credential],
    routeKey: `${r.method} ${r.path}`,
    rawPath: r.path,
    rawQueryString: queryString(r.query),
    headers,
    queryStringParameters: r.query,
    requestContext: {
      accountId: r.accountId,
      apiId: r.apiId,
      domainName: `${r.apiId}.execute-api.${r.region}.amazonaws.com`,
      domainPrefix: r.apiId,
      http: {
        method: r.method,
        path: r.path,
        protocol: 'HTTP/1.1',
        sourceIp: DEFAULTS.sourceIp,
        userAgent: DEFAULTS.userAgent,
      },
      requestId: randomUUID(),
      routeKey: `${r.method} ${r.path}`,
      stage: r.stage,
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    pathParameters: {},
    stageVariables: {},
  };
  if (options.cookies !== undefined && options.cookies.length > 0) {
    event.cookies = [...options.cookies];
  }
  return event;
}

/**
 * A WebSocket API `$connect` authorizer event: `methodArn` ends in `/$connect`; the token in a
 * header (default `Authorization`) or, as browsers must send it, a query parameter
 * (`tokenSource: { query: 'token' }`).
 *
 * @example
 * ```ts
 * const event = webSocketConnectAuthorizerEvent({ token, tokenSource: { query: 'token' } });
 * ```
 */
export function webSocketConnectAuthorizerEvent(
  options: Omit<RequestEventOptions, 'method' | 'path'> = {},
): WebSocketConnectAuthorizerTestEvent {
  const r = resolve(options, 'prod', 'webSocketConnectAuthorizerEvent');
  const now = Date.now();
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${r.region}:${r.accountId}:${r.apiId}/${r.stage}/$connect`,
    headers: r.headers,
    multiValueHeaders: multi(r.headers),
    queryStringParameters: r.query,
    multiValueQueryStringParameters: multi(r.query),
    stageVariables: {},
    requestContext: {
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      connectionId: randomUUID(),
      connectedAt: now,
      requestId: randomUUID(),
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      extendedRequestId: randomUUID(),
      domainName: `${r.apiId}.execute-api.${r.region}.amazonaws.com`,
      stage: r.stage,
      apiId: r.apiId,
      identity: { sourceIp: DEFAULTS.sourceIp },
    },
  };
}

/**
 * Options of {@link appSyncAuthorizerEvent}.
 *
 * @example
 * ```ts
 * const options: AppSyncAuthorizerEventOptions = { token, queryString: 'mutation { deletePost(id: "1") { id } }' };
 * ```
 */
export interface AppSyncAuthorizerEventOptions {
  /** The token; leave it out for a request without one (AppSync then sends an empty string). */
  readonly token?: string | undefined;
  /** Send `Bearer <token>`, as clients must when the API also has Cognito or OIDC modes. Default `false`. */
  readonly bearer?: boolean | undefined;
  /** The GraphQL document. Default `'query { __typename }'`. */
  readonly queryString?: string | undefined;
  readonly operationName?: string | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | undefined;
  /** Other request headers (lower-case names, as AppSync sends them). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Default `'a1b2c3d4e5f6g7h8i9j0k1l2m3'`. */
  readonly apiId?: string | undefined;
  /** Default `'123456789012'`. */
  readonly accountId?: string | undefined;
}

/**
 * The event AppSync sends to the Lambda authorizer of an `AWS_LAMBDA` auth mode:
 * `authorizationToken` is the raw `Authorization` header (AWS AppSync developer guide,
 * "AWS_LAMBDA authorization").
 *
 * @example
 * ```ts
 * const event = appSyncAuthorizerEvent({ token, queryString: 'query { me { id } }' });
 * const { isAuthorized } = await handler(event);
 * ```
 */
export function appSyncAuthorizerEvent(
  options: AppSyncAuthorizerEventOptions = {},
): AppSyncAuthorizerEvent {
  optionsObject(options, 'appSyncAuthorizerEvent');
  const credential =
    options.token === undefined
      ? ''
      : options.bearer === true
        ? `Bearer ${options.token}`
        : options.token;
  const requestContext: AppSyncAuthorizerEvent['requestContext'] = {
    apiId: options.apiId ?? 'a1b2c3d4e5f6g7h8i9j0k1l2m3',
    accountId: options.accountId ?? DEFAULTS.accountId,
    requestId: randomUUID(),
    queryString: options.queryString ?? 'query { __typename }',
    variables: { ...options.variables },
  };
  if (options.operationName !== undefined) requestContext.operationName = options.operationName;
  return {
    authorizationToken: credential,
    requestContext,
    requestHeaders: { ...options.headers, authorization: credential },
  };
}

/**
 * What both AppSync resolver event builders take.
 *
 * @example
 * ```ts
 * const options: AppSyncResolverEventOptions<{ id: string }> = { token, fieldName: 'deletePost', parentTypeName: 'Mutation', arguments: { id: '1' } };
 * ```
 */
export interface AppSyncResolverEventOptions<TArguments> {
  /** The token, also sent in `request.headers.authorization`. */
  readonly token: string;
  /** Default `{}`. */
  readonly arguments?: TArguments | undefined;
  /** Default `'me'`. */
  readonly fieldName?: string | undefined;
  /** Default `'Query'`. */
  readonly parentTypeName?: string | undefined;
  /** Other request headers (lower-case names). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The parent object, for a field of a type other than Query or Mutation. Default `null`. */
  readonly source?: Record<string, unknown> | null | undefined;
}

/** The claims inside a compact JWS, unverified: AppSync verified them before the resolver runs. */
function claimsOf(token: string): Record<string, unknown> {
  const parts = typeof token === 'string' ? token.split('.') : [];
  let claims: unknown;
  try {
    claims =
      parts.length === 3
        ? JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
        : undefined;
  } catch {
    claims = undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new TypeError(
      'appSyncCognitoResolverEvent: token must be a JWT with a JSON object payload',
    );
  }
  return claims as Record<string, unknown>;
}

function resolverEvent<TArguments>(
  options: AppSyncResolverEventOptions<TArguments>,
  identity: AppSyncResolverEvent<TArguments>['identity'],
  authorization: string,
): AppSyncResolverEvent<TArguments> {
  const fieldName = options.fieldName ?? 'me';
  return {
    arguments: options.arguments ?? ({} as TArguments),
    identity,
    source: options.source ?? null,
    request: {
      headers: { ...options.headers, authorization },
      domainName: null,
    },
    info: {
      selectionSetList: ['id'],
      selectionSetGraphQL: '{\n  id\n}',
      parentTypeName: options.parentTypeName ?? 'Query',
      fieldName,
      variables: {},
    },
    prev: null,
    stash: {},
  };
}

/**
 * An AppSync resolver event (direct Lambda resolver) for a caller of the
 * `AMAZON_COGNITO_USER_POOLS` mode: `identity` is what AppSync builds from the token it verified
 * (`sub`, `issuer`, `username`, `claims`, `groups`), and the token is in
 * `request.headers.authorization` (AWS AppSync developer guide, "AWS AppSync resolver context
 * reference"). The token's claims are read, not verified.
 *
 * @example
 * ```ts
 * const event = appSyncCognitoResolverEvent({ token: await issuer.mintIdToken({ groups: ['admin'] }), fieldName: 'deletePost', parentTypeName: 'Mutation', arguments: { id: '1' } });
 * ```
 */
export function appSyncCognitoResolverEvent<TArguments = Record<string, never>>(
  options: AppSyncResolverEventOptions<TArguments>,
): AppSyncResolverEvent<TArguments> {
  optionsObject(options, 'appSyncCognitoResolverEvent');
  const claims = claimsOf(options.token);
  const username = claims['cognito:username'] ?? claims.username;
  const groups = claims['cognito:groups'];
  const identity: AppSyncIdentityCognito = {
    sub: String(claims.sub),
    issuer: String(claims.iss),
    username: typeof username === 'string' ? username : String(claims.sub),
    claims,
    sourceIp: [DEFAULTS.sourceIp],
    defaultAuthStrategy: 'ALLOW',
    // AppSync sends null for a user in no group.
    groups: Array.isArray(groups) ? [...(groups as string[])] : null,
  };
  return resolverEvent(options, identity, options.token);
}

/**
 * An AppSync resolver event for a caller of the `AWS_LAMBDA` mode: `identity.resolverContext`
 * is what the Lambda authorizer answered (for instance the `resolverContext` of
 * `createAppSyncAuthorizer`'s result), and the token is in `request.headers.authorization`.
 *
 * @example
 * ```ts
 * const { resolverContext } = await authorizer(appSyncAuthorizerEvent({ token }));
 * const event = appSyncLambdaResolverEvent({ token, resolverContext });
 * ```
 */
export function appSyncLambdaResolverEvent<TArguments = Record<string, never>>(
  options: AppSyncResolverEventOptions<TArguments> & {
    /** What the Lambda authorizer put in `resolverContext`. */
    readonly resolverContext: Readonly<Record<string, string>>;
    /** Send `Bearer <token>`. Default `false`. */
    readonly bearer?: boolean | undefined;
  },
): AppSyncResolverEvent<TArguments> {
  optionsObject(options, 'appSyncLambdaResolverEvent');
  if (typeof options.resolverContext !== 'object' || options.resolverContext === null) {
    throw new TypeError('appSyncLambdaResolverEvent: resolverContext is required');
  }
  const identity: AppSyncIdentityLambda = { resolverContext: { ...options.resolverContext } };
  const authorization = options.bearer === true ? `Bearer ${options.token}` : options.token;
  return resolverEvent(options, identity, authorization);
}
