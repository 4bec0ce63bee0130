import {
  type BearerSource,
  eventParameterValues,
  isPlainRecord,
  parameterValues,
} from '@cognito-guard/core/http';

/**
 * Reading the bearer token out of the events a Lambda function receives over HTTP. Three
 * shapes, documented by AWS:
 * - API Gateway REST (and HTTP API payload 1.0) proxy events: `headers` and
 *   `multiValueHeaders`, `queryStringParameters` and `multiValueQueryStringParameters`,
 *   query values decoded
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html);
 * - HTTP API payload 2.0 (`version: '2.0'`): lower-case `headers`, where repeated headers are
 *   joined with commas, and the `rawQueryString`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html);
 * - Application Load Balancer targets: `headers` or, with multi-value headers on,
 *   `multiValueHeaders` only, and query values left URL-encoded
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html).
 */

type Map = { readonly [name: string]: unknown } | null | undefined;

/** The members of an HTTP event this package reads; anything else in the event is ignored. */
export interface HttpEventParts {
  readonly version?: unknown;
  readonly headers?: Map;
  readonly multiValueHeaders?: Map;
  readonly queryStringParameters?: Map;
  readonly multiValueQueryStringParameters?: Map;
  readonly rawQueryString?: unknown;
  readonly requestContext?: unknown;
}

const isAuthorization = (key: string) => key.toLowerCase() === 'authorization';
const isAccessToken = (key: string) => key === 'access_token';

/** `true` for an ALB event: its `requestContext` has an `elb` member. */
export function isAlbEvent(event: HttpEventParts): boolean {
  return isPlainRecord(event.requestContext) && isPlainRecord(event.requestContext.elb);
}

/** Decodes an ALB query value; a malformed escape stays as it is (and fails as a token). */
function decodeQuery(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * Payload 2.0 joins a repeated header into one value with commas. A bearer token never
 * contains a comma (RFC 6750 §2.1, b64token), so when one of the parts is a bearer credential
 * the parts are the headers, and two of them are answered as two headers are elsewhere (a
 * `400`). A value without one (a Digest challenge response has commas of its own) stays whole.
 */
function splitJoined(value: string): string[] {
  if (!value.includes(',')) return [value];
  const parts = value.split(',');
  return parts.some((part) => /^[ \t]*bearer[ \t]/i.test(part)) ? parts : [value];
}

/**
 * The bearer credentials of an HTTP event: every `Authorization` value (header names are
 * matched without regard to case, RFC 9110 §5.1) and every `access_token` query value.
 *
 * @example
 * ```ts
 * const token = extractBearerToken(bearerSourceOfEvent(event), { allowQuery: false });
 * ```
 */
export function bearerSourceOfEvent(event: HttpEventParts): BearerSource {
  if (!isPlainRecord(event)) return {};
  if (event.version === '2.0') {
    const authorization = parameterValues(event.headers, isAuthorization).flatMap(splitJoined);
    const raw = typeof event.rawQueryString === 'string' ? event.rawQueryString : '';
    const query = raw === '' ? [] : new URLSearchParams(raw).getAll('access_token');
    return { authorization, query: query.length === 0 ? undefined : query };
  }
  const authorization = eventParameterValues(
    event.headers,
    event.multiValueHeaders,
    isAuthorization,
  );
  let query = eventParameterValues(
    event.queryStringParameters,
    event.multiValueQueryStringParameters,
    isAccessToken,
  );
  if (isAlbEvent(event)) query = query.map(decodeQuery);
  return { authorization, query: query.length === 0 ? undefined : query };
}
