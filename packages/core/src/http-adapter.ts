import { type BearerSource, extractToken, isB64Token } from './bearer.js';
import { type Challenge, type ChallengeOptions, toChallenge } from './challenge.js';
import type { TokenUse } from './claims.js';
import { AuthError, checkErrorDetail, type ErrorDetail, isAuthError, refusal } from './errors.js';
import { checkOptionKeys, optionKeys } from './option-keys.js';
import {
  immediateVerifier,
  type Refine,
  toVerifier,
  VERIFIER_OPTION_KEYS,
  type Verifier,
  type VerifierOptions,
} from './verifier.js';

/**
 * What the Node HTTP adapters (Express, Fastify, and any other framework on `node:http`)
 * share: reading the bearer token from Node's raw request, the four options they all take,
 * and the error they hand to a framework's error handler. Nothing here reads a claim.
 */

/** The options every HTTP adapter takes, as given by the application. */
export interface HttpAdapterOptions {
  /**
   * Let requests without a token through with `auth` undefined. A token that is present but
   * not acceptable is still rejected. Default `false`.
   */
  readonly optional?: boolean | undefined;
  /**
   * Also accept the token from the `access_token` query parameter. Off by default: RFC 6750
   * §2.3 says clients SHOULD NOT use it (URLs end up in logs). A token in the header and in
   * the query is a `400` whatever this says.
   */
  readonly allowQueryToken?: boolean | undefined;
  /**
   * Hand the refusal to the framework's error handler (Express `next(err)`, Fastify's error
   * handler) instead of answering: an `HttpAuthError` with `status`, `statusCode`, `headers`
   * and `body`. Default `false`.
   */
  readonly passErrors?: boolean | undefined;
  /** The `realm` of the `WWW-Authenticate` challenge. Default `"api"`. */
  readonly realm?: string | undefined;
  /**
   * What `error_description` tells the client: `'generic'` (default), one text per RFC 6750
   * error class, or `'code'`, the text of the precise code. The code itself always reaches the
   * server (`passErrors`, `onEvent`).
   */
  readonly errorDetail?: ErrorDetail | undefined;
}

/**
 * The keys of {@link HttpAdapterOptions}, plus `verifier`: what an HTTP adapter accepts besides
 * the verifier options.
 *
 * @example
 * ```ts
 * const known = new Set([...HTTP_ADAPTER_KEYS, 'prefix']);
 * ```
 */
export const HTTP_ADAPTER_KEYS: ReadonlySet<string> = new Set([
  ...optionKeys<HttpAdapterOptions>({
    optional: true,
    allowQueryToken: true,
    passErrors: true,
    realm: true,
    errorDetail: true,
  }),
  'verifier',
]);

/**
 * What an HTTP adapter takes: its {@link HttpAdapterOptions}, plus either a verifier made with
 * `createVerifier` or the options to make one (the same object `createVerifier` takes).
 *
 * @example
 * ```ts
 * const options: HttpAdapterVerifierOptions = { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access', realm: 'orders' };
 * ```
 */
export type HttpAdapterVerifierOptions = HttpAdapterOptions &
  (
    | { readonly verifier: Verifier; readonly userPoolId?: never; readonly userPools?: never }
    | (VerifierOptions<TokenUse | null> & { readonly verifier?: never })
  );

/** The same options, checked. */
export interface HttpAdapterSettings {
  readonly optional: boolean;
  readonly allowQueryToken: boolean;
  readonly passErrors: boolean;
  readonly realm: string;
  readonly errorDetail: ErrorDetail;
}

function checkFlag(name: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`cognito-guard: ${name} must be a boolean`);
  }
  return value === true;
}

/**
 * Checks the shared HTTP adapter options once, when the middleware is created. A key that is
 * neither an adapter option, nor `verifier`, nor (without `verifier`) a verifier option, nor
 * in `extraKeys` (options the framework itself passes along) throws a `TypeError` naming it,
 * in the words of `name`.
 *
 * @example
 * ```ts
 * const settings = checkHttpAdapterOptions({ optional: true, realm: 'orders' }, 'cognitoAuth');
 * ```
 */
export function checkHttpAdapterOptions(
  options: HttpAdapterOptions,
  name = 'HTTP adapter',
  extraKeys: Iterable<string> = [],
): HttpAdapterSettings {
  const withVerifier = (options as { verifier?: unknown }).verifier !== undefined;
  checkOptionKeys(
    options,
    new Set([
      ...HTTP_ADAPTER_KEYS,
      ...extraKeys,
      ...(withVerifier ? ['userPoolId', 'userPools'] : VERIFIER_OPTION_KEYS),
    ]),
    name,
    withVerifier
      ? {
          keys: VERIFIER_OPTION_KEYS,
          why: 'is an option of createVerifier: with `verifier`, give it to createVerifier',
        }
      : undefined,
  );
  const realm = options.realm ?? 'api';
  // The realm goes into a quoted header value: RFC 6750 §3 allows %x20-21 / %x23-5B / %x5D-7E.
  if (typeof realm !== 'string' || !/^[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}$/.test(realm)) {
    throw new TypeError(
      'cognito-guard: realm must be 1-128 printable ASCII characters without quotes or backslashes',
    );
  }
  return {
    optional: checkFlag('optional', options.optional),
    allowQueryToken: checkFlag('allowQueryToken', options.allowQueryToken),
    passErrors: checkFlag('passErrors', options.passErrors),
    realm,
    errorDetail: checkErrorDetail(options.errorDetail),
  };
}

/**
 * Where a Node request carries bearer tokens: every `Authorization` header and every
 * `access_token` query value.
 *
 * Node keeps only the first of two `Authorization` headers in `req.headers` (it discards
 * duplicates of that header), so a second one would go unseen; `rawHeaders` keeps them all,
 * and core answers two of them with `400 invalid_request` (RFC 6750 §2, SECURITY.md
 * R30). The query is read from the raw URL, not a framework's parsed `query`, whose parser is
 * the application's choice (Express 4's `qs` builds objects from `a[b]=c`), so every adapter
 * sees the same strings; it is always read, because a token in the header and in the query is
 * a `400` whether or not query tokens are allowed.
 *
 * @example
 * ```ts
 * const token = extractBearerToken(bearerSourceFromRaw(req.rawHeaders, req.url));
 * ```
 */
export function bearerSourceFromRaw(
  rawHeaders: readonly string[],
  url: string | undefined,
): BearerSource {
  const authorization: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      authorization.push(rawHeaders[i + 1]!);
    }
  }
  const start = url === undefined ? -1 : url.indexOf('?');
  const query =
    start === -1 ? [] : new URLSearchParams(url!.slice(start + 1)).getAll('access_token');
  return { authorization, query: query.length === 0 ? undefined : query };
}

/**
 * The bearer token of a Node request under the adapter settings, or throws an
 * {@link AuthError}. With `optional: true`, a request that carries no token at all gives
 * `undefined` instead of `NO_CREDENTIALS` (a malformed or ambiguous one still throws).
 *
 * @example
 * ```ts
 * const token = tokenFromRaw(req.rawHeaders, req.url, settings);
 * if (token === undefined) return next(); // optional route, anonymous request
 * ```
 */
export function tokenFromRaw(
  rawHeaders: readonly string[],
  url: string | undefined,
  settings: Pick<HttpAdapterSettings, 'allowQueryToken'> & { readonly optional?: boolean },
): string | undefined {
  return requestToken(rawHeaders, url, settings, settings.optional === true, true);
}

function requestToken(
  rawHeaders: readonly string[],
  url: string | undefined,
  settings: Pick<HttpAdapterSettings, 'allowQueryToken'>,
  optional: boolean,
  grammar: boolean,
): string | undefined {
  try {
    return extractToken(
      bearerSourceFromRaw(rawHeaders, url),
      { allowQuery: settings.allowQueryToken },
      grammar,
    );
  } catch (err) {
    if (optional && isAuthError(err) && err.code === 'NO_CREDENTIALS') return undefined;
    throw err;
  }
}

/** A token outside RFC 6750's b64token grammar is a malformed request, whatever else it is. */
const grammarFirst: Refine = (err, token) =>
  isB64Token(token) ? err : refusal('BAD_REQUEST', 'malformed bearer credentials');

/**
 * Authenticates one Node request: {@link tokenFromRaw}, then the verifier. Returns the result,
 * `undefined` (`optional`, and no token at all), or a promise of the result; a refusal is
 * thrown or rejected as an {@link AuthError} (`BAD_REQUEST` for a token outside RFC 6750's
 * grammar, exactly as `tokenFromRaw` answers it).
 *
 * With a verifier made by `createVerifier`, the result comes synchronously whenever no I/O is
 * needed (a cache hit, or a miss whose key is held), so an adapter can call the framework's
 * `next` without a promise or a microtask turn, and the token's grammar is tested only once
 * the verifier refused it (every token it accepts is a b64token). With any other verifier, the
 * grammar is tested first and `verify` is awaited.
 *
 * @example
 * ```ts
 * const authenticate = requestAuthenticator(verifier, settings);
 * const outcome = authenticate(req.rawHeaders, req.url, settings.optional);
 * if (outcome instanceof Promise) outcome.then(proceed, refuse);
 * else proceed(outcome);
 * ```
 */
export function requestAuthenticator<R>(
  verifier: { verify(token: string): Promise<R> },
  settings: Pick<HttpAdapterSettings, 'allowQueryToken'>,
): (
  rawHeaders: readonly string[],
  url: string | undefined,
  optional: boolean,
) => R | undefined | Promise<R> {
  const entry = immediateVerifier(verifier);
  const immediate = entry?.immediate as
    | ((token: string, refine: Refine) => R | Promise<R>)
    | undefined;
  return (rawHeaders, url, optional) => {
    // Checked on every request: an application may wrap `verify` after the adapter was made.
    const own = immediate !== undefined && verifier.verify === entry!.verify;
    const token = requestToken(rawHeaders, url, settings, optional, !own);
    if (token === undefined) return undefined;
    return own ? immediate(token, grammarFirst) : viaVerify(verifier, token);
  };
}

/**
 * A verifier's own `verify`, held to its contract: a native promise (a foreign thenable is
 * adopted, so the adapters' `instanceof Promise` sees it) of a result. A `verify` that returns
 * no thenable, or resolves without a result, is a bug: a `TypeError`, never a request let
 * through without an identity.
 */
function viaVerify<R>(verifier: { verify(token: string): Promise<R> }, token: string): Promise<R> {
  const answer: unknown = verifier.verify(token);
  if (typeof (answer as { then?: unknown } | null | undefined)?.then !== 'function') {
    throw new TypeError('cognito-guard: verifier.verify must return a promise');
  }
  return Promise.resolve(answer as PromiseLike<R>).then((result) => {
    if (result === undefined || result === null) {
      throw new TypeError('cognito-guard: verifier.verify resolved without a result');
    }
    return result;
  });
}

/**
 * An {@link AuthError} as handed to a framework's error handler (`passErrors: true`): it also
 * carries `statusCode`, the challenge `headers` and the JSON `body`, the shape that Express's
 * `finalhandler`, `http-errors`-style handlers and Fastify's default handler understand.
 *
 * @example
 * ```ts
 * app.use((err: HttpAuthError, req, res, next) => {
 *   if (!isAuthError(err)) return next(err);
 *   res.status(err.statusCode).set(err.headers).json(err.body);
 * });
 * ```
 */
export interface HttpAuthError extends AuthError {
  /** The same as `status`, under the name Node frameworks read. */
  readonly statusCode: number;
  /** `WWW-Authenticate` (RFC 6750 §3) or `Retry-After`, and `Cache-Control: no-store`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The small RFC 6750 body: `{ error, error_description }`, never the precise code. */
  readonly body: Challenge['body'];
}

/**
 * A new error for this request carrying its HTTP answer, so the one core threw is never
 * changed (it may be shared: a cached rejection, an error an application keeps).
 *
 * @example
 * ```ts
 * next(toHttpError(err, { realm: 'orders' }));
 * ```
 */
export function toHttpError(err: AuthError, options: ChallengeOptions = {}): HttpAuthError {
  const challenge = toChallenge(err, options);
  const copy = new AuthError(err.code, {
    ...(err.cause === undefined ? {} : { cause: err.cause }),
    ...(err.requiredScopes === undefined ? {} : { requiredScopes: err.requiredScopes }),
    ...(err.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: err.retryAfterSeconds }),
  });
  if (err.stack !== undefined) copy.stack = err.stack;
  // The content type belongs to whatever body the error handler writes, not to ours.
  const { 'content-type': _contentType, ...headers } = challenge.headers;
  return Object.assign(copy, {
    statusCode: challenge.status,
    headers: Object.freeze(headers),
    body: challenge.body,
  });
}

/**
 * What an HTTP adapter does with a refusal (see {@link toHttpDenial}): answer it itself, hand
 * an {@link HttpAuthError} to the framework's error handler, or pass on what is not an
 * {@link AuthError} (a bug: the framework's 500 is the answer): an `Error` unchanged, anything
 * else wrapped in one.
 */
export type HttpDenial =
  | { readonly action: 'answer'; readonly challenge: Challenge }
  | { readonly action: 'pass'; readonly error: HttpAuthError }
  | { readonly action: 'rethrow'; readonly error: unknown };

/**
 * Decides how an HTTP adapter answers `err` under its settings: `answer` with the RFC 6750
 * challenge (status, headers, body), or, with `passErrors` (or `pass` forced, e.g. when the
 * response has started), `pass` an {@link HttpAuthError} to the framework. Core only ever
 * refuses with an {@link AuthError}: anything else is `rethrow`.
 *
 * @example
 * ```ts
 * const denial = toHttpDenial(err, settings);
 * if (denial.action === 'answer') res.status(denial.challenge.status).json(denial.challenge.body);
 * else next(denial.error);
 * ```
 */
export function toHttpDenial(
  err: unknown,
  settings: Pick<HttpAdapterSettings, 'realm' | 'passErrors' | 'errorDetail'>,
  pass: boolean = settings.passErrors,
): HttpDenial {
  if (!isAuthError(err)) {
    // Never a value a framework reads as "go on": Express's `next(undefined)` and
    // `next('route')`, Fastify's `done(undefined)` would let the request through.
    const error =
      err instanceof Error
        ? err
        : new Error('cognito-guard: a refusal that is not an Error', { cause: err });
    return { action: 'rethrow', error };
  }
  const options = { realm: settings.realm, errorDetail: settings.errorDetail };
  if (pass) return { action: 'pass', error: toHttpError(err, options) };
  return { action: 'answer', challenge: toChallenge(err, options) };
}

/**
 * The verifier an HTTP adapter was given: its `verifier` option, or one created (once, here)
 * from the verifier options mixed in with the adapter options.
 *
 * @example
 * ```ts
 * const verifier = verifierFromHttpOptions({ userPoolId, clientId, tokenUse: 'access', optional: true });
 * ```
 */
export function verifierFromHttpOptions(
  options: HttpAdapterOptions & { readonly verifier?: Verifier | undefined },
): Verifier {
  const {
    optional: _optional,
    allowQueryToken: _allowQueryToken,
    realm: _realm,
    errorDetail: _errorDetail,
    passErrors: _passErrors,
    verifier,
    ...verifierOptions
  } = options;
  if (verifier === undefined)
    return toVerifier(verifierOptions as VerifierOptions<TokenUse | null>);
  if ('userPoolId' in options || 'userPools' in options) {
    throw new TypeError('cognito-guard: give a verifier or the options to create one, not both');
  }
  return toVerifier(verifier);
}
