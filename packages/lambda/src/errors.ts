import { type ErrorCode, isAuthError } from '@cognito-guard/core';

/**
 * API Gateway answers 401 only when the authorizer fails with an error whose message is
 * exactly `Unauthorized`; any other error is a 500 (apigateway-use-lambda-authorizer.md, the
 * "Return a 401 Unauthorized response" example). So the error thrown for
 * a missing or bad token is a plain `new Error('Unauthorized')`: same name, same message, same
 * serialised form as the AWS example. Its precise code is kept outside the object, in a
 * WeakMap, where neither the Lambda runtime's error serialisation nor a logger can see it;
 * {@link authorizerErrorCode} reads it back.
 */
const codes = new WeakMap<object, ErrorCode>();

/**
 * The exact-`Unauthorized` error, remembering why it was thrown.
 *
 * @example
 * ```ts
 * throw unauthorized('EXPIRED'); // message 'Unauthorized', API Gateway answers 401
 * ```
 */
export function unauthorized(code: ErrorCode): Error {
  const error = new Error('Unauthorized');
  codes.set(error, code);
  return error;
}

/**
 * The cognito-guard code behind an error an authorizer threw: the reason for an
 * `Unauthorized`, or the code of a JWKS failure (thrown as the `AuthError` itself, which API
 * Gateway answers with a 500 that it does not cache). `undefined` for anything else.
 *
 * @example
 * ```ts
 * try {
 *   await authorizer(event);
 * } catch (err) {
 *   metrics.count(`authorizer.${authorizerErrorCode(err) ?? 'error'}`);
 *   throw err;
 * }
 * ```
 */
export function authorizerErrorCode(error: unknown): ErrorCode | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = codes.get(error);
  if (code !== undefined) return code;
  return isAuthError(error) ? error.code : undefined;
}
