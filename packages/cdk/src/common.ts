import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import {
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

/**
 * Where the token is, as the authorizer factories of `@cognito-guard/lambda` take it
 * (`tokenSource`). Give exactly one of the two: the construct turns it into the identity source,
 * and API Gateway answers 401 without invoking the function when an identity source is missing,
 * so a header-or-query choice cannot be expressed as identity sources.
 *
 * @example
 * ```ts
 * const tokenSource: TokenSourceProps = { query: 'access_token' };
 * ```
 */
export interface TokenSourceProps {
  /** A request header, e.g. `Authorization` (the default). */
  readonly header?: string;
  /** A query-string parameter, e.g. `access_token`. */
  readonly query?: string;
}

/**
 * What every authorizer construct takes to build its function: the entry file that exports
 * the handler, bundled with esbuild by `NodejsFunction`.
 *
 * @example
 * ```ts
 * const props: AuthorizerFunctionProps = { entry: 'src/authorizer.ts', handler: 'handler' };
 * ```
 */
export interface AuthorizerFunctionProps {
  /** The authorizer's source file (TypeScript or JavaScript), e.g. `src/authorizer.ts`. */
  readonly entry: string;
  /** The exported handler's name. Default `handler`. */
  readonly handler?: string;
  /**
   * Anything else `NodejsFunction` takes (memory, environment, `bundling`, `projectRoot`, ...).
   * Merged over the defaults: Node.js 22 on arm64, 256 MB, 10 s, an ESM bundle for `node22`,
   * minified, bundled by the project's esbuild (Docker only when none is installed).
   */
  readonly functionProps?: Omit<NodejsFunctionProps, 'entry' | 'handler'>;
  /**
   * The shortest lifetime of the tokens this authorizer accepts: the app client's access- (or
   * ID-) token validity. A cached answer outlives the token and any revocation by up to the
   * cache TTL, so the TTL may not exceed it. Default 5 minutes, the shortest validity Cognito
   * allows (`AccessTokenValidity`, `AWS::Cognito::UserPoolClient`): give the real value to allow
   * a longer TTL.
   */
  readonly tokenValidity?: Duration;
}

/** API Gateway and AppSync both take an authorizer result TTL from 0 to 3600 seconds. */
export const MAX_TTL_SECONDS = 3600;
/** Cognito's shortest access- and ID-token validity, 5 minutes. */
const MIN_TOKEN_VALIDITY_SECONDS = 300;

/**
 * A configuration the constructs refuse at synth time. The message says what to change.
 *
 * @example
 * ```ts
 * try { new CognitoGuardRestAuthorizer(stack, 'Auth', props); } catch (e) { if (e instanceof CognitoGuardConfigError) console.error(e.message); }
 * ```
 */
export class CognitoGuardConfigError extends Error {
  override readonly name = 'CognitoGuardConfigError';
}

/** Throws a {@link CognitoGuardConfigError} naming the construct. */
export function refuse(scope: Construct, message: string): never {
  throw new CognitoGuardConfigError(`cognito-guard (${scope.node.path}): ${message}`);
}

/**
 * The cache TTL in whole seconds, checked against the 0-3600 range and the token lifetime:
 * API Gateway has no per-response TTL, so an Allow cached at the end of a token's life is
 * served until the TTL runs out (https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization-with-console.html).
 */
export function checkTtl(
  scope: Construct,
  ttl: Duration,
  tokenValidity: Duration | undefined,
): number {
  const seconds = ttl.toSeconds();
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_TTL_SECONDS) {
    refuse(
      scope,
      `resultsCacheTtl must be a whole number of seconds from 0 to ${MAX_TTL_SECONDS}, not ${seconds}`,
    );
  }
  const validity = tokenValidity?.toSeconds() ?? MIN_TOKEN_VALIDITY_SECONDS;
  if (seconds > validity) {
    refuse(
      scope,
      `resultsCacheTtl (${seconds} s) exceeds the token lifetime (${validity} s${tokenValidity === undefined ? ", Cognito's shortest; set tokenValidity to the app client's token validity if it is longer" : ''}): a cached Allow would outlive the token. Lower resultsCacheTtl to at most ${validity} s`,
    );
  }
  return seconds;
}

/** One header or one query parameter, never both, never neither, never an empty name. */
export function checkTokenSource(
  scope: Construct,
  source: TokenSourceProps | undefined,
): { readonly header: string } | { readonly query: string } {
  const { header, query } = source ?? { header: 'Authorization' };
  if (header !== undefined && query !== undefined) {
    refuse(
      scope,
      'tokenSource names both a header and a query parameter; API Gateway needs every identity source present, so give one',
    );
  }
  const name = header ?? query;
  if (typeof name !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    refuse(
      scope,
      'tokenSource needs one header or query-parameter name, e.g. { header: "Authorization" }',
    );
  }
  return header !== undefined ? { header } : { query: name };
}

/**
 * The authorizer's function: `NodejsFunction` bundled by the project's own esbuild. CDK runs a
 * local esbuild when it can resolve one (a dev dependency of the project, or on `PATH`) and
 * `forceDockerBundling` is off, and only falls back to Docker without it: so with esbuild
 * installed, `cdk synth` needs neither Docker nor a network.
 */
export function createAuthorizerFunction(
  scope: Construct,
  props: AuthorizerFunctionProps,
  environment: Readonly<Record<string, string>>,
): NodejsFunction {
  const user = props.functionProps ?? {};
  return new NodejsFunction(scope, 'Function', {
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(10),
    ...user,
    entry: props.entry,
    handler: props.handler ?? 'handler',
    environment: { ...user.environment, ...environment },
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      mainFields: ['module', 'main'],
      // CommonJS dependencies inside an ESM bundle still need `require` for Node built-ins.
      banner:
        "import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);",
      ...user.bundling,
      forceDockerBundling: false,
    },
  });
}
