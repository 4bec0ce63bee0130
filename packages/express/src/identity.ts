import {
  AuthError,
  type CognitoIdentity,
  checkIdentityPolicy,
  createIdentityPoolVerifier,
  type IdentityPolicy,
  type IdentityPoolVerifier,
  type IdentityPoolVerifierOptions,
} from '@cognito-guard/core';
import {
  checkHttpAdapterOptions,
  checkOptionKeys,
  HTTP_ADAPTER_KEYS,
  type HttpAdapterOptions,
  requestAuthenticator,
  toHttpDenial,
} from '@cognito-guard/core/http';
import type { NextFunction, Request, Response } from 'express';
import { type AuthHandler, bearerMiddleware, type Deny } from './middleware.js';

declare global {
  namespace Express {
    interface Request {
      /**
       * The verified identity-pool OpenID token, set by `identityPoolAuth()`; `undefined` on an
       * optional route without a token.
       */
      identity?: CognitoIdentity | undefined;
    }
  }
}

/**
 * Options of {@link identityPoolAuth}: the identity-pool verifier (made with
 * `createIdentityPoolVerifier`, or its options) and core's HTTP adapter options.
 *
 * @example
 * ```ts
 * const options: IdentityPoolAuthOptions = {
 *   identityPool: { identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab', allowGuests: true },
 * };
 * ```
 */
export type IdentityPoolAuthOptions = HttpAdapterOptions & {
  readonly identityPool: IdentityPoolVerifier | IdentityPoolVerifierOptions;
};

interface IdentityState {
  readonly identity: CognitoIdentity | undefined;
  readonly deny: Deny;
}

const IDENTITY_STATE = Symbol('cognito-guard.express.identity');

interface WithIdentityState {
  identity?: CognitoIdentity | undefined;
  [IDENTITY_STATE]?: IdentityState;
}

const KEYS = new Set([...HTTP_ADAPTER_KEYS].filter((key) => key !== 'verifier'));

function isIdentityVerifier(value: unknown): value is IdentityPoolVerifier {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as IdentityPoolVerifier).verify === 'function'
  );
}

/**
 * Express middleware that accepts **identity-pool OpenID tokens** (`GetOpenIdToken`, signed
 * RS512 by `https://cognito-identity.amazonaws.com`) as bearer tokens and puts the verified
 * identity on `req.identity`: `guest`, `identityId`, `providers`, and `userPool` for a
 * user-pool login. Guests are refused (`401 invalid_token`) unless the verifier allows them.
 * Refusals are answered as `cognitoAuth()` answers them (RFC 6750 §3).
 *
 * @example
 * ```ts
 * app.use(identityPoolAuth({ identityPool: { identityPoolId, allowGuests: true } }));
 * app.get('/feed', (req, res) => res.json({ guest: req.identity?.guest }));
 * app.post('/feed', requireIdentity(requireAuthenticated()), postToFeed);
 * ```
 */
export function identityPoolAuth(options: IdentityPoolAuthOptions): AuthHandler {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: identityPoolAuth takes an options object');
  }
  checkOptionKeys(options, new Set([...KEYS, 'identityPool']), 'identityPoolAuth');
  const { identityPool, ...adapter } = options;
  const settings = checkHttpAdapterOptions(adapter, 'identityPoolAuth');
  if (typeof identityPool !== 'object' || identityPool === null) {
    throw new TypeError(
      'cognito-guard: identityPool must be a verifier from createIdentityPoolVerifier, or its options',
    );
  }
  const verifier = isIdentityVerifier(identityPool)
    ? identityPool
    : createIdentityPoolVerifier(identityPool);
  const deny: Deny = (err, res, next) => {
    const denial = toHttpDenial(err, settings, settings.passErrors || res.headersSent);
    if (denial.action === 'answer') {
      const { status, headers, body } = denial.challenge;
      res.status(status).set(headers).json(body);
    } else {
      next(denial.error);
    }
  };
  const attach = (req: WithIdentityState, identity: CognitoIdentity | undefined): void => {
    req.identity = identity;
    req[IDENTITY_STATE] = { identity, deny };
  };
  return bearerMiddleware(
    requestAuthenticator(verifier, settings),
    settings.optional,
    deny,
    attach,
  );
}

/**
 * A route guard over the identity `identityPoolAuth()` verified: `403` when the identity
 * policy refuses (`requireAuthenticated()` for guests), `401` on an optional route without a
 * token. Mounted without `identityPoolAuth()` in front, it fails closed (a 500).
 *
 * @example
 * ```ts
 * app.post('/feed', requireIdentity(requireAuthenticated()), postToFeed);
 * ```
 */
export function requireIdentity(policy: IdentityPolicy): AuthHandler {
  if (typeof policy !== 'function') {
    throw new TypeError('cognito-guard: requireIdentity takes an identity policy');
  }
  return <P>(req: Request<P>, res: Response, next: NextFunction) => {
    const state = (req as unknown as WithIdentityState)[IDENTITY_STATE];
    if (state === undefined) {
      next(
        new Error('cognito-guard: requireIdentity ran without identityPoolAuth() in front of it'),
      );
      return;
    }
    const denied =
      state.identity === undefined
        ? new AuthError('NO_CREDENTIALS')
        : checkIdentityPolicy(policy, state.identity);
    if (denied === undefined) next();
    else state.deny(denied, res, next);
  };
}
