/**
 * Every failure cognito-guard reports, as one stable code.
 *
 * The table of what each surface answers for a code lives in `challenge.ts` (HTTP) and in
 * each adapter's README; the codes themselves are the contract.
 */
export const ErrorCode = {
  /** No bearer token was presented. */
  NO_CREDENTIALS: 'NO_CREDENTIALS',
  /** Malformed `Authorization` header, two headers, or a token in two places (RFC 6750 §2). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** Not a strict compact JWS: segments, base64url, UTF-8, JSON, duplicate members. */
  MALFORMED: 'MALFORMED',
  /** Token or one of its segments is over the configured size cap. */
  TOO_LARGE: 'TOO_LARGE',
  /** A header parameter outside the allowlist (`alg`, `kid`, `typ`). */
  HEADER_NOT_ALLOWED: 'HEADER_NOT_ALLOWED',
  /** `alg` is anything but `RS256`. */
  ALG_NOT_ALLOWED: 'ALG_NOT_ALLOWED',
  /** `kid` is missing, not a string, or not 1-256 printable ASCII characters. */
  KID_MISSING: 'KID_MISSING',
  /** The issuer's JWKS has no key with this `kid`. */
  KEY_NOT_FOUND: 'KEY_NOT_FOUND',
  /** The key exists but fails the key policy, or its `kid` is ambiguous. */
  KEY_REJECTED: 'KEY_REJECTED',
  /** The signature does not verify. */
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  /** `iss` is not exactly one of the configured pools. */
  ISSUER: 'ISSUER',
  /** `token_use` is not the configured kind. */
  TOKEN_USE: 'TOKEN_USE',
  /** `client_id` (access) or `aud` (id) is not an allowed client. */
  CLIENT_ID: 'CLIENT_ID',
  /** `exp` is past. */
  EXPIRED: 'EXPIRED',
  /** `nbf` is in the future. */
  NOT_YET_VALID: 'NOT_YET_VALID',
  /** `iat` is in the future. */
  IAT_INVALID: 'IAT_INVALID',
  /** `exp - iat`, or `exp - now`, is over the maximum token lifetime. */
  LIFETIME: 'LIFETIME',
  /** A required claim is missing or a claim has the wrong type. */
  CLAIM_TYPE: 'CLAIM_TYPE',
  /** The application's `isRevoked` hook said so (or failed with anything but an AuthError: we fail closed). */
  REVOKED: 'REVOKED',
  /** Authenticated, but a required scope is missing. */
  INSUFFICIENT_SCOPE: 'INSUFFICIENT_SCOPE',
  /** Authenticated, but group membership does not satisfy the rule. */
  GROUP_NOT_ALLOWED: 'GROUP_NOT_ALLOWED',
  /** Authenticated, but a custom claim rule said no. */
  CLAIM_CHECK: 'CLAIM_CHECK',
  /** The JWKS could not be fetched (network, timeout, status, redirect). */
  JWKS_UNAVAILABLE: 'JWKS_UNAVAILABLE',
  /** The JWKS was fetched but is not acceptable (size, encoding, JSON, shape). */
  JWKS_INVALID: 'JWKS_INVALID',
  /**
   * The revocation list has not heard from its store for longer than its staleness bound, so
   * it cannot tell whether the token was revoked: refused (fail closed) until it resyncs.
   */
  REVOCATION_UNAVAILABLE: 'REVOCATION_UNAVAILABLE',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** How a failure is classed: which HTTP answer and which authorizer outcome it gets. */
export type ErrorKind = 'credentials' | 'request' | 'token' | 'forbidden' | 'unavailable';

const KIND: Readonly<Record<ErrorCode, ErrorKind>> = {
  NO_CREDENTIALS: 'credentials',
  BAD_REQUEST: 'request',
  MALFORMED: 'token',
  TOO_LARGE: 'token',
  HEADER_NOT_ALLOWED: 'token',
  ALG_NOT_ALLOWED: 'token',
  KID_MISSING: 'token',
  KEY_NOT_FOUND: 'token',
  KEY_REJECTED: 'token',
  SIGNATURE_INVALID: 'token',
  ISSUER: 'token',
  TOKEN_USE: 'token',
  CLIENT_ID: 'token',
  EXPIRED: 'token',
  NOT_YET_VALID: 'token',
  IAT_INVALID: 'token',
  LIFETIME: 'token',
  CLAIM_TYPE: 'token',
  REVOKED: 'token',
  INSUFFICIENT_SCOPE: 'forbidden',
  GROUP_NOT_ALLOWED: 'forbidden',
  CLAIM_CHECK: 'forbidden',
  JWKS_UNAVAILABLE: 'unavailable',
  JWKS_INVALID: 'unavailable',
  REVOCATION_UNAVAILABLE: 'unavailable',
};

const STATUS: Readonly<Record<ErrorKind, number>> = {
  credentials: 401,
  request: 400,
  token: 401,
  forbidden: 403,
  unavailable: 503,
};

/**
 * Fixed text per code: the `AuthError` message, for the server's logs. Messages never carry
 * the token or any value taken from it (SECURITY.md R34, R35): the detail, where there is any, is in
 * `cause`. Clients get {@link describeError}, generic per error class unless configured.
 */
const MESSAGES: Readonly<Record<ErrorCode, string>> = {
  NO_CREDENTIALS: 'A bearer token is required',
  BAD_REQUEST: 'The request carries a malformed or ambiguous bearer token',
  MALFORMED: 'The token is not a well-formed JWT',
  TOO_LARGE: 'The token is too large',
  HEADER_NOT_ALLOWED: 'The token header carries a parameter that is not allowed',
  ALG_NOT_ALLOWED: 'The token algorithm is not allowed',
  KID_MISSING: 'The token has no usable key id',
  KEY_NOT_FOUND: 'The token was signed with an unknown key',
  KEY_REJECTED: 'The signing key is not acceptable',
  SIGNATURE_INVALID: 'The token signature is invalid',
  ISSUER: 'The token issuer is not accepted',
  TOKEN_USE: 'The token is not of the accepted kind',
  CLIENT_ID: 'The token was issued to a client that is not accepted',
  EXPIRED: 'The token has expired',
  NOT_YET_VALID: 'The token is not valid yet',
  IAT_INVALID: 'The token issue time is in the future',
  LIFETIME: 'The token lifetime is too long',
  CLAIM_TYPE: 'The token claims are missing or of the wrong type',
  REVOKED: 'The token has been revoked',
  INSUFFICIENT_SCOPE: 'The token does not carry the required scope',
  GROUP_NOT_ALLOWED: 'The user is not in an allowed group',
  CLAIM_CHECK: 'The token does not satisfy the access rule',
  JWKS_UNAVAILABLE: 'The signing keys are temporarily unavailable',
  JWKS_INVALID: 'The signing keys are temporarily unavailable',
  REVOCATION_UNAVAILABLE: 'The revocation list is temporarily unavailable',
};

/** Extra facts an {@link AuthError} may carry for its consumers. */
export interface AuthErrorOptions {
  /** The underlying detail; never the token. */
  cause?: unknown;
  /** For `INSUFFICIENT_SCOPE`: the scopes that were required (the `scope` challenge attribute). */
  requiredScopes?: readonly string[];
  /** For `unavailable` failures (JWKS, revocation list): when a retry may succeed, in seconds. */
  retryAfterSeconds?: number;
}

/**
 * The one error type every cognito-guard surface throws for a request it will not allow.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (err) {
 *   if (err instanceof AuthError && err.code === 'EXPIRED') refreshAndRetry();
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** The stable failure code. */
  readonly code: ErrorCode;
  /** The HTTP status Express and Fastify answer with (401, 400, 403 or 503). */
  readonly status: number;
  /** The class of failure: which outcome each surface maps it to. */
  readonly kind: ErrorKind;
  /** For scope failures, the scopes that were required. */
  readonly requiredScopes: readonly string[] | undefined;
  /** For `unavailable` failures (JWKS, revocation list), seconds after which a retry may succeed. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, options: AuthErrorOptions = {}) {
    super(MESSAGES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = KIND[code];
    this.status = STATUS[this.kind];
    this.requiredScopes = options.requiredScopes;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * Builds a refusal once, to be thrown again and again: frozen, and with a stack of its first
 * line only (`AuthError: <message>`). A refusal is an expected outcome, not a bug: its code
 * (and fixed cause) says which check failed, and the frames of whichever request first built
 * it would say nothing true of the next. Capturing a stack costs 3-6 µs in V8, a noticeable
 * share of what refusing a forged token costs in all (the rejection flood of `pnpm bench`).
 *
 * @example
 * ```ts
 * const denied = sharedRefusal('INSUFFICIENT_SCOPE', { requiredScopes: ['orders/read'] });
 * ```
 */
export function sharedRefusal(code: ErrorCode, options: AuthErrorOptions = {}): AuthError {
  const error = new AuthError(code, options);
  error.stack = `AuthError: ${error.message}`;
  return Object.freeze(error);
}

/** The shared refusals of {@link refusal}, by code and fixed cause. */
const REFUSALS = new Map<string, AuthError>();

/**
 * The refusal for `code`, with a fixed text as its `cause` if given: one shared
 * {@link sharedRefusal} per code and text, built the first time it is needed. Only for causes
 * from a fixed set of texts written in the code (never a value from the request: the set would
 * grow with it); a refusal caused by another error is a `new AuthError(code, { cause })`.
 *
 * @example
 * ```ts
 * if (typeof kid !== 'string') throw refusal('KID_MISSING');
 * ```
 */
export function refusal(code: ErrorCode, cause?: string): AuthError {
  const key = cause === undefined ? code : `${code}:${cause}`;
  let error = REFUSALS.get(key);
  if (error === undefined) {
    error = sharedRefusal(code, cause === undefined ? {} : { cause });
    REFUSALS.set(key, error);
  }
  return error;
}

/**
 * True when `value` is an {@link AuthError}, also across copies of this package.
 *
 * @example
 * ```ts
 * if (isAuthError(err)) reply.code(err.status);
 * ```
 */
export function isAuthError(value: unknown): value is AuthError {
  return (
    value instanceof AuthError ||
    (value instanceof Error &&
      value.name === 'AuthError' &&
      typeof (value as Partial<AuthError>).code === 'string' &&
      (value as Partial<AuthError>).code! in KIND)
  );
}

/**
 * How much a client learns of a refusal. RFC 6750 §3 lets the answer carry an
 * `error_description`, but a client probing forged tokens would learn from a per-code text
 * which check failed (`SIGNATURE_INVALID` versus `ISSUER` versus `EXPIRED`).
 *
 * - `'generic'` (the default everywhere): one description per RFC 6750 error class: every
 *   `invalid_token` reads "The access token is invalid".
 * - `'code'`: the fixed description of the precise code ("The token has expired"), for APIs
 *   whose clients act on it. Never the token, never a value taken from it.
 *
 * The precise code always reaches the server: `AuthError.code`, the `onEvent` hooks,
 * `HttpAuthError` in `passErrors` mode.
 *
 * @example
 * ```ts
 * app.use(cognitoAuth({ verifier, errorDetail: 'code' }));
 * ```
 */
export type ErrorDetail = 'generic' | 'code';

/** One description per RFC 6750 error class (§3.1), for {@link ErrorDetail} `'generic'`. */
const GENERIC: Readonly<Record<ErrorKind, string>> = {
  credentials: 'A bearer token is required',
  request: 'The request carries a malformed or ambiguous bearer token',
  token: 'The access token is invalid',
  forbidden: 'The access token does not grant access to this resource',
  unavailable: 'Authentication is temporarily unavailable',
};

/**
 * The description of a code that may be sent to a client: by default the generic one of its
 * RFC 6750 error class, with `'code'` the fixed text of the code itself. Neither carries the
 * token or anything taken from it.
 *
 * @example
 * ```ts
 * describeError('SIGNATURE_INVALID'); // 'The access token is invalid'
 * describeError('SIGNATURE_INVALID', 'code'); // 'The token signature is invalid'
 * ```
 */
export function describeError(code: ErrorCode, detail: ErrorDetail = 'generic'): string {
  return detail === 'code' ? MESSAGES[code] : GENERIC[KIND[code]];
}

/**
 * Checks an `errorDetail` option once, at factory time.
 *
 * @example
 * ```ts
 * const detail = checkErrorDetail(options.errorDetail); // 'generic' when undefined
 * ```
 */
export function checkErrorDetail(value: unknown): ErrorDetail {
  if (value === undefined) return 'generic';
  if (value !== 'generic' && value !== 'code') {
    throw new TypeError('cognito-guard: errorDetail must be "generic" or "code"');
  }
  return value;
}
