import {
  AuthError,
  checkIdentityPolicy,
  describeError,
  type ErrorCode,
  type IamCaller,
  isAuthError,
} from '@cognito-guard/core';
import {
  type IamGuardOptions,
  iamGuardSettings,
  notifyHook,
  optionKeys,
} from '@cognito-guard/core/http';

/**
 * A Lambda proxy handler behind API Gateway IAM authorization (REST payload 1.0 or HTTP API
 * payload 2.0). API Gateway checked the SigV4 signature; this reads who called from the event
 * (`iamCallerFromEvent`: identity-pool users, guests, plain IAM principals) and applies an
 * identity policy before the application's handler runs.
 */

/**
 * A refusal of {@link withIamAuth}, for logs and metrics, shaped like the authorizers'
 * `AuthorizerEvent`: `unauthorized` (401: no usable IAM identity), `deny` (403: the policy
 * refused) or `error` (503). Carries the precise code, never credentials.
 *
 * @example
 * ```ts
 * const onEvent = (e: IamHandlerEvent) => metrics.count(`${e.type}.${e.code}`);
 * ```
 */
export interface IamHandlerEvent {
  readonly type: 'unauthorized' | 'deny' | 'error';
  readonly code: ErrorCode;
  readonly error: AuthError;
}

/**
 * Options of {@link withIamAuth}: `identityPoolId`, `userPoolIds`, `policy` (default
 * `requireAuthenticated()`: signed-in identities only; pass `allowGuests()` for a public read
 * path), `onEvent` (every refusal, with the precise code) and `errorDetail` (`'generic'`,
 * the default: `Forbidden`, `Unauthorized`; or `'code'`).
 */
export interface IamHandlerOptions extends IamGuardOptions<IamHandlerEvent> {}

const KEYS = optionKeys<IamHandlerOptions>({
  identityPoolId: true,
  userPoolIds: true,
  policy: true,
  onEvent: true,
  errorDetail: true,
});

/** The proxy response of a refusal: 401, 403 or 503 with a JSON `{ message }` body. */
export interface IamDenialResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The application's handler, called only for allowed callers. */
export type IamHandler<E, R> = (event: E, caller: IamCaller, context: unknown) => R | Promise<R>;

/**
 * What a client reads by default: API Gateway's own words for its IAM refusals
 * (`{"message":"Forbidden"}`), never which check failed; no token was involved, so the
 * bearer-token texts of `describeError` do not apply.
 */
const GENERIC: Readonly<Record<AuthError['kind'], string>> = {
  credentials: 'Unauthorized',
  request: 'Unauthorized',
  token: 'Unauthorized',
  forbidden: 'Forbidden',
  unavailable: 'Service Unavailable',
};

/**
 * Wraps a Lambda proxy handler behind API Gateway `AWS_IAM` authorization. Refusals answer
 * without calling `handler`: `403` for a caller the policy refuses, `401` for an event
 * without an IAM identity or with identity fields Cognito does not write (`CLAIM_TYPE`), an
 * identity pool not configured (`CLIENT_ID`) or a user pool outside `userPoolIds` (`ISSUER`).
 *
 * @example
 * ```ts
 * export const handler = withIamAuth(
 *   async (event, caller) => ({ statusCode: 200, body: JSON.stringify({ guest: caller.kind === 'cognito-identity' && caller.guest }) }),
 *   { identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab', policy: allowGuests() },
 * );
 * ```
 */
export function withIamAuth<E, R>(
  handler: IamHandler<E, R>,
  options: IamHandlerOptions,
): (event: E, context?: unknown) => Promise<R | IamDenialResponse> {
  const { read, policy, onEvent, errorDetail } = iamGuardSettings(
    handler,
    options,
    KEYS,
    'withIamAuth',
  );

  const deny = (error: AuthError): IamDenialResponse => {
    const type = error.status === 403 ? 'deny' : error.status === 401 ? 'unauthorized' : 'error';
    notifyHook(onEvent, { type, code: error.code, error });
    return {
      statusCode: error.status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message: errorDetail === 'code' ? describeError(error.code, 'code') : GENERIC[error.kind],
      }),
    };
  };

  return async (event, context) => {
    let caller: IamCaller;
    try {
      caller = read(event);
    } catch (err) {
      return deny(isAuthError(err) ? err : new AuthError('MALFORMED', { cause: err }));
    }
    const refused = checkIdentityPolicy(policy, caller);
    if (refused !== undefined) return deny(refused);
    return handler(event, caller, context);
  };
}
