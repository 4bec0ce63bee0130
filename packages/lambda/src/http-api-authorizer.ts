import type {
  HttpApiAuthorizerEvent,
  HttpApiV2AuthorizerEvent,
  IamAuthorizerResult,
  SimpleAuthorizerResult,
} from './events.js';
import { type MethodArn, parseMethodArn } from './method-arn.js';
import {
  type AuthorizerOptions,
  type RoutingOptions,
  resolveOptions,
  resolveRoutes,
} from './options.js';
import { authenticate, failInternally, policyResult, simpleResult } from './outcome.js';
import type { DefaultPolicy, RouteRules } from './route-rules.js';
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
 * Simple responses (payload 2.0 with `enableSimpleResponses`). A cached simple response "fully
 * allows or denies all API requests that match the cached identity source values"
 * (http-api-lambda-authorizer.md), so route rules are only accepted together with
 * `routeAwareCache: true`: your statement that `$context.routeKey` is one of the authorizer's
 * identity sources, or that its result TTL is 0.
 *
 * @example
 * ```ts
 * const options: HttpApiSimpleAuthorizerOptions = { response: 'simple', verifier, routes, routeAwareCache: true };
 * ```
 */
export type HttpApiSimpleAuthorizerOptions = HttpApiAuthorizerBaseOptions & {
  readonly response: 'simple';
} & (
    | {
        readonly routes?: undefined;
        readonly defaultPolicy?: undefined;
        readonly routeAwareCache?: boolean;
      }
    | {
        readonly routes: RouteRules;
        readonly defaultPolicy?: DefaultPolicy;
        readonly routeAwareCache: true;
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
}

function readEvent(event: unknown): ParsedEvent {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  if (e.type === 'REQUEST' && e.version === '2.0') return { version: '2.0', arnText: e.routeArn };
  if (e.type === 'REQUEST' && e.version === '1.0') return { version: '1.0', arnText: e.methodArn };
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
 * Creates an HTTP API Lambda authorizer (AWS, http-api-lambda-authorizer.html) for payload 1.0
 * and 2.0, answering with simple responses (`response: 'simple'`, 2.0 only) or IAM policies
 * (`response: 'iam'`).
 *
 * Outcomes: a missing, malformed or invalid token throws exactly `Unauthorized` (401); a token
 * the rules refuse gets `isAuthorized: false` or a Deny (403); a JWKS outage throws another
 * error (500). With simple responses the context carries `scopes` and `groups` as arrays.
 *
 * @example
 * ```ts
 * export const handler = createHttpApiAuthorizer({
 *   response: 'simple',
 *   verifier: { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' },
 *   require: requireScopes('orders/read'),
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
  const mode: unknown = options.response;
  if (mode !== 'simple' && mode !== 'iam') {
    throw new TypeError('cognito-guard: response must be "simple" or "iam"');
  }
  const resolved = resolveOptions('http-api', options);
  const table = resolveRoutes(options as RoutingOptions);
  const source = checkTokenSource(options.tokenSource ?? DEFAULT_TOKEN_SOURCE);

  if (mode === 'simple') {
    if (
      table !== undefined &&
      (options as { routeAwareCache?: unknown }).routeAwareCache !== true
    ) {
      throw new TypeError(
        'cognito-guard: route rules with simple responses need routeAwareCache: true, after adding $context.routeKey to the identity sources (or setting the TTL to 0); a cached simple response applies to every route',
      );
    }
    const simple: HttpApiSimpleAuthorizerHandler = async (event) => {
      const arn = failInternally(resolved, () => {
        const parsed = readEvent(event);
        if (parsed.version !== '2.0') {
          // AWS: simple responses exist for payload 2.0 only (http-api-lambda-authorizer.md).
          throw new TypeError('cognito-guard: simple responses need payload format 2.0');
        }
        return table === undefined ? undefined : httpArn(parsed.arnText);
      });
      const auth = await authenticate(resolved, bearerSource(event, source));
      return failInternally(resolved, () => simpleResult(resolved, table, arn, auth, RESERVED));
    };
    return simple;
  }

  const iam: HttpApiIamAuthorizerHandler = async (event) => {
    const arn = failInternally(resolved, () => httpArn(readEvent(event).arnText));
    const auth = await authenticate(resolved, bearerSource(event, source));
    return failInternally(resolved, () =>
      policyResult(resolved, table, arn, auth, { reserved: RESERVED }),
    );
  };
  return iam;
}
