import { STATUS_CODES } from 'node:http';
import { type AuthResult, type Challenge, isAuthError } from '@cognito-guard/core';
import {
  checkHttpAdapterOptions,
  extractBearerToken,
  type HttpAdapterSettings,
  type HttpAdapterVerifierOptions,
  toHttpDenial,
  verifierFromHttpOptions,
} from '@cognito-guard/core/http';
import { bearerSourceOfEvent, type HttpEventParts, isAlbEvent } from './event.js';
import type { MiddyMiddleware, MiddyRequest } from './types.js';

/**
 * What the middleware adds to the Lambda `context` the handler receives: Middy's idiom for
 * values a middleware hands to the handler (as `@middy/secrets-manager`'s `setToContext`).
 * Type the handler's context with it: `middy<Event, Result, Error, Context & CognitoAuthContext>()`.
 *
 * @example
 * ```ts
 * const handler = async (event: APIGatewayProxyEventV2, context: Context & CognitoAuthContext) =>
 *   ({ statusCode: 200, body: context.auth?.sub ?? 'anonymous' });
 * ```
 */
export interface CognitoAuthContext {
  /** The verified token; `undefined` on an optional handler called without a token. */
  auth?: AuthResult | undefined;
}

/**
 * Options of {@link cognitoAuth}: a verifier made with `createVerifier`, or the options to make
 * one, plus the HTTP adapter options every cognito-guard adapter takes (`optional`,
 * `allowQueryToken`, `passErrors`, `realm`, `errorDetail`).
 *
 * @example
 * ```ts
 * const options: CognitoAuthOptions = { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access', realm: 'orders' };
 * ```
 */
export type CognitoAuthOptions = HttpAdapterVerifierOptions;

/**
 * The response the middleware returns for a refusal: an API Gateway proxy result (REST,
 * HTTP API 1.0 and 2.0), or an ALB target's response (with `statusDescription`, and
 * `multiValueHeaders` when the target group has multi-value headers on).
 */
export interface CognitoAuthResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: false;
}

/** @internal Answers a refusal (returns the response) or throws it, as configured. */
export type Deny = (err: unknown, event: unknown) => CognitoAuthResponse;

interface State {
  readonly auth: AuthResult | undefined;
  readonly deny: Deny;
}

/**
 * The verified result per invocation, keyed by Middy's request object. Guards read this, not
 * `context.auth`, so code that assigns `context.auth` cannot grant itself access, and a guard
 * used without the middleware in front can tell (and fails closed).
 */
const STATES = new WeakMap<object, State>();

/** @internal The state `cognitoAuth` left for this invocation, for the guards. */
export function stateOf(request: object): State | undefined {
  return STATES.get(request);
}

/** @internal The refusal as the kind of response the event's sender expects. */
export function toResponse(challenge: Challenge, event: unknown): CognitoAuthResponse {
  const body = JSON.stringify(challenge.body);
  const parts = (typeof event === 'object' && event !== null ? event : {}) as HttpEventParts;
  if (!isAlbEvent(parts)) {
    return {
      statusCode: challenge.status,
      headers: { ...challenge.headers },
      body,
      isBase64Encoded: false,
    };
  }
  // An ALB answers with `statusDescription`; with multi-value headers on (the request has
  // only `multiValueHeaders`), the response must use them too (lambda-functions.html).
  const statusDescription = `${challenge.status} ${STATUS_CODES[challenge.status] ?? ''}`.trim();
  if (parts.multiValueHeaders !== undefined && parts.headers === undefined) {
    const multiValueHeaders = Object.fromEntries(
      Object.entries(challenge.headers).map(([name, value]) => [name, [value]]),
    );
    return {
      statusCode: challenge.status,
      statusDescription,
      multiValueHeaders,
      body,
      isBase64Encoded: false,
    };
  }
  return {
    statusCode: challenge.status,
    statusDescription,
    headers: { ...challenge.headers },
    body,
    isBase64Encoded: false,
  };
}

function tokenOf(event: unknown, settings: HttpAdapterSettings): string | undefined {
  const source = bearerSourceOfEvent(
    (typeof event === 'object' && event !== null ? event : {}) as HttpEventParts,
  );
  try {
    return extractBearerToken(source, { allowQuery: settings.allowQueryToken });
  } catch (err) {
    if (settings.optional && isAuthError(err) && err.code === 'NO_CREDENTIALS') return undefined;
    throw err;
  }
}

function attach(request: MiddyRequest, auth: AuthResult | undefined, deny: Deny): void {
  STATES.set(request, { auth, deny });
  // Always assigned, so a context object reused across invocations (tests, local runners)
  // never carries an earlier caller's identity.
  if (typeof request.context === 'object' && request.context !== null) {
    (request.context as CognitoAuthContext).auth = auth;
  }
}

/**
 * A Middy middleware for Lambda handlers behind API Gateway (REST proxy, HTTP API payload
 * 1.0 and 2.0) or an Application Load Balancer, for APIs without an authorizer: it reads the
 * bearer token from the event, verifies it with core and puts the result on `context.auth`.
 *
 * Refusals end the invocation early with the same answers as the Express and Fastify
 * adapters, as a proxy result: `401` with `WWW-Authenticate: Bearer realm="…"` (plus
 * `error="invalid_token"` when a token was presented), `400 invalid_request` for a malformed
 * or ambiguous request, `503` with `Retry-After` when the signing keys cannot be fetched
 * (RFC 6750 §3); the body is `{ error, error_description }`. With `passErrors`, the refusal is
 * thrown instead (an `HttpAuthError` with `statusCode`, `headers` and `body`) for Middy's
 * `onError` middlewares. Configuration errors throw here.
 *
 * @example
 * ```ts
 * export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context & CognitoAuthContext>()
 *   .use(cognitoAuth({ userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' }))
 *   .use(requireScopes('orders/read'))
 *   .handler(async (event, context) => ({ statusCode: 200, body: context.auth?.sub ?? '' }));
 * ```
 */
export function cognitoAuth(options: CognitoAuthOptions): MiddyMiddleware {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: cognitoAuth takes an options object');
  }
  const settings = checkHttpAdapterOptions(options, 'cognitoAuth');
  const verifier = verifierFromHttpOptions(options);
  const deny: Deny = (err, event) => {
    const denial = toHttpDenial(err, settings);
    if (denial.action === 'answer') return toResponse(denial.challenge, event);
    // `pass`: an HttpAuthError for onError; `rethrow`: not an AuthError, a bug.
    throw denial.error;
  };

  return {
    before: async (request) => {
      let token: string | undefined;
      let auth: AuthResult | undefined;
      try {
        token = tokenOf(request.event, settings);
        auth = token === undefined ? undefined : await verifier.verify(token);
      } catch (err) {
        return deny(err, request.event);
      }
      attach(request as MiddyRequest, auth, deny);
      return undefined;
    },
  };
}
