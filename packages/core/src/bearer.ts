import { AuthError, refusal } from './errors.js';

/**
 * Strict RFC 6750 bearer-token extraction, shared by every adapter.
 *
 * RFC 6750 §2.1: `Authorization: Bearer 1*SP b64token`. The scheme is case-insensitive (RFC 9110
 * §11.1); the separator is ASCII space only: JS `\s` also matches TAB and NBSP, which is how
 * `split(/\s+/)` parsers accept what proxies may read differently (SECURITY.md, attack class 19).
 * One method per request (RFC 6750 §2): two headers, or a header and a query token, is
 * `BAD_REQUEST` (R30). Node keeps only the first of two `Authorization` headers in `req.headers`,
 * so adapters pass every value they find in `rawHeaders`.
 */

/** Where a request may carry a token. Adapters fill in what their framework exposes. */
export interface BearerSource {
  /** Every `Authorization` header value of the request (one string, or all of them). */
  readonly authorization?: string | readonly string[] | null | undefined;
  /** Every `access_token` query parameter value, when the adapter looks at the query. */
  readonly query?: string | readonly string[] | null | undefined;
}

/** Options of {@link extractBearerToken}. */
export interface BearerOptions {
  /**
   * Accept a token from the `access_token` query parameter when no header is present. Off by
   * default (RFC 6750 §2.3, R31): with it off, a query-only token counts as no credentials;
   * a query token next to a header is a `BAD_REQUEST` either way.
   */
  readonly allowQuery?: boolean;
  /**
   * Accept a bare token without the `Bearer ` scheme (API Gateway TOKEN and AppSync
   * authorizers receive the raw header value; SECURITY.md, decision 8).
   */
  readonly allowBareToken?: boolean;
}

/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * @internal True when `token` is an RFC 6750 §2.1 b64token. A token that `createVerifier`
 * accepts always is one (a compact JWS is base64url segments and dots), which lets the HTTP
 * adapters test this only once a token was refused (see `requestAuthenticator`): on a 1 KB
 * token the test costs about as much as a cache hit.
 */
export function isB64Token(token: string): boolean {
  return B64TOKEN.test(token);
}
/**
 * Where the credentials start when `value` is the Bearer scheme (case-insensitive) followed by
 * one or more ASCII spaces, else -1. Character codes rather than a capturing regex: this runs
 * on every request, and a capture copies the whole token.
 */
function afterBearerScheme(value: string): number {
  if (value.length < 7 || value.charCodeAt(6) !== 0x20) return -1;
  // ASCII letters only: OR-ing 0x20 lower-cases A-Z and leaves a-z as they are.
  for (let i = 0; i < 6; i++) {
    if ((value.charCodeAt(i) | 0x20) !== 'bearer'.charCodeAt(i)) return -1;
  }
  let start = 7;
  while (value.charCodeAt(start) === 0x20) start += 1;
  return start;
}
/** A header value made of a scheme name only, or a scheme and anything (`Basic abc`). */
const OTHER_SCHEME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+( .*)?$/s;

function values(input: string | readonly string[] | null | undefined): readonly string[] {
  if (input === undefined || input === null) return [];
  return typeof input === 'string' ? [input] : input;
}

/** Trims optional whitespace (SP and HTAB, RFC 9110 §5.6.3) at both ends, nothing else. */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start += 1;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end -= 1;
  return value.slice(start, end);
}

function parseHeader(raw: string, allowBareToken: boolean, grammar: boolean): string | undefined {
  const value = trimOws(raw);
  if (value === '') return undefined;
  const start = afterBearerScheme(value);
  if (start > 0) {
    const token = value.slice(start);
    if (grammar && !B64TOKEN.test(token)) {
      throw refusal('BAD_REQUEST', 'malformed bearer credentials');
    }
    return token;
  }
  if (/^bearer$/i.test(value)) throw refusal('BAD_REQUEST', 'bearer scheme without a token');
  // A bare JWT (three dot-separated base64url segments): accepted where the caller allows it,
  // otherwise a malformed header rather than "some other scheme", so the client learns why.
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value)) {
    if (allowBareToken) return value;
    throw refusal('BAD_REQUEST', 'token without the Bearer scheme');
  }
  // Another scheme (Basic, Digest, ...): no bearer credentials were presented (RFC 6750 §3.1).
  if (OTHER_SCHEME.test(value)) return undefined;
  throw refusal('BAD_REQUEST', 'malformed authorization header');
}

/**
 * Returns the bearer token of a request, or throws an {@link AuthError}: `NO_CREDENTIALS`
 * when there is none, `BAD_REQUEST` when the header is malformed or the token comes more
 * than once.
 *
 * @example
 * ```ts
 * const token = extractBearerToken({ authorization: 'Bearer eyJ...' });
 * ```
 */
export function extractBearerToken(source: BearerSource, options: BearerOptions = {}): string {
  return extractToken(source, options, true);
}

/**
 * @internal {@link extractBearerToken}, with the b64token test of the token itself left to the
 * caller when `grammar` is false (every other rule still applies).
 */
export function extractToken(
  source: BearerSource,
  options: BearerOptions,
  grammar: boolean,
): string {
  const headers = values(source.authorization);
  const queries = values(source.query);
  if (headers.length > 1) throw refusal('BAD_REQUEST', 'more than one Authorization header');
  if (queries.length > 1) throw refusal('BAD_REQUEST', 'more than one access_token parameter');
  const fromHeader =
    headers.length === 1
      ? parseHeader(headers[0]!, options.allowBareToken === true, grammar)
      : undefined;
  const query = queries.length === 1 ? queries[0]! : undefined;
  if (fromHeader !== undefined && query !== undefined) {
    throw refusal('BAD_REQUEST', 'token in the header and in the query');
  }
  if (fromHeader !== undefined) return fromHeader;
  if (query !== undefined && options.allowQuery === true) {
    if (grammar && !B64TOKEN.test(query)) throw refusal('BAD_REQUEST', 'malformed query token');
    return query;
  }
  throw refusal('NO_CREDENTIALS');
}
