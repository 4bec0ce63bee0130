import { type AuthError, describeError, type ErrorDetail } from './errors.js';

/**
 * The one mapping from an {@link AuthError} to an HTTP answer (RFC 6750 §3, §3.1), used by
 * the Express and Fastify adapters and available to any other framework.
 *
 * | kind        | status | WWW-Authenticate                                  | body `error`              |
 * |-------------|--------|---------------------------------------------------|---------------------------|
 * | credentials | 401    | `Bearer realm="…"` (no `error`, RFC 6750 §3)      | (none)                    |
 * | request     | 400    | `Bearer realm="…", error="invalid_request", …`    | `invalid_request`         |
 * | token       | 401    | `Bearer realm="…", error="invalid_token", …`      | `invalid_token`           |
 * | forbidden   | 403    | `…, error="insufficient_scope"[, scope="…"]`      | `insufficient_scope`      |
 * | unavailable | 503    | (none; `Retry-After` instead)                     | `temporarily_unavailable` |
 */

/** An HTTP answer: status, headers (lower-case names) and a small JSON body. */
export interface Challenge {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error?: string; readonly error_description: string };
}

/** Options of {@link toChallenge}. */
export interface ChallengeOptions {
  /** The protection space named in the challenge (RFC 9110 §11.5). Default `"api"`. */
  readonly realm?: string;
  /**
   * What `error_description` says: `'generic'` (default), one text per RFC 6750 error class,
   * or `'code'`, the text of the precise code ({@link ErrorDetail}).
   */
  readonly errorDetail?: ErrorDetail;
}

const RFC6750_ERROR = {
  request: 'invalid_request',
  token: 'invalid_token',
  forbidden: 'insufficient_scope',
} as const;

/** R34: quoted attribute values only hold %x20-21 / %x23-5B / %x5D-7E. */
function quote(value: string): string {
  return `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')}"`;
}

/**
 * Maps an {@link AuthError} to status, headers and body. The body carries the RFC 6750 error
 * and, by default, one generic description per error class (RFC 6750 §3 allows a description;
 * a per-code one would tell a prober which check failed); the precise code stays on the
 * server unless `errorDetail: 'code'` is chosen.
 *
 * @example
 * ```ts
 * const { status, headers, body } = toChallenge(err, { realm: 'orders' });
 * res.writeHead(status, headers).end(JSON.stringify(body));
 * ```
 */
export function toChallenge(err: AuthError, options: ChallengeOptions = {}): Challenge {
  const realm = `realm=${quote(options.realm ?? 'api')}`;
  const description = describeError(err.code, options.errorDetail ?? 'generic');
  const common = { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' };
  switch (err.kind) {
    case 'credentials':
      return {
        status: 401,
        headers: { ...common, 'www-authenticate': `Bearer ${realm}` },
        body: { error_description: description },
      };
    case 'unavailable':
      return {
        status: 503,
        headers: { ...common, 'retry-after': String(err.retryAfterSeconds ?? 30) },
        body: { error: 'temporarily_unavailable', error_description: description },
      };
    default: {
      const error = RFC6750_ERROR[err.kind];
      let challenge = `Bearer ${realm}, error="${error}", error_description=${quote(description)}`;
      if (
        err.kind === 'forbidden' &&
        err.requiredScopes !== undefined &&
        err.requiredScopes.length > 0
      ) {
        challenge += `, scope=${quote(err.requiredScopes.join(' '))}`;
      }
      return {
        status: err.status,
        headers: { ...common, 'www-authenticate': challenge },
        body: { error, error_description: description },
      };
    }
  }
}
