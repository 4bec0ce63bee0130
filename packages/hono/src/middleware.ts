import { type AuthResult, isAuthError } from '@cognito-guard/core';
import {
  checkHttpAdapterOptions,
  extractBearerToken,
  type HttpAdapterOptions,
  type HttpAdapterSettings,
  type HttpAdapterVerifierOptions,
  type HttpAuthError,
  toHttpDenial,
  tokenFromRaw,
  verifierFromHttpOptions,
} from '@cognito-guard/core/http';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The context variables the middleware sets: `c.get('auth')` is the verified token, or
 * `undefined` on an optional route without a token. Give it to `new Hono<CognitoAuthEnv>()` (or
 * merge it into your own `Env`) for `c.get('auth')` to be typed.
 *
 * @example
 * ```ts
 * const app = new Hono<CognitoAuthEnv>();
 * app.get('/me', (c) => c.json({ sub: c.get('auth')?.sub }));
 * ```
 */
export interface CognitoAuthEnv {
  Variables: {
    auth: AuthResult | undefined;
  };
}

/**
 * What `cognitoAuth` adds to the verifier's options: core's HTTP adapter options. With
 * `optional`, `c.get('auth')` is undefined on a request without a token; with `passErrors`, the
 * refusal is thrown as a {@link CognitoAuthException} to `app.onError`.
 *
 * @example
 * ```ts
 * const adapter: CognitoAuthAdapterOptions = { optional: true, realm: 'orders' };
 * ```
 */
export type CognitoAuthAdapterOptions = HttpAdapterOptions;

/**
 * Options of {@link cognitoAuth}: a verifier made with `createVerifier`, or the options to make
 * one (the same object `createVerifier` takes), plus {@link CognitoAuthAdapterOptions}.
 *
 * @example
 * ```ts
 * const options: CognitoAuthOptions = { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' };
 * ```
 */
export type CognitoAuthOptions = HttpAdapterVerifierOptions;

/**
 * A refusal thrown to `app.onError` under `passErrors`. It is Hono's `HTTPException`, and its
 * `getResponse()` is the complete RFC 6750 answer, so Hono's default error handling answers
 * correctly; an `onError` of the application can read `code` (the precise reason, for logs:
 * never send it to the client), `status` and `headers`.
 *
 * @example
 * ```ts
 * app.onError((err, c) => (err instanceof CognitoAuthException ? err.getResponse() : c.text('error', 500)));
 * ```
 */
export class CognitoAuthException extends HTTPException {
  /** The precise reason (core's `ErrorCode`). */
  readonly code: HttpAuthError['code'];
  /** `WWW-Authenticate` (RFC 6750 §3) or `Retry-After`, and `Cache-Control: no-store`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The refusal as core made it, with its HTTP answer. */
  readonly authError: HttpAuthError;

  constructor(error: HttpAuthError) {
    super(error.statusCode as ContentfulStatusCode, {
      res: Response.json(error.body, { status: error.statusCode, headers: error.headers }),
      cause: error,
    });
    this.code = error.code;
    this.headers = error.headers;
    this.authError = error;
  }
}

/** @internal Answers a refusal, or throws it to `app.onError`, as the middleware was configured to. */
export type Deny = (err: unknown, c: Context) => Response;

interface State {
  readonly auth: AuthResult | undefined;
  readonly deny: Deny;
}

/**
 * The verified result as the middleware recorded it, by context. Guards read this, not
 * `c.get('auth')`, so a later middleware that calls `c.set('auth', …)` cannot grant itself
 * access, and a guard mounted without the middleware can tell (and fails closed).
 */
const states = new WeakMap<Context, State>();

/** @internal The state `cognitoAuth` recorded for the guards. */
export function stateOf(c: Context): State | undefined {
  return states.get(c);
}

/** The Node request under `@hono/node-server`, which passes it as `c.env.incoming`. */
interface NodeIncoming {
  readonly rawHeaders: readonly string[];
  readonly url?: string;
}

function nodeIncoming(c: Context): NodeIncoming | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null) return undefined;
  const incoming = (env as { incoming?: unknown }).incoming;
  if (typeof incoming !== 'object' || incoming === null) return undefined;
  const { rawHeaders, url } = incoming as { rawHeaders?: unknown; url?: unknown };
  if (!Array.isArray(rawHeaders) || typeof url !== 'string') return undefined;
  return { rawHeaders: rawHeaders as string[], url };
}

/**
 * The bearer token of the request. On Node (`@hono/node-server`) every raw `Authorization`
 * header is read, so two of them are a `400` (RFC 6750 §2). Fetch runtimes (Bun, Deno,
 * Workers) give only the combined value: the Fetch standard joins repeated fields with ", ",
 * which is not a valid b64token, so two bearer headers are a `400` there too.
 */
function tokenOf(c: Context, settings: HttpAdapterSettings): string | undefined {
  const incoming = nodeIncoming(c);
  if (incoming !== undefined) return tokenFromRaw(incoming.rawHeaders, incoming.url, settings);
  try {
    return extractBearerToken(
      {
        authorization: c.req.header('authorization') ?? null,
        query: c.req.queries('access_token') ?? null,
      },
      { allowQuery: settings.allowQueryToken },
    );
  } catch (err) {
    if (settings.optional && isAuthError(err) && err.code === 'NO_CREDENTIALS') return undefined;
    throw err;
  }
}

/**
 * Hono middleware that requires a valid Cognito bearer token, verifies it with core and sets
 * `c.get('auth')`.
 *
 * Refusals are answered per RFC 6750 §3: `401` with `WWW-Authenticate: Bearer realm="…"` (plus
 * `error="invalid_token"` when a token was presented), `400 invalid_request` for a malformed or
 * ambiguous request, `503` with `Retry-After` when the signing keys cannot be fetched; the body
 * is `{ error, error_description }`. Configuration errors throw here.
 *
 * @example
 * ```ts
 * const app = new Hono<CognitoAuthEnv>();
 * app.use('/api/*', cognitoAuth({ userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' }));
 * app.get('/api/me', (c) => c.json({ sub: c.get('auth')?.sub }));
 * ```
 */
export function cognitoAuth(options: CognitoAuthOptions): MiddlewareHandler<CognitoAuthEnv> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: cognitoAuth takes an options object');
  }
  const settings = checkHttpAdapterOptions(options, 'cognitoAuth');
  const deny: Deny = (err, c) => {
    const denial = toHttpDenial(err, settings);
    // Core only ever refuses with AuthErrors; anything else is a bug: Hono's 500.
    if (denial.action === 'rethrow') throw denial.error;
    if (denial.action === 'pass') throw new CognitoAuthException(denial.error);
    const { status, headers, body } = denial.challenge;
    return c.json(body, status as ContentfulStatusCode, headers);
  };
  const verifier = verifierFromHttpOptions(options);

  return async (c, next) => {
    let auth: AuthResult | undefined;
    try {
      const token = tokenOf(c, settings);
      auth = token === undefined ? undefined : await verifier.verify(token);
    } catch (err) {
      return deny(err, c);
    }
    states.set(c, Object.freeze({ auth, deny }));
    c.set('auth', auth);
    await next();
    return undefined;
  };
}
