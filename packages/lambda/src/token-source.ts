import { type BearerSource, eventParameterValues } from '@cognito-guard/core/http';
import type { EventMap } from './events.js';

/**
 * Where a REQUEST-type authorizer (REST REQUEST, HTTP API, WebSocket `$connect`) finds the
 * token: a header (looked up case-insensitively), a query parameter (case-sensitive, as API
 * Gateway treats query names, http-api-lambda-authorizer.md), or both. With both configured,
 * a request carrying the token in both places is refused (RFC 6750 §2: one method per request).
 *
 * @example
 * ```ts
 * const source: TokenSource = { query: 'token' };
 * ```
 */
export interface TokenSource {
  /** Header name, e.g. `'Authorization'`. Case does not matter. */
  readonly header?: string;
  /** Query parameter name, e.g. `'token'`. A query token is the bare JWT, no `Bearer `. */
  readonly query?: string;
}

/**
 * The default: the `Authorization` header.
 *
 * @example
 * ```ts
 * bearerSource(event, DEFAULT_TOKEN_SOURCE);
 * ```
 */
export const DEFAULT_TOKEN_SOURCE: TokenSource = Object.freeze({ header: 'Authorization' });

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const QUERY_NAME = /^[A-Za-z0-9._~-]+$/;

/**
 * Checks a token source once, at factory time.
 *
 * @example
 * ```ts
 * checkTokenSource({ query: 'token' });
 * ```
 */
export function checkTokenSource(source: TokenSource): TokenSource {
  if (typeof source !== 'object' || source === null) {
    throw new TypeError('cognito-guard: tokenSource must be { header?, query? }');
  }
  const { header, query } = source;
  if (header === undefined && query === undefined) {
    throw new TypeError('cognito-guard: tokenSource needs a header, a query parameter, or both');
  }
  if (header !== undefined && (typeof header !== 'string' || !HEADER_NAME.test(header))) {
    throw new TypeError('cognito-guard: tokenSource.header must be a header name');
  }
  if (query !== undefined && (typeof query !== 'string' || !QUERY_NAME.test(query))) {
    throw new TypeError('cognito-guard: tokenSource.query must be a query parameter name');
  }
  return Object.freeze({ ...source });
}

/**
 * The parts of a REQUEST-type event this module reads.
 *
 * @example
 * ```ts
 * const parameters: RequestParameters = { headers: { authorization: 'Bearer eyJ...' } };
 * ```
 */
export interface RequestParameters {
  readonly headers?: EventMap<string>;
  readonly multiValueHeaders?: EventMap<readonly string[]>;
  readonly queryStringParameters?: EventMap<string>;
  readonly multiValueQueryStringParameters?: EventMap<readonly string[]>;
}

/** RFC 6750 §2.3: the query parameter a bearer token may travel in. */
const RFC6750_QUERY = 'access_token';

/**
 * What {@link bearerSource} found, and whether a query token may be used.
 *
 * @example
 * ```ts
 * const { source, allowQuery }: RequestToken = bearerSource(event, { query: 'token' });
 * ```
 */
export interface RequestToken {
  readonly source: BearerSource;
  readonly allowQuery: boolean;
}

/**
 * Builds the core's {@link BearerSource} from an event: header values looked up
 * case-insensitively (REST and WebSocket keep the client's casing, HTTP APIs lower-case it, and
 * serverless-offline keeps the client's casing everywhere), query values case-sensitively.
 *
 * With only a header configured, an RFC 6750 `access_token` query parameter is still read, but
 * only to refuse a request that carries a token in both places (`BAD_REQUEST`, RFC 6750 §2:
 * one method per request), as the Express and Fastify adapters do; it is never accepted alone.
 *
 * @example
 * ```ts
 * const { source, allowQuery } = bearerSource(event, { header: 'Authorization' });
 * extractBearerToken(source, { allowBareToken: true, allowQuery });
 * ```
 */
export function bearerSource(event: RequestParameters, tokenSource: TokenSource): RequestToken {
  const source: { authorization?: string[]; query?: string[] } = {};
  if (tokenSource.header !== undefined) {
    const wanted = tokenSource.header.toLowerCase();
    source.authorization = eventParameterValues(
      event.headers,
      event.multiValueHeaders,
      (key) => key.toLowerCase() === wanted,
    );
  }
  const query = tokenSource.query ?? RFC6750_QUERY;
  source.query = eventParameterValues(
    event.queryStringParameters,
    event.multiValueQueryStringParameters,
    (key) => key === query,
  );
  return { source, allowQuery: tokenSource.query !== undefined };
}
