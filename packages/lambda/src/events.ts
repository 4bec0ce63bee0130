import type {
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
  PolicyDocument,
} from 'aws-lambda';
import type { AuthorizerContext, RichAuthorizerContext } from './context.js';

/**
 * Event and result types. `@types/aws-lambda` 8.10.164 covers the REST TOKEN and REQUEST and the
 * HTTP API payload 2.0 events; these add what it lacks or mistypes (found by comparing its types
 * with the samples in the repository's `test/fixtures/aws-events/`): the HTTP API payload 1.0
 * event, the WebSocket `$connect` event, and a payload 2.0 event whose `cookies` and
 * `identitySource` may be absent.
 */

/**
 * A header or query map as API Gateway sends it; the console tester sends `null` maps.
 *
 * @example
 * ```ts
 * const headers: EventMap<string> = { Authorization: 'Bearer eyJ...' };
 * ```
 */
export type EventMap<V> = { readonly [name: string]: V | undefined } | null | undefined;

/**
 * REST TOKEN authorizer event (`@types/aws-lambda`, unchanged).
 *
 * @example
 * ```ts
 * const event: RestTokenAuthorizerEvent = { type: 'TOKEN', authorizationToken: 'Bearer eyJ...', methodArn };
 * ```
 */
export type RestTokenAuthorizerEvent = APIGatewayTokenAuthorizerEvent;

/**
 * REST REQUEST authorizer event (`@types/aws-lambda`, unchanged).
 *
 * @example
 * ```ts
 * const event = JSON.parse(raw) as RestRequestAuthorizerEvent;
 * ```
 */
export type RestRequestAuthorizerEvent = APIGatewayRequestAuthorizerEvent;

/**
 * HTTP API Lambda authorizer, payload format 1.0: the REST REQUEST shape plus `version`, and
 * `identitySource` / `authorizationToken` as one comma-joined string (http-api-lambda-authorizer.md).
 * Missing from `@types/aws-lambda`.
 *
 * @example
 * ```ts
 * const event: HttpApiV1AuthorizerEvent = JSON.parse(raw);
 * ```
 */
export interface HttpApiV1AuthorizerEvent {
  readonly version: string;
  readonly type: 'REQUEST';
  readonly methodArn: string;
  readonly identitySource?: string | undefined;
  readonly authorizationToken?: string | undefined;
  readonly resource?: string | undefined;
  readonly path?: string | undefined;
  readonly httpMethod?: string | undefined;
  readonly headers?: EventMap<string>;
  readonly multiValueHeaders?: EventMap<readonly string[]>;
  readonly queryStringParameters?: EventMap<string>;
  readonly multiValueQueryStringParameters?: EventMap<readonly string[]>;
  readonly pathParameters?: EventMap<string>;
  readonly stageVariables?: EventMap<string>;
  readonly requestContext?: { readonly [key: string]: unknown } | undefined;
}

/**
 * HTTP API Lambda authorizer, payload format 2.0. As `@types/aws-lambda`'s
 * `APIGatewayRequestAuthorizerEventV2`, except that `cookies` and `identitySource` are optional:
 * real events omit `cookies` when there are none, and `identitySource` when no identity source
 * is configured (AWS, http-api-lambda-authorizer.html; the captured samples).
 *
 * @example
 * ```ts
 * const event: HttpApiV2AuthorizerEvent = JSON.parse(raw);
 * ```
 */
export interface HttpApiV2AuthorizerEvent
  extends Omit<APIGatewayRequestAuthorizerEventV2, 'cookies' | 'identitySource'> {
  readonly cookies?: string[] | undefined;
  readonly identitySource?: string[] | undefined;
}

/**
 * Either HTTP API payload version; told apart by `version`.
 *
 * @example
 * ```ts
 * const arn = event.version === '2.0' ? event.routeArn : (event as HttpApiV1AuthorizerEvent).methodArn;
 * ```
 */
export type HttpApiAuthorizerEvent = HttpApiV1AuthorizerEvent | HttpApiV2AuthorizerEvent;

/**
 * WebSocket `$connect` REQUEST authorizer event (AWS, apigateway-websocket-api-lambda-auth.html).
 * No `resource`, `path`, `httpMethod` or `pathParameters`, which
 * `@types/aws-lambda`'s REQUEST event requires. Missing from `@types/aws-lambda`.
 *
 * @example
 * ```ts
 * const event: WebSocketConnectAuthorizerEvent = JSON.parse(raw);
 * ```
 */
export interface WebSocketConnectAuthorizerEvent {
  readonly type: 'REQUEST';
  /** `arn:…:{apiId}/{stage}/$connect` */
  readonly methodArn: string;
  readonly headers?: EventMap<string>;
  readonly multiValueHeaders?: EventMap<readonly string[]>;
  readonly queryStringParameters?: EventMap<string>;
  readonly multiValueQueryStringParameters?: EventMap<readonly string[]>;
  readonly stageVariables?: EventMap<string>;
  readonly requestContext: {
    readonly routeKey: string;
    readonly eventType: string;
    readonly connectionId: string;
    readonly stage?: string | undefined;
    readonly apiId?: string | undefined;
    readonly [key: string]: unknown;
  };
}

/**
 * An IAM-policy authorizer result: REST, WebSocket, HTTP API payload 1.0, and payload 2.0
 * without simple responses. Assignable to `@types/aws-lambda`'s `APIGatewayAuthorizerResult`.
 *
 * @example
 * ```ts
 * const result: IamAuthorizerResult = await authorizer(event);
 * result.policyDocument.Statement;
 * ```
 */
export interface IamAuthorizerResult {
  /** The token's `sub`. */
  readonly principalId: string;
  readonly policyDocument: PolicyDocument;
  readonly context: AuthorizerContext;
  /** REST only, with the API's `apiKeySource` set to `AUTHORIZER`. */
  readonly usageIdentifierKey?: string;
}

/**
 * An HTTP API simple response (payload 2.0 with simple responses enabled). Assignable to
 * `@types/aws-lambda`'s `APIGatewaySimpleAuthorizerResult`.
 *
 * @example
 * ```ts
 * const { isAuthorized } = await authorizer(event);
 * ```
 */
export interface SimpleAuthorizerResult {
  readonly isAuthorized: boolean;
  /** Present when `isAuthorized` is true. */
  readonly context?: RichAuthorizerContext;
}
