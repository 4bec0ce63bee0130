import type { AuthError, ErrorCode } from '@cognito-guard/core';
import type { HttpAuthError } from '@cognito-guard/core/http';
import { HttpException } from '@nestjs/common';

/**
 * The refusal of a request, thrown by {@link CognitoGuard} into Nest's exception layer. It is an
 * `HttpException`, so Nest's default filter (and any filter that extends `BaseExceptionFilter`)
 * answers with its status and its RFC 6750 body `{ error, error_description }`; the guard has
 * already put its headers (`WWW-Authenticate`, `Cache-Control: no-store`, `Retry-After` on a
 * 503) on the response, unless the module was configured with `passErrors`.
 *
 * An exception filter of the application can read `code` (the precise reason, for logs; never
 * send it to the client) and `headers`.
 *
 * @example
 * ```ts
 * @Catch(CognitoAuthException)
 * class AuthLogFilter implements ExceptionFilter {
 *   catch(err: CognitoAuthException, host: ArgumentsHost) {
 *     logger.warn({ code: err.code });
 *     host.switchToHttp().getResponse().status(err.getStatus()).set(err.headers).json(err.getResponse());
 *   }
 * }
 * ```
 */
export class CognitoAuthException extends HttpException {
  /** The precise reason (core's `ErrorCode`), for logs and metrics. */
  readonly code: ErrorCode;
  /** `WWW-Authenticate` (RFC 6750 §3) or `Retry-After`, and `Cache-Control: no-store`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The refusal as core made it, with its HTTP answer. */
  readonly authError: HttpAuthError;

  constructor(error: HttpAuthError) {
    super({ ...error.body }, error.statusCode, { cause: error as AuthError });
    this.code = error.code;
    this.headers = error.headers;
    this.authError = error;
  }
}
