import type { AuthResult } from '@cognito-guard/core';
import { checkOptionKeys, optionKeys } from '@cognito-guard/core/http';
import {
  authenticate,
  failInternally,
  internalFailure,
  policyResult,
} from './authorizer-answer.js';
import {
  AUTHORIZER_KEYS,
  type AuthorizerOptions,
  type ResolvedOptions,
  ROUTING_KEYS,
  type RoutingOptions,
  resolveOptions,
  resolveRoutes,
  usageKey,
} from './authorizer-options.js';
import type {
  IamAuthorizerResult,
  RestRequestAuthorizerEvent,
  RestTokenAuthorizerEvent,
} from './events.js';
import { type MethodArn, parseMethodArn } from './method-arn.js';
import {
  bearerSource,
  checkTokenSource,
  DEFAULT_TOKEN_SOURCE,
  type TokenSource,
} from './token-source.js';

/**
 * Options of {@link createRestTokenAuthorizer}.
 *
 * @example
 * ```ts
 * const options: RestTokenAuthorizerOptions = { verifier, routes, usageIdentifierKey: (a) => a.clientId };
 * ```
 */
export interface RestTokenAuthorizerOptions extends AuthorizerOptions, RoutingOptions {
  /**
   * The usage-plan API key to meter this caller against; only used when the API's
   * `apiKeySource` is `AUTHORIZER`, and then it must be one of the plan's key values
   * (api-gateway-lambda-authorizer-output.md).
   */
  readonly usageIdentifierKey?: (auth: AuthResult) => string | undefined;
}

/** The keys of {@link RestTokenAuthorizerOptions}: anything else is refused. */
const REST_TOKEN_KEYS = optionKeys<RestTokenAuthorizerOptions>({
  ...AUTHORIZER_KEYS,
  ...ROUTING_KEYS,
  usageIdentifierKey: true,
});

/**
 * Options of {@link createRestRequestAuthorizer}.
 *
 * @example
 * ```ts
 * const options: RestRequestAuthorizerOptions = { verifier, tokenSource: { query: 'access_token' } };
 * ```
 */
export interface RestRequestAuthorizerOptions extends RestTokenAuthorizerOptions {
  /** Where the token is. Default `{ header: 'Authorization' }`. */
  readonly tokenSource?: TokenSource;
}

/** The keys of {@link RestRequestAuthorizerOptions}: anything else is refused. */
const REST_REQUEST_KEYS = optionKeys<RestRequestAuthorizerOptions>({
  ...AUTHORIZER_KEYS,
  ...ROUTING_KEYS,
  usageIdentifierKey: true,
  tokenSource: true,
});

/**
 * A REST TOKEN authorizer handler. Assignable to `@types/aws-lambda`'s
 * `APIGatewayTokenAuthorizerHandler`.
 *
 * @example
 * ```ts
 * export const handler: RestTokenAuthorizerHandler = createRestTokenAuthorizer({ verifier });
 * ```
 */
export type RestTokenAuthorizerHandler = (
  event: RestTokenAuthorizerEvent,
  context?: unknown,
) => Promise<IamAuthorizerResult>;

/**
 * A REST REQUEST authorizer handler. Assignable to `@types/aws-lambda`'s
 * `APIGatewayRequestAuthorizerHandler`.
 *
 * @example
 * ```ts
 * export const handler: RestRequestAuthorizerHandler = createRestRequestAuthorizer({ verifier });
 * ```
 */
export type RestRequestAuthorizerHandler = (
  event: RestRequestAuthorizerEvent,
  context?: unknown,
) => Promise<IamAuthorizerResult>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Parses the method ARN of an event of the expected kind, or throws (a 500, reported as `error`). */
function methodArnOf(
  options: ResolvedOptions,
  event: unknown,
  accept: (event: Record<string, unknown>) => boolean,
  what: string,
): MethodArn {
  try {
    if (!isObject(event) || !accept(event)) {
      throw new TypeError(`cognito-guard: this authorizer only handles ${what} events`);
    }
    const arn = parseMethodArn(event.methodArn as string);
    if (arn.method === undefined) {
      throw new TypeError(`cognito-guard: this authorizer only handles ${what} events`);
    }
    return arn;
  } catch (err) {
    throw internalFailure(options, err);
  }
}

/**
 * Creates a REST API TOKEN authorizer (AWS, api-gateway-lambda-authorizer-input.html). The token
 * is the `authorizationToken` API Gateway copies from the token-source header, with or without
 * `Bearer `.
 *
 * Outcomes: a valid token gets the principal's IAM policy over every route (the stage wildcard
 * without `routes`), principal `sub`; a missing, malformed or invalid token throws exactly
 * `Unauthorized` (401); a token the rules refuse gets Deny (403); a JWKS outage throws another
 * error (500, not cached).
 *
 * @example
 * ```ts
 * export const handler = createRestTokenAuthorizer({
 *   verifier: { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' },
 *   routes: {
 *     'GET /orders': requireScopes('orders/read'),
 *     'DELETE /orders/*': requireGroups('admin'),
 *   },
 * });
 * ```
 */
export function createRestTokenAuthorizer(
  options: RestTokenAuthorizerOptions,
): RestTokenAuthorizerHandler {
  checkOptionKeys(options, REST_TOKEN_KEYS, 'createRestTokenAuthorizer');
  const resolved = resolveOptions('rest-token', options);
  const table = resolveRoutes(options);
  const usage = options.usageIdentifierKey;
  return async (event) => {
    const arn = methodArnOf(
      resolved,
      event,
      (e) => e.type === 'TOKEN' && typeof e.methodArn === 'string',
      'REST TOKEN authorizer',
    );
    const token = (event as { authorizationToken?: unknown }).authorizationToken;
    // A TOKEN authorizer sees the token-source header's value only: no query, no other header.
    const auth = await authenticate(resolved, {
      source: { authorization: typeof token === 'string' ? token : undefined },
      allowQuery: false,
    });
    return failInternally(resolved, () =>
      policyResult(resolved, table, arn, auth, usageKey(usage, auth)),
    );
  };
}

/**
 * Creates a REST API REQUEST authorizer (AWS, api-gateway-lambda-authorizer-input.html). The token
 * comes from the configured header (case-insensitive; two values are refused) or query parameter.
 *
 * Outcomes as {@link createRestTokenAuthorizer}. For a per-route cache key, add
 * `context.httpMethod` and `context.resourcePath` to the identity sources; the policy is safe
 * without them.
 *
 * @example
 * ```ts
 * export const handler = createRestRequestAuthorizer({
 *   verifier: createVerifier({ userPoolId: 'us-east-1_Example', clientId: null, tokenUse: 'access' }),
 *   routes: { 'ANY /admin/{proxy+}': requireGroups('admin'), 'GET /me': 'authenticated' },
 * });
 * ```
 */
export function createRestRequestAuthorizer(
  options: RestRequestAuthorizerOptions,
): RestRequestAuthorizerHandler {
  checkOptionKeys(options, REST_REQUEST_KEYS, 'createRestRequestAuthorizer');
  const resolved = resolveOptions('rest-request', options);
  const table = resolveRoutes(options);
  const source = checkTokenSource(options.tokenSource ?? DEFAULT_TOKEN_SOURCE);
  const usage = options.usageIdentifierKey;
  return async (event) => {
    const arn = methodArnOf(
      resolved,
      event,
      // serverless-offline adds `version: '1.0'` to REST events, so `version` is not checked;
      // HTTP API 2.0 (`routeArn`) and WebSocket (`$connect`) events are refused.
      (e) => e.type === 'REQUEST' && typeof e.methodArn === 'string' && e.routeArn === undefined,
      'REST REQUEST authorizer',
    );
    const auth = await authenticate(resolved, bearerSource(event, source));
    return failInternally(resolved, () =>
      policyResult(resolved, table, arn, auth, usageKey(usage, auth)),
    );
  };
}
