import { Duration } from 'aws-cdk-lib';
import { type AuthorizationMode, AuthorizationType } from 'aws-cdk-lib/aws-appsync';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { type AuthorizerFunctionProps, checkTtl, createAuthorizerFunction } from './common.js';

/**
 * The environment variable that carries the construct's TTL into the function, so the
 * handler's `ttlSeconds` and the API's `authorizerResultTtlInSeconds` come from one place:
 * `ttlSeconds: Number(process.env[APPSYNC_TTL_ENV] ?? 300)`.
 *
 * @example
 * ```ts
 * const ttlSeconds = Number(process.env.COGNITO_GUARD_TTL_SECONDS ?? 300);
 * ```
 */
export const APPSYNC_TTL_ENV = 'COGNITO_GUARD_TTL_SECONDS';

/**
 * Props of {@link CognitoGuardAppSyncAuthorizer}.
 *
 * @example
 * ```ts
 * const props: CognitoGuardAppSyncAuthorizerProps = { entry: 'src/authorizer.ts', tokenValidity: Duration.hours(1) };
 * ```
 */
export interface CognitoGuardAppSyncAuthorizerProps extends AuthorizerFunctionProps {
  /**
   * How long AppSync may cache an answer, 0 to 3600 s. Default 5 minutes. Set as the API's
   * `authorizerResultTtlInSeconds` and passed to the function as `COGNITO_GUARD_TTL_SECONDS`
   * for the handler's `ttlSeconds` (its `ttlOverride` is never longer than the token lives).
   */
  readonly resultsCacheTtl?: Duration;
  /** A regular expression the token must match before AppSync invokes the function. */
  readonly validationRegex?: string;
}

/**
 * The `AWS_LAMBDA` authorization mode of an AppSync API, for a `createAppSyncAuthorizer`
 * handler: it bundles the entry and sets the result TTL, refusing one longer than the token
 * lives. Put `.authorizationMode` in the API's `authorizationConfig`; `GraphqlApi` grants
 * AppSync the right to invoke the function. Mark every type and field the mode may read with
 * `@aws_lambda` when the API has other modes too.
 *
 * @example
 * ```ts
 * const auth = new CognitoGuardAppSyncAuthorizer(stack, 'Auth', { entry: 'src/authorizer.ts' });
 * new GraphqlApi(stack, 'Api', { name: 'posts', definition, authorizationConfig: { defaultAuthorization: auth.authorizationMode } });
 * ```
 */
export class CognitoGuardAppSyncAuthorizer extends Construct {
  /** The bundled authorizer function. */
  readonly function: NodejsFunction;
  /** The `AWS_LAMBDA` mode, for `authorizationConfig`. */
  readonly authorizationMode: AuthorizationMode;
  /** The result TTL in seconds. */
  readonly resultsCacheTtlSeconds: number;

  constructor(scope: Construct, id: string, props: CognitoGuardAppSyncAuthorizerProps) {
    super(scope, id);
    const ttl = checkTtl(this, props.resultsCacheTtl ?? Duration.minutes(5), props.tokenValidity);
    this.resultsCacheTtlSeconds = ttl;
    this.function = createAuthorizerFunction(this, props, { [APPSYNC_TTL_ENV]: String(ttl) });
    this.authorizationMode = {
      authorizationType: AuthorizationType.LAMBDA,
      lambdaAuthorizerConfig: {
        handler: this.function,
        resultsCacheTtl: Duration.seconds(ttl),
        ...(props.validationRegex === undefined ? {} : { validationRegex: props.validationRegex }),
      },
    };
  }
}
