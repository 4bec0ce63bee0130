import type { BearerSource } from '@cognito-guard/core/http';

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

function isMap(value: unknown): value is { readonly [name: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collect(map: unknown, matches: (key: string) => boolean): string[] {
  if (!isMap(map)) return [];
  const out: string[] = [];
  for (const key of Object.keys(map)) {
    if (!matches(key)) continue;
    const value = map[key];
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string') out.push(v);
    }
  }
  return out;
}

/**
 * Every value of one parameter across the single- and multi-value maps. The multi-value map
 * is the complete one (the single map keeps one value of a repeated parameter); a single
 * value the multi map does not list is one more, so two `Authorization` headers are seen as
 * two whichever map carries them, and answered `400` (RFC 6750 §2).
 */
function values(single: unknown, multi: unknown, matches: (key: string) => boolean): string[] {
  const fromMulti = collect(multi, matches);
  const fromSingle = collect(single, matches);
  if (fromMulti.length === 0) return fromSingle;
  return [...fromMulti, ...fromSingle.filter((v) => !fromMulti.includes(v))];
}

const isAuthorization = (key: string) => key.toLowerCase() === 'authorization';
const isAccessToken = (key: string) => key === 'access_token';

/** `true` for an ALB event: its `requestContext` has an `elb` member. */
export function isAlbEvent(event: HttpEventParts): boolean {
  return isMap(event.requestContext) && isMap(event.requestContext.elb);
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
  if (!isMap(event)) return {};
  if (event.version === '2.0') {
    const authorization = collect(event.headers, isAuthorization).flatMap(splitJoined);
    const raw = typeof event.rawQueryString === 'string' ? event.rawQueryString : '';
    const query = raw === '' ? [] : new URLSearchParams(raw).getAll('access_token');
    return { authorization, query: query.length === 0 ? undefined : query };
  }
  const authorization = values(event.headers, event.multiValueHeaders, isAuthorization);
  let query = values(
    event.queryStringParameters,
    event.multiValueQueryStringParameters,
    isAccessToken,
  );
  if (isAlbEvent(event)) query = query.map(decodeQuery);
  return { authorization, query: query.length === 0 ? undefined : query };
}
