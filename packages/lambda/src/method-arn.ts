/**
 * `methodArn` / `routeArn` parsing (AWS docs
 * `api-gateway-control-access-using-iam-policies-to-invoke-api.md`, `apigateway-use-lambda-authorizer.md`):
 *
 * ```
 * arn:{partition}:execute-api:{region}:{accountId}:{apiId}/{stage}/{httpVerb}/{resourcePath…}
 * arn:{partition}:execute-api:{region}:{accountId}:{apiId}/{stage}/$connect        (WebSocket)
 * ```
 *
 * Only the first five colons separate ARN fields: a path value may contain `:` and must not be
 * cut there. The partition is kept as given (`aws`, `aws-cn`, `aws-us-gov`, ...): the AWS
 * blueprint hard-codes `arn:aws:`, which breaks in the other partitions.
 */

/**
 * A parsed `execute-api` ARN. Everything a policy needs, nothing taken from the request path.
 *
 * @example
 * ```ts
 * const { partition, stage, method, path }: MethodArn = parseMethodArn(event.methodArn);
 * ```
 */
export interface MethodArn {
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  readonly partition: string;
  readonly region: string;
  /** 12 digits on AWS; serverless-offline sends `random-account-id`. */
  readonly accountId: string;
  readonly apiId: string;
  /** The stage: `prod`, `$default` (HTTP APIs), or `*` (console test invocations). */
  readonly stage: string;
  /** Everything after `{stage}/`: `GET/orders/1`, `GET/` (root), or `$connect` (WebSocket). */
  readonly resource: string;
  /** The HTTP verb, or `undefined` for a WebSocket route key such as `$connect`. */
  readonly method: string | undefined;
  /** The request path with its leading `/` (`/` for the root), or `undefined` for WebSocket. */
  readonly path: string | undefined;
  /** `arn:{partition}:execute-api:{region}:{accountId}:{apiId}/{stage}/`: the prefix of every policy resource. */
  readonly prefix: string;
}

/** AWS caps a method ARN at 1600 bytes (api-gateway-lambda-authorizer-output.html). */
const MAX_ARN_BYTES = 1600;
const PARTITION = /^aws(?:-[a-z0-9]+)*$/;
const REGION = /^[a-z0-9-]+$/;
const ACCOUNT = /^[A-Za-z0-9_-]+$/;
const API_ID = /^[A-Za-z0-9_-]+$/;
const STAGE = /^[^/\s]+$/;
const VERB = /^[A-Z]+$/;

function invalid(reason: string): TypeError {
  // The ARN comes from API Gateway, not from the client; still, never echo it back.
  return new TypeError(`cognito-guard: unexpected execute-api ARN (${reason})`);
}

/**
 * Parses a REST, HTTP API or WebSocket `methodArn` / `routeArn`. Throws a `TypeError` for
 * anything that is not an `execute-api` ARN; authorizers turn that into a 500, never an Allow.
 *
 * @example
 * ```ts
 * const arn = parseMethodArn('arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/GET/orders/1');
 * arn.partition; // 'aws-cn'
 * arn.resource;  // 'GET/orders/1'
 * ```
 */
export function parseMethodArn(arn: string): MethodArn {
  if (typeof arn !== 'string' || arn.length === 0) throw invalid('missing');
  if (Buffer.byteLength(arn, 'utf8') > MAX_ARN_BYTES) throw invalid('longer than 1600 bytes');
  const fields: string[] = [];
  let rest = arn;
  for (let i = 0; i < 5; i += 1) {
    const colon = rest.indexOf(':');
    if (colon < 0) throw invalid('too few fields');
    fields.push(rest.slice(0, colon));
    rest = rest.slice(colon + 1);
  }
  const [scheme, partition, service, region, accountId] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (scheme !== 'arn') throw invalid('not an ARN');
  if (!PARTITION.test(partition)) throw invalid('partition');
  if (service !== 'execute-api') throw invalid('service');
  if (!REGION.test(region)) throw invalid('region');
  if (!ACCOUNT.test(accountId)) throw invalid('account');

  const firstSlash = rest.indexOf('/');
  const secondSlash = firstSlash < 0 ? -1 : rest.indexOf('/', firstSlash + 1);
  if (secondSlash < 0) throw invalid('no stage or resource');
  const apiId = rest.slice(0, firstSlash);
  const stage = rest.slice(firstSlash + 1, secondSlash);
  const resource = rest.slice(secondSlash + 1);
  if (!API_ID.test(apiId)) throw invalid('api id');
  if (!STAGE.test(stage)) throw invalid('stage');
  if (resource.length === 0) throw invalid('empty resource');

  let method: string | undefined;
  let path: string | undefined;
  const verbEnd = resource.indexOf('/');
  if (verbEnd >= 0) {
    method = resource.slice(0, verbEnd);
    if (!VERB.test(method)) throw invalid('verb');
    // The root resource is `GET/`: an empty path after the verb (the docs' console-test example).
    path = resource.slice(verbEnd);
  }
  // else: a WebSocket route key (`$connect`), which has no verb and no path
  // (apigateway-websocket-api-lambda-auth.html).

  return Object.freeze({
    partition,
    region,
    accountId,
    apiId,
    stage,
    resource,
    method,
    path,
    prefix: `arn:${partition}:execute-api:${region}:${accountId}:${apiId}/${stage}/`,
  });
}

/**
 * The stage-wide resource `arn:…:{apiId}/{stage}/*\/*`: every method and path of the stage.
 * This is what an authentication-only policy allows, so that a cached result is right for
 * every route (SECURITY.md, decision 13; AWS Knowledge Center
 * "api-gateway-lambda-authorization-errors").
 *
 * @example
 * ```ts
 * stageWildcard(parseMethodArn(event.methodArn)); // 'arn:aws:execute-api:eu-west-1:123456789012:abc/prod/*\/*'
 * ```
 */
export function stageWildcard(arn: MethodArn): string {
  // A WebSocket ARN has no verb/path pair (`{stage}/$connect`), which `*/*` would not match.
  return arn.method === undefined ? `${arn.prefix}*` : `${arn.prefix}*/*`;
}
