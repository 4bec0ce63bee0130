import { Duration } from 'aws-cdk-lib';
import { type IAuthorizer, RequestAuthorizer, TokenAuthorizer } from 'aws-cdk-lib/aws-apigateway';
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
 * Props of {@link CognitoGuardRestAuthorizer}.
 *
 * @example
 * ```ts
 * const props: CognitoGuardRestAuthorizerProps = { entry: 'src/authorizer.ts', type: 'token' };
 * ```
 */
export interface CognitoGuardRestAuthorizerProps extends AuthorizerFunctionProps {
  /** `'token'` (`createRestTokenAuthorizer`) or `'request'` (`createRestRequestAuthorizer`). */
  readonly type: 'token' | 'request';
  /**
   * Where the token is, as the handler's `tokenSource`. Default `{ header: 'Authorization' }`.
   * A TOKEN authorizer reads one header only.
   */
  readonly tokenSource?: TokenSourceProps;
  /**
   * REQUEST only: every identity source, in API Gateway's syntax
   * (`method.request.header.Authorization`, `context.httpMethod`, ...). Default: the token's
   * alone. With caching on, the token's must be one of them: a key without it hands one
   * caller's cached policy to every caller. Add `context.httpMethod` and
   * `context.resourcePath` when the handler's `context` hook depends on the route.
   */
  readonly identitySources?: readonly string[];
  /** How long API Gateway caches a policy, 0 to 3600 s (0: no caching). Default 5 minutes. */
  readonly resultsCacheTtl?: Duration;
  /** TOKEN only: a regular expression the token must match before the function is invoked. */
  readonly validationRegex?: string;
  /** The authorizer's name in API Gateway. Default: the construct's unique id. */
  readonly authorizerName?: string;
}

/**
 * A REST API Lambda authorizer (TOKEN or REQUEST) for a `createRestTokenAuthorizer` or
 * `createRestRequestAuthorizer` handler. The handler's policy covers every route for the
 * principal, so the token alone is a safe cache key and the construct makes it one: it refuses
 * a TOKEN authorizer on a query parameter, REQUEST identity sources without the token (with a
 * TTL above 0), and a TTL longer than the token lives. Pass `.authorizer` to `addMethod`.
 *
 * @example
 * ```ts
 * const auth = new CognitoGuardRestAuthorizer(stack, 'Auth', { entry: 'src/authorizer.ts', type: 'token' });
 * api.root.addResource('orders').addMethod('GET', integration, { authorizer: auth.authorizer });
 * ```
 */
export class CognitoGuardRestAuthorizer extends Construct {
  /** The bundled authorizer function. */
  readonly function: NodejsFunction;
  /** The API Gateway authorizer, for `addMethod(..., { authorizer })`. */
  readonly authorizer: IAuthorizer;
  /** The identity sources configured on the authorizer (the cache key). */
  readonly identitySources: readonly string[];
  /** The result TTL in seconds. */
  readonly resultsCacheTtlSeconds: number;

  constructor(scope: Construct, id: string, props: CognitoGuardRestAuthorizerProps) {
    super(scope, id);
    if (props.type !== 'token' && props.type !== 'request') {
      refuse(this, 'type must be "token" or "request"');
    }
    const source = checkTokenSource(this, props.tokenSource);
    const ttl = checkTtl(this, props.resultsCacheTtl ?? Duration.minutes(5), props.tokenValidity);
    this.resultsCacheTtlSeconds = ttl;

    if (props.type === 'token') {
      if (!('header' in source)) {
        refuse(
          this,
          "a TOKEN authorizer reads one header: use type 'request' for a token in the query string",
        );
      }
      if (props.identitySources !== undefined) {
        refuse(
          this,
          "identitySources is for REQUEST authorizers; a TOKEN authorizer's key is its header (tokenSource)",
        );
      }
      this.identitySources = [`method.request.header.${source.header}`];
      this.function = createAuthorizerFunction(this, props, {});
      this.authorizer = new TokenAuthorizer(this, 'Authorizer', {
        handler: this.function,
        identitySource: this.identitySources[0]!,
        resultsCacheTtl: Duration.seconds(ttl),
        ...(props.validationRegex === undefined ? {} : { validationRegex: props.validationRegex }),
        ...(props.authorizerName === undefined ? {} : { authorizerName: props.authorizerName }),
      });
      return;
    }

    if (props.validationRegex !== undefined) {
      refuse(this, 'validationRegex is for TOKEN authorizers; remove it or use type "token"');
    }
    const tokenIdentity =
      'header' in source
        ? `method.request.header.${source.header}`
        : `method.request.querystring.${source.query}`;
    const sources = props.identitySources ?? [tokenIdentity];
    // Header names are case-insensitive in HTTP, so compare them so; query names are not.
    const hasToken = sources.some((s) =>
      'header' in source ? s.toLowerCase() === tokenIdentity.toLowerCase() : s === tokenIdentity,
    );
    if (ttl > 0 && !hasToken) {
      refuse(
        this,
        `identitySources [${sources.join(', ')}] omit the token (${tokenIdentity}): API Gateway would serve one caller's cached policy to every caller. Add ${tokenIdentity}, or set resultsCacheTtl to 0`,
      );
    }
    this.identitySources = [...sources];
    this.function = createAuthorizerFunction(this, props, {});
    this.authorizer = new RequestAuthorizer(this, 'Authorizer', {
      handler: this.function,
      identitySources: [...sources],
      resultsCacheTtl: Duration.seconds(ttl),
      ...(props.authorizerName === undefined ? {} : { authorizerName: props.authorizerName }),
    });
  }
}
