import { checkOptionKeys, optionKeys } from '@cognito-guard/core/http';
import {
  authenticate,
  failInternally,
  internalFailure,
  policyResult,
} from './authorizer-answer.js';
import { AUTHORIZER_KEYS, type AuthorizerOptions, resolveOptions } from './authorizer-options.js';
import type { IamAuthorizerResult, WebSocketConnectAuthorizerEvent } from './events.js';
import { type MethodArn, parseMethodArn } from './method-arn.js';
import {
  bearerSource,
  checkTokenSource,
  DEFAULT_TOKEN_SOURCE,
  type TokenSource,
} from './token-source.js';

/**
 * Options of {@link createWebSocketAuthorizer}.
 *
 * @example
 * ```ts
 * const options: WebSocketAuthorizerOptions = { verifier, tokenSource: { query: 'token' } };
 * ```
 */
export interface WebSocketAuthorizerOptions extends AuthorizerOptions {
  /**
   * Where the token is. Default `{ header: 'Authorization' }` (the CDK default identity source).
   * Browsers cannot set headers on a WebSocket, so browser clients send the token in the query
   * string: `{ query: 'token' }` for `wss://…/prod?token=<JWT>` (SECURITY.md, decision 8). URLs end
   * up in logs: keep such tokens short-lived.
   */
  readonly tokenSource?: TokenSource;
}

/** The keys of {@link WebSocketAuthorizerOptions}: anything else (`routes` too) is refused. */
const WEBSOCKET_KEYS = optionKeys<WebSocketAuthorizerOptions>({
  ...AUTHORIZER_KEYS,
  tokenSource: true,
});

/**
 * A WebSocket `$connect` authorizer handler.
 *
 * @example
 * ```ts
 * export const handler: WebSocketAuthorizerHandler = createWebSocketAuthorizer({ verifier });
 * ```
 */
export type WebSocketAuthorizerHandler = (
  event: WebSocketConnectAuthorizerEvent,
  context?: unknown,
) => Promise<IamAuthorizerResult>;

/**
 * Creates a WebSocket API `$connect` authorizer (AWS, apigateway-websocket-api-lambda-auth.html).
 * Only REQUEST authorizers exist for WebSocket APIs, only on `$connect`.
 *
 * Outcomes: a valid token that satisfies `policy` gets an Allow on `…/{stage}/*`, principal
 * `sub`; a missing, malformed or invalid token throws exactly `Unauthorized` (the handshake
 * fails with 401); a token `policy` refuses gets a Deny (403); a JWKS outage throws another
 * error (500). Route rules do not apply: the authorizer runs for `$connect` alone.
 *
 * @example
 * ```ts
 * export const handler = createWebSocketAuthorizer({
 *   verifier: { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' },
 *   tokenSource: { query: 'token' },
 *   policy: requireGroups('chat-users'),
 * });
 * ```
 */
export function createWebSocketAuthorizer(
  options: WebSocketAuthorizerOptions,
): WebSocketAuthorizerHandler {
  checkOptionKeys(options, WEBSOCKET_KEYS, 'createWebSocketAuthorizer');
  const resolved = resolveOptions('websocket', options);
  const source = checkTokenSource(options.tokenSource ?? DEFAULT_TOKEN_SOURCE);
  return async (event) => {
    let arn: MethodArn;
    try {
      const e = (typeof event === 'object' && event !== null ? event : {}) as Record<
        string,
        unknown
      >;
      const context = e.requestContext as Record<string, unknown> | undefined;
      arn = parseMethodArn(e.methodArn as string);
      if (
        e.type !== 'REQUEST' ||
        arn.resource !== '$connect' ||
        (context !== undefined &&
          context.eventType !== undefined &&
          context.eventType !== 'CONNECT')
      ) {
        throw new TypeError(
          'cognito-guard: this authorizer only handles WebSocket $connect events',
        );
      }
    } catch (err) {
      throw internalFailure(resolved, err);
    }
    const auth = await authenticate(resolved, bearerSource(event, source));
    return failInternally(resolved, () => policyResult(resolved, undefined, arn, auth));
  };
}
