import { Duration, Names } from 'aws-cdk-lib';
import type {
  HttpRouteAuthorizerBindOptions,
  HttpRouteAuthorizerConfig,
  IHttpRoute,
  IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import {
  type AuthorizerFunctionProps,
  checkTokenSource,
  checkTtl,
  createAuthorizerFunction,
  refuse,
  type TokenSourceProps,
} from './common.js';

/**
 * The `cacheKey` modes of `createHttpApiAuthorizer` in `@cognito-guard/lambda`: what the
 * identity sources put into API Gateway's cache key besides the token.
 *
 * @example
 * ```ts
 * const cacheKey: HttpApiCacheKeyMode = 'method-and-path';
 * ```
 */
export type HttpApiCacheKeyMode = 'method-and-path' | 'route-key' | 'uncached';

/**
 * The identity sources each `cacheKey` mode needs besides the token's, as the Lambda package's
 * README lists them: `$context.httpMethod` and `$context.path` make the key hold what the rules
 * read (the request's method and path); `$context.routeKey` makes it hold the route.
 *
 * @example
 * ```ts
 * HTTP_API_CACHE_KEY_SOURCES['route-key']; // ['$context.routeKey']
 * ```
 */
export const HTTP_API_CACHE_KEY_SOURCES: Readonly<Record<HttpApiCacheKeyMode, readonly string[]>> =
  Object.freeze({
    'method-and-path': Object.freeze(['$context.httpMethod', '$context.path']),
    'route-key': Object.freeze(['$context.routeKey']),
    uncached: Object.freeze([]),
  });

/**
 * Props of {@link CognitoGuardHttpApiAuthorizer}. Give it the same `response`, `routes`,
 * `cacheKey` and `tokenSource` as the `createHttpApiAuthorizer` call in `entry`: keep them in
 * one module that both the handler and the stack import.
 *
 * @example
 * ```ts
 * const props: CognitoGuardHttpApiAuthorizerProps = { entry: 'src/authorizer.ts', response: 'simple', routes, cacheKey: 'route-key' };
 * ```
 */
export interface CognitoGuardHttpApiAuthorizerProps extends AuthorizerFunctionProps {
  /** `'simple'` (payload 2.0, `isAuthorized`) or `'iam'` (an IAM policy, payload 1.0). */
  readonly response: 'simple' | 'iam';
  /**
   * The route rules the handler is given (only the keys are read here), or just their keys.
   * With simple responses, rules need a `cacheKey`.
   */
  readonly routes?: Readonly<Record<string, unknown>> | readonly string[];
  /** Simple responses with route rules: the handler's `cacheKey`. */
  readonly cacheKey?: HttpApiCacheKeyMode;
  /** Where the token is. Default `{ header: 'Authorization' }`. */
  readonly tokenSource?: TokenSourceProps;
  /**
   * How long API Gateway caches an answer. Default 5 minutes, and 0 with `cacheKey: 'uncached'`
   * (the only TTL that mode allows).
   */
  readonly resultsCacheTtl?: Duration;
  /** The authorizer's name in API Gateway. Default: the construct's unique id. */
  readonly authorizerName?: string;
}

/**
 * An HTTP API Lambda authorizer for a `createHttpApiAuthorizer` handler: it bundles the entry,
 * sets the identity sources and TTL that make the answers safe under API Gateway's result
 * cache, and refuses at synth time the routes it cannot protect. Use it as a route's (or the
 * API's default) `authorizer`.
 *
 * Refused: route rules with simple responses and no `cacheKey`; `cacheKey: 'uncached'` with a
 * TTL above 0; `cacheKey: 'route-key'` on `$default`, on a greedy (`{proxy+}`) route or on a
 * route no rule is keyed by, and a rule keyed by a route the authorizer is not attached to;
 * a TTL longer than the token lives.
 *
 * @example
 * ```ts
 * const auth = new CognitoGuardHttpApiAuthorizer(stack, 'Auth', {
 *   entry: 'src/authorizer.ts',
 *   response: 'simple',
 *   routes,                      // the object the handler passes to createHttpApiAuthorizer
 *   cacheKey: 'method-and-path', // likewise
 * });
 * new HttpApi(stack, 'Api', { defaultAuthorizer: auth, defaultIntegration });
 * ```
 */
export class CognitoGuardHttpApiAuthorizer extends Construct implements IHttpRouteAuthorizer {
  /** The bundled authorizer function. */
  readonly function: NodejsFunction;
  /** The identity sources configured on the authorizer (the cache key). */
  readonly identitySources: readonly string[];
  /** The result TTL in seconds. */
  readonly resultsCacheTtlSeconds: number;
  private readonly inner: HttpLambdaAuthorizer;
  private readonly routes: IHttpRoute[] = [];

  constructor(scope: Construct, id: string, props: CognitoGuardHttpApiAuthorizerProps) {
    super(scope, id);
    if (props.response !== 'simple' && props.response !== 'iam') {
      refuse(this, 'response must be "simple" or "iam"');
    }
    const ruleKeys = props.routes === undefined ? undefined : keysOf(props.routes);
    const cacheKey = checkCacheKey(this, props.response, ruleKeys, props.cacheKey);
    const source = checkTokenSource(this, props.tokenSource);
    const tokenIdentity =
      'header' in source
        ? `$request.header.${source.header}`
        : `$request.querystring.${source.query}`;
    this.identitySources = [
      tokenIdentity,
      ...(cacheKey === undefined ? [] : HTTP_API_CACHE_KEY_SOURCES[cacheKey]),
    ];
    const ttl = props.resultsCacheTtl ?? Duration.seconds(cacheKey === 'uncached' ? 0 : 300);
    this.resultsCacheTtlSeconds = checkTtl(this, ttl, props.tokenValidity);
    if (cacheKey === 'uncached' && this.resultsCacheTtlSeconds !== 0) {
      refuse(
        this,
        "cacheKey 'uncached' needs resultsCacheTtl 0: with caching on, one request's answer would serve another request of the same token. Set resultsCacheTtl to Duration.seconds(0), or use cacheKey 'method-and-path'",
      );
    }
    this.function = createAuthorizerFunction(this, props, {});
    this.inner = new HttpLambdaAuthorizer(Names.uniqueId(this), this.function, {
      authorizerName: props.authorizerName ?? Names.uniqueResourceName(this, { maxLength: 128 }),
      identitySource: [...this.identitySources],
      resultsCacheTtl: Duration.seconds(this.resultsCacheTtlSeconds),
      responseTypes: [
        props.response === 'simple' ? HttpLambdaResponseType.SIMPLE : HttpLambdaResponseType.IAM,
      ],
    });
    if (cacheKey === 'route-key' && ruleKeys !== undefined) {
      this.node.addValidation({ validate: () => this.checkRouteKeys(ruleKeys) });
    }
  }

  /** Called by `HttpRoute`: records the route for the synth-time checks, then attaches. */
  bind(options: HttpRouteAuthorizerBindOptions): HttpRouteAuthorizerConfig {
    this.routes.push(options.route);
    return this.inner.bind(options);
  }

  /**
   * In `'route-key'` mode a request is decided by the one rule keyed exactly by its route, so
   * every attached route must be such a key and every rule must be an attached route. A greedy
   * or `$default` route carries requests that rules over methods and paths treat differently
   * while they share one cache entry (a cached `GET /orders` would answer `DELETE /orders/1`;
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html,
   * "Caching authorizer responses"); a rule for a route the API does not have protects nothing, because requests
   * take the route the API does have.
   */
  private checkRouteKeys(ruleKeys: readonly string[]): string[] {
    const errors: string[] = [];
    const attached = this.routes.map(routeKeyOf);
    for (const key of attached) {
      if (key === undefined) continue;
      if (key === '$default' || /\{[^}]+\+\}/.test(key)) {
        errors.push(
          `cacheKey 'route-key' cannot protect the catch-all route "${key}": its requests share one cache entry whatever their method and path. Use cacheKey 'method-and-path' (and the same in the handler), or give each protected path its own route`,
        );
      } else if (!ruleKeys.includes(key)) {
        errors.push(
          `cacheKey 'route-key' and no rule keyed "${key}": the handler answers 500 on that route. Add a rule "${key}" or use cacheKey 'method-and-path'`,
        );
      }
    }
    const known = new Set(attached);
    for (const key of ruleKeys) {
      if (!known.has(key)) {
        errors.push(
          `the rule "${key}" names no route this authorizer is attached to, so with cacheKey 'route-key' it protects nothing. Add the route "${key}" to the API, remove the rule, or use cacheKey 'method-and-path'`,
        );
      }
    }
    return errors;
  }
}

function keysOf(routes: Readonly<Record<string, unknown>> | readonly string[]): readonly string[] {
  return Array.isArray(routes) ? (routes as readonly string[]) : Object.keys(routes);
}

/** `GET /orders`, `$default`, ... as the `AWS::ApiGatewayV2::Route` resource has it. */
function routeKeyOf(route: IHttpRoute): string | undefined {
  const key = (route.node.defaultChild as { routeKey?: unknown } | undefined)?.routeKey;
  return typeof key === 'string' ? key : undefined;
}

function checkCacheKey(
  scope: Construct,
  response: 'simple' | 'iam',
  ruleKeys: readonly string[] | undefined,
  cacheKey: HttpApiCacheKeyMode | undefined,
): HttpApiCacheKeyMode | undefined {
  if (cacheKey !== undefined && !Object.hasOwn(HTTP_API_CACHE_KEY_SOURCES, cacheKey)) {
    refuse(scope, "cacheKey must be 'method-and-path', 'route-key' or 'uncached'");
  }
  if (response === 'iam') {
    // The IAM policy covers every route, so the token alone is a safe key.
    if (cacheKey !== undefined) {
      refuse(
        scope,
        "cacheKey applies to simple responses only; an IAM policy covers every route, so remove cacheKey (and from the handler's options)",
      );
    }
    return undefined;
  }
  if (ruleKeys === undefined || ruleKeys.length === 0) {
    if (cacheKey !== undefined) {
      refuse(
        scope,
        'cacheKey without routes: the answer is the same on every route, so remove cacheKey, or pass the routes the handler uses',
      );
    }
    return undefined;
  }
  if (cacheKey === undefined) {
    refuse(
      scope,
      "route rules with simple responses need cacheKey: 'method-and-path' (any route, $default and ANY /{proxy+} included), 'route-key' (one API route per rule) or 'uncached' (TTL 0), the same as in the handler",
    );
  }
  return cacheKey;
}
