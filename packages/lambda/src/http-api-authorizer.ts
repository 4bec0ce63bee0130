import type { AuthResult } from '@cognito-guard/core';
import { checkOptionKeys, optionKeys } from '@cognito-guard/core/http';
import { authenticate, failInternally, policyResult, simpleResult } from './authorizer-answer.js';
import {
  AUTHORIZER_KEYS,
  type AuthorizerOptions,
  ROUTING_KEYS,
  type RoutingOptions,
  resolveOptions,
  resolveRoutes,
} from './authorizer-options.js';
import type {
  HttpApiAuthorizerEvent,
  HttpApiV2AuthorizerEvent,
  IamAuthorizerResult,
  SimpleAuthorizerResult,
} from './events.js';
import { type MethodArn, parseMethodArn } from './method-arn.js';
import type { DefaultPolicy, RouteRules, RouteTable } from './route-rules.js';
import {
  bearerSource,
  checkTokenSource,
  DEFAULT_TOKEN_SOURCE,
  type TokenSource,
} from './token-source.js';

/** "`claims` is a reserved placeholder and cannot be used as the context object" (http-api-lambda-authorizer.md). */
const RESERVED = ['claims'] as const;

/**
 * Options both HTTP API response modes take.
 *
 * @example
 * ```ts
 * const options: HttpApiAuthorizerBaseOptions = { verifier, tokenSource: { header: 'X-Token' } };
 * ```
 */
export interface HttpApiAuthorizerBaseOptions extends AuthorizerOptions {
  /** Where the token is. Default `{ header: 'Authorization' }`. */
  readonly tokenSource?: TokenSource;
}

/**
 * IAM-policy responses: payload 1.0, or 2.0 without simple responses. The policy covers every
 * route, so it is safe under the result cache whatever the identity sources.
 *
 * @example
 * ```ts
 * const options: HttpApiIamAuthorizerOptions = { response: 'iam', verifier, routes };
 * ```
 */
export interface HttpApiIamAuthorizerOptions extends HttpApiAuthorizerBaseOptions, RoutingOptions {
  readonly response: 'iam';
}

/**
 * What the HTTP API authorizer's identity sources put into API Gateway's cache key besides the
 * token, and so how route rules decide a simple response. A cached simple response "fully allows
 * or denies all API requests that match the cached identity source values"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html),
 * so the answer must be a function of those values; each mode checks on every request that the
 * event carries them, and answers a 500 (never cached) when it does not.
 *
 * - `'method-and-path'`: identity sources `$request.header.Authorization`,
 *   `$context.httpMethod` and `$context.path`. The rules decide by the request's method and
 *   path, exactly as for IAM responses; safe for any API route, `$default` and
 *   `ANY /{proxy+}` included. One cache entry per token and URL.
 * - `'route-key'`: identity sources `$request.header.Authorization` and `$context.routeKey`.
 *   Rule keys are the API's route keys and a request is decided by the one rule whose key is
 *   exactly its `routeKey` (`'DELETE /orders/{id}'`); a route no rule names, such as
 *   `$default`, is a 500. One cache entry per token and route.
 * - `'uncached'`: the authorizer's result TTL is 0, so API Gateway caches nothing; the rules
 *   decide by method and path. Nothing in the event can confirm a TTL, so this mode is your
 *   statement: with a TTL above 0 it lets one request's answer serve another. For local
 *   emulators, which never cache, and for APIs that turned caching off.
 *
 * @example
 * ```ts
 * const cacheKey: HttpApiCacheKey = 'route-key';
 * ```
 */
export type HttpApiCacheKey = 'route-key' | 'method-and-path' | 'uncached';

/**
 * Simple responses (payload 2.0 with `enableSimpleResponses`). Without route rules the answer
 * is the same on every route. With route rules, `cacheKey` says which identity sources make the
 * answer a function of API Gateway's cache key ({@link HttpApiCacheKey}).
 *
 * @example
 * ```ts
 * const options: HttpApiSimpleAuthorizerOptions = { response: 'simple', verifier, routes, cacheKey: 'method-and-path' };
 * ```
 */
export type HttpApiSimpleAuthorizerOptions = HttpApiAuthorizerBaseOptions & {
  readonly response: 'simple';
} & (
    | {
        readonly routes?: undefined;
        readonly defaultPolicy?: undefined;
        readonly cacheKey?: undefined;
      }
    | {
        readonly routes: RouteRules;
        readonly defaultPolicy?: DefaultPolicy;
        readonly cacheKey: 'method-and-path' | 'uncached';
      }
    | {
        readonly routes: RouteRules;
        readonly defaultPolicy?: undefined;
        readonly cacheKey: 'route-key';
      }
  );

/**
 * Options of {@link createHttpApiAuthorizer}.
 *
 * @example
 * ```ts
 * const options: HttpApiAuthorizerOptions = { response: 'iam', verifier };
 * ```
 */
export type HttpApiAuthorizerOptions = HttpApiIamAuthorizerOptions | HttpApiSimpleAuthorizerOptions;

/** The keys of {@link HttpApiAuthorizerOptions}, either mode: anything else is refused. */
const HTTP_API_KEYS = optionKeys<HttpApiAuthorizerOptions>({
  ...AUTHORIZER_KEYS,
  ...ROUTING_KEYS,
  tokenSource: true,
  response: true,
  cacheKey: true,
});

/**
 * An HTTP API IAM-policy authorizer handler, for payload 1.0 and 2.0. Assignable to
 * `@types/aws-lambda`'s `APIGatewayRequestIAMAuthorizerHandlerV2`.
 *
 * @example
 * ```ts
 * export const handler: HttpApiIamAuthorizerHandler = createHttpApiAuthorizer({ response: 'iam', verifier });
 * ```
 */
export type HttpApiIamAuthorizerHandler = (
  event: HttpApiAuthorizerEvent,
  context?: unknown,
) => Promise<IamAuthorizerResult>;

/**
 * An HTTP API simple-response authorizer handler (payload 2.0 only). Assignable to
 * `@types/aws-lambda`'s `APIGatewayRequestSimpleAuthorizerHandlerV2`.
 *
 * @example
 * ```ts
 * export const handler: HttpApiSimpleAuthorizerHandler = createHttpApiAuthorizer({ response: 'simple', verifier });
 * ```
 */
export type HttpApiSimpleAuthorizerHandler = (
  event: HttpApiV2AuthorizerEvent,
  context?: unknown,
) => Promise<SimpleAuthorizerResult>;

interface ParsedEvent {
  readonly version: '1.0' | '2.0';
  readonly arnText: unknown;
  readonly event: Record<string, unknown>;
}

function readEvent(event: unknown): ParsedEvent {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  if (e.type === 'REQUEST' && e.version === '2.0') {
    return { version: '2.0', arnText: e.routeArn, event: e };
  }
  if (e.type === 'REQUEST' && e.version === '1.0') {
    return { version: '1.0', arnText: e.methodArn, event: e };
  }
  throw new TypeError(
    'cognito-guard: this authorizer only handles HTTP API authorizer events (payload 1.0 or 2.0)',
  );
}

function httpArn(text: unknown): MethodArn {
  const arn = parseMethodArn(text as string);
  if (arn.method === undefined) {
    throw new TypeError('cognito-guard: an HTTP API route ARN needs a verb and a path');
  }
  return arn;
}

/**
 * The identity-source values of the event: the cache key when caching is on. Payload 2.0 sends
 * them as an array, payload 1.0 as one comma-joined string. `undefined` when there are none:
 * then API Gateway cannot cache ("To enable caching, your authorizer must have at least one
 * identity source", http-api-lambda-authorizer.html).
 */
function identityValues(event: Record<string, unknown>): readonly string[] | undefined {
  const raw = event.identitySource;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string') return raw.split(',');
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) {
    return raw.length === 0 ? undefined : raw;
  }
  throw new TypeError('cognito-guard: unexpected identitySource in the event');
}

/**
 * Refuses (a 500, never cached) an event whose cache key does not hold the token: API Gateway
 * would then serve this caller's answer to anyone sending the same other identity values, with
 * any token or none. A value holding the whole token is enough: only its holder can reproduce
 * the key. A JWT holds no comma, so the comma-joined 1.0 form splits back exactly around it.
 */
function tokenInCacheKey(values: readonly string[] | undefined, token: string): void {
  if (values === undefined || values.some((v) => v.includes(token))) return;
  throw new TypeError(
    "cognito-guard: the token is not among the authorizer's identity sources, so API Gateway would cache this answer for other callers; add the token's header (or query parameter) to the identity sources",
  );
}

function requestContext(event: Record<string, unknown>): Record<string, unknown> {
  const context = event.requestContext;
  return typeof context === 'object' && context !== null
    ? (context as Record<string, unknown>)
    : {};
}

/**
 * `cacheKey: 'method-and-path'`: the identity values hold the request's method and path, and
 * the route ARN the rules read names that same method and path, so the rules' answer is a
 * function of the cache key.
 */
function checkMethodAndPath(event: Record<string, unknown>, arn: MethodArn): void {
  const http = requestContext(event).http as Record<string, unknown> | undefined;
  const method = http?.method;
  const path = http?.path;
  const values = identityValues(event) ?? [];
  if (
    typeof method !== 'string' ||
    typeof path !== 'string' ||
    !values.includes(method) ||
    !values.includes(path)
  ) {
    throw new TypeError(
      "cognito-guard: cacheKey 'method-and-path' needs $context.httpMethod and $context.path among the identity sources",
    );
  }
  // `$context.path` carries the stage for a named stage ("/{stage}/root/child",
  // http-api-logging-variables.html); the route ARN's path does not.
  const stagePath = arn.path === '/' ? [`/${arn.stage}`, `/${arn.stage}/`] : [];
  if (
    method !== arn.method ||
    (path !== arn.path && path !== `/${arn.stage}${arn.path}` && !stagePath.includes(path))
  ) {
    throw new TypeError(
      'cognito-guard: the route ARN and requestContext.http disagree on the method or path',
    );
  }
}

/**
 * `cacheKey: 'route-key'`: the identity values hold the request's route key; the answer is
 * the rule keyed by it.
 */
function routeKeyOf(event: Record<string, unknown>): string {
  const routeKey = event.routeKey;
  const inContext = requestContext(event).routeKey;
  const values = identityValues(event) ?? [];
  if (
    typeof routeKey !== 'string' ||
    (inContext !== undefined && inContext !== routeKey) ||
    !values.includes(routeKey)
  ) {
    throw new TypeError(
      "cognito-guard: cacheKey 'route-key' needs $context.routeKey among the identity sources",
    );
  }
  return routeKey;
}

/** Validates `cacheKey` at factory time: required with route rules, refused without them. */
function checkCacheKey(
  options: HttpApiSimpleAuthorizerOptions,
  table: RouteTable | undefined,
): HttpApiCacheKey | undefined {
  const cacheKey = (options as { cacheKey?: unknown }).cacheKey;
  if (table === undefined) {
    if (cacheKey !== undefined) {
      throw new TypeError(
        'cognito-guard: cacheKey applies to route rules; without routes, omit it',
      );
    }
    return undefined;
  }
  if (cacheKey !== 'method-and-path' && cacheKey !== 'route-key' && cacheKey !== 'uncached') {
    throw new TypeError(
      "cognito-guard: route rules with simple responses need cacheKey: 'method-and-path' or 'route-key' with the matching identity sources (or 'uncached' with a result TTL of 0); a cached simple response applies to every request with the same identity-source values",
    );
  }
  if (cacheKey === 'route-key' && options.defaultPolicy !== undefined) {
    throw new TypeError(
      "cognito-guard: cacheKey 'route-key' decides each route by the rule keyed by its route key; a route without one is refused, so defaultPolicy does not apply",
    );
  }
  return cacheKey;
}

/**
 * Creates an HTTP API Lambda authorizer (AWS, http-api-lambda-authorizer.html) for payload 1.0
 * and 2.0, answering with simple responses (`response: 'simple'`, 2.0 only) or IAM policies
 * (`response: 'iam'`).
 *
 * Outcomes: a missing, malformed or invalid token throws exactly `Unauthorized` (401); a token
 * the rules refuse gets `isAuthorized: false` or a Deny (403); a JWKS outage throws another
 * error (500). With simple responses the context carries `scopes` and `groups` as arrays.
 *
 * Every request whose identity-source values (the cache key) do not hold the token is a 500:
 * API Gateway would serve its cached answer to other callers.
 *
 * @example
 * ```ts
 * export const handler = createHttpApiAuthorizer({
 *   response: 'simple',
 *   verifier: { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' },
 *   policy: requireScopes('orders/read'),
 * });
 * ```
 */
export function createHttpApiAuthorizer(
  options: HttpApiSimpleAuthorizerOptions,
): HttpApiSimpleAuthorizerHandler;
/**
 * Creates an HTTP API Lambda authorizer answering with IAM policies (payload 1.0 or 2.0): the
 * principal's policy over every route, as for REST.
 *
 * @example
 * ```ts
 * export const handler = createHttpApiAuthorizer({
 *   response: 'iam',
 *   verifier,
 *   routes: { 'GET /orders': 'authenticated', 'DELETE /orders/{id}': requireGroups('admin') },
 * });
 * ```
 */
export function createHttpApiAuthorizer(
  options: HttpApiIamAuthorizerOptions,
): HttpApiIamAuthorizerHandler;
export function createHttpApiAuthorizer(
  options: HttpApiAuthorizerOptions,
): HttpApiSimpleAuthorizerHandler | HttpApiIamAuthorizerHandler {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: authorizer options must be an object');
  }
  if ((options as { routeAwareCache?: unknown }).routeAwareCache !== undefined) {
    // The option of 0.1.0, named here so an upgrade says what replaced it.
    throw new TypeError(
      "cognito-guard: routeAwareCache is replaced by cacheKey: 'method-and-path' (identity sources $context.httpMethod and $context.path), 'route-key' (identity source $context.routeKey, one rule per route key) or 'uncached' (result TTL 0); routeAwareCache let one API route with several rules share a cached answer",
    );
  }
  checkOptionKeys(options, HTTP_API_KEYS, 'createHttpApiAuthorizer');
  const mode: unknown = options.response;
  if (mode !== 'simple' && mode !== 'iam') {
    throw new TypeError('cognito-guard: response must be "simple" or "iam"');
  }
  const resolved = resolveOptions('http-api', options);
  const table = resolveRoutes(options as RoutingOptions);
  const source = checkTokenSource(options.tokenSource ?? DEFAULT_TOKEN_SOURCE);

  if (mode === 'simple') {
    const cacheKey = checkCacheKey(options as HttpApiSimpleAuthorizerOptions, table);
    const simple: HttpApiSimpleAuthorizerHandler = async (event) => {
      const { route, values } = failInternally(resolved, () => {
        const parsed = readEvent(event);
        if (parsed.version !== '2.0') {
          // AWS: simple responses exist for payload 2.0 only (http-api-lambda-authorizer.md).
          throw new TypeError('cognito-guard: simple responses need payload format 2.0');
        }
        const arn = httpArn(parsed.arnText);
        const found = identityValues(parsed.event);
        if (table === undefined) return { route: undefined, values: found };
        if (cacheKey === 'route-key') {
          const key = routeKeyOf(parsed.event);
          if (!table.routes.some((r) => r.key === key)) {
            // Another rule may cover some of this route's requests, or none may: either way no
            // one answer is right for every request the route carries.
            throw new TypeError(
              `cognito-guard: cacheKey 'route-key' and no rule keyed "${key}"; a $default or catch-all route needs cacheKey 'method-and-path'`,
            );
          }
          return {
            route: (auth: AuthResult) => table.evaluate(auth).ruleRefusal(key) ?? undefined,
            values: found,
          };
        }
        if (cacheKey === 'method-and-path') checkMethodAndPath(parsed.event, arn);
        return {
          route: (auth: AuthResult) => table.evaluate(auth).refusal(arn.resource),
          values: found,
        };
      });
      const auth = await authenticate(resolved, bearerSource(event, source), (token) =>
        tokenInCacheKey(values, token),
      );
      return failInternally(resolved, () => simpleResult(resolved, route, auth, RESERVED));
    };
    return simple;
  }

  const iam: HttpApiIamAuthorizerHandler = async (event) => {
    const { arn, values } = failInternally(resolved, () => {
      const parsed = readEvent(event);
      return { arn: httpArn(parsed.arnText), values: identityValues(parsed.event) };
    });
    const auth = await authenticate(resolved, bearerSource(event, source), (token) =>
      tokenInCacheKey(values, token),
    );
    return failInternally(resolved, () =>
      policyResult(resolved, table, arn, auth, { reserved: RESERVED }),
    );
  };
  return iam;
}
