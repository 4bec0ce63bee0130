import type { AuthResult } from '@cognito-guard/core';
import {
  checkHttpAdapterOptions,
  type HttpAdapterOptions,
  type HttpAdapterVerifierOptions,
  requestAuthenticator,
  toHttpDenial,
  verifierFromHttpOptions,
} from '@cognito-guard/core/http';
import type { NextFunction, Request, Response } from 'express';

declare global {
  namespace Express {
    interface Request {
      /**
       * The verified token, set by `cognitoAuth()`; `undefined` on an optional route without
       * a token.
       */
      auth?: AuthResult | undefined;
    }
  }
}

/**
 * What `cognitoAuth` adds to the verifier's options: core's HTTP adapter options. With
 * `optional`, `req.auth` is undefined on a request without a token; with `passErrors`, the
 * refusal goes to `next(err)`.
 *
 * @example
 * ```ts
 * const adapter: CognitoAuthAdapterOptions = { optional: true, realm: 'orders', passErrors: true };
 * app.use(cognitoAuth({ verifier, ...adapter }));
 * ```
 */
export type CognitoAuthAdapterOptions = HttpAdapterOptions;

/**
 * Options of {@link cognitoAuth}: a verifier made with `createVerifier`, or the options to make
 * one (the same object `createVerifier` takes), plus {@link CognitoAuthAdapterOptions}.
 *
 * @example
 * ```ts
 * const options: CognitoAuthOptions = { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access', realm: 'orders' };
 * ```
 */
export type CognitoAuthOptions = HttpAdapterVerifierOptions;

/**
 * The type of the middleware and of the guards: an Express request handler that is generic in
 * the route parameters, so that putting it in front of a handler does not change how Express
 * infers `req.params` for that handler (a plain `RequestHandler` would widen them).
 *
 * @example
 * ```ts
 * const auth: AuthHandler = cognitoAuth({ verifier });
 * app.get('/orders/:id', auth, (req, res) => res.json({ id: req.params.id }));
 * ```
 */
export type AuthHandler = <P>(req: Request<P>, res: Response, next: NextFunction) => void;

/** @internal Answers a refusal, or hands it to Express, as the middleware was configured to. */
export type Deny = (err: unknown, res: Response, next: NextFunction) => void;

interface State {
  readonly auth: AuthResult | undefined;
  readonly deny: Deny;
}

/**
 * The verified result as the middleware attached it. Guards read this, not `req.auth`, so a
 * later handler that assigns `req.auth` cannot grant itself access, and a guard mounted
 * without the middleware can tell (and fails closed).
 */
const STATE = Symbol('cognito-guard.express');

interface WithState {
  auth?: AuthResult | undefined;
  [STATE]?: State;
}

/** @internal The state `cognitoAuth` left on the request, for the guards. */
export function stateOf(req: object): State | undefined {
  return (req as WithState)[STATE];
}

function attach(req: WithState, auth: AuthResult | undefined, deny: Deny): void {
  req.auth = auth;
  req[STATE] = { auth, deny };
}

/**
 * Express middleware (4 and 5) that requires a valid Cognito bearer token, verifies it with
 * core and puts the result on `req.auth`.
 *
 * Refusals are answered per RFC 6750 §3: `401` with `WWW-Authenticate: Bearer realm="…"`
 * (plus `error="invalid_token"` when a token was presented), `400 invalid_request` for a
 * malformed or ambiguous request, `503` with `Retry-After` when the signing keys cannot be
 * fetched; the body is `{ error, error_description }`. Configuration errors throw here.
 *
 * @example
 * ```ts
 * app.use(cognitoAuth({ userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' }));
 * app.get('/me', (req, res) => res.json({ sub: req.auth?.sub }));
 * ```
 */
export function cognitoAuth(options: CognitoAuthOptions): AuthHandler {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: cognitoAuth takes an options object');
  }
  const settings = checkHttpAdapterOptions(options, 'cognitoAuth');
  const deny: Deny = (err, res, next) => {
    // Once the response has started, only Express's error handler can still act on it.
    const denial = toHttpDenial(err, settings, settings.passErrors || res.headersSent);
    if (denial.action === 'answer') {
      const { status, headers, body } = denial.challenge;
      res.status(status).set(headers).json(body);
    } else {
      // Core only ever refuses with AuthErrors; anything else is a bug: Express's 500.
      next(denial.error);
    }
  };
  const authenticate = requestAuthenticator(verifierFromHttpOptions(options), settings);
  return bearerMiddleware(authenticate, settings.optional, deny, (req, auth) =>
    attach(req, auth, deny),
  );
}

/**
 * @internal The middleware around one authenticator (`cognitoAuth`, `identityPoolAuth`):
 * `attach` puts the outcome on the request, then `next()`; a refusal goes to `deny`.
 */
export function bearerMiddleware<R>(
  authenticate: (
    rawHeaders: readonly string[],
    url: string,
    optional: boolean,
  ) => R | undefined | Promise<R>,
  optional: boolean,
  deny: Deny,
  attach: (req: object, outcome: R | undefined) => void,
): AuthHandler {
  return (req, res, next) => {
    let outcome: R | undefined | Promise<R>;
    try {
      outcome = authenticate(req.rawHeaders, req.originalUrl ?? req.url, optional);
    } catch (err) {
      deny(err, res, next);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (verified) => {
          attach(req, verified);
          next();
        },
        (err: unknown) => deny(err, res, next),
      );
      return;
    }
    // A cache hit (or a miss whose key is held): no promise, no microtask turn. `undefined` is
    // an optional route and no token at all.
    attach(req, outcome);
    next();
  };
}
