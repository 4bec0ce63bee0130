export type {
  AuthorizerEvent,
  AuthorizerKind,
  AuthorizerOptions,
  RoutingOptions,
} from './authorizer-options.js';
export type {
  AuthorizerContext,
  ContextHook,
  ContextValue,
  RichAuthorizerContext,
} from './context.js';
export { authorizerErrorCode } from './errors.js';
export type {
  EventMap,
  HttpApiAuthorizerEvent,
  HttpApiV1AuthorizerEvent,
  HttpApiV2AuthorizerEvent,
  IamAuthorizerResult,
  RestRequestAuthorizerEvent,
  RestTokenAuthorizerEvent,
  SimpleAuthorizerResult,
  WebSocketConnectAuthorizerEvent,
} from './events.js';
export type {
  HttpApiAuthorizerBaseOptions,
  HttpApiAuthorizerOptions,
  HttpApiCacheKey,
  HttpApiIamAuthorizerHandler,
  HttpApiIamAuthorizerOptions,
  HttpApiSimpleAuthorizerHandler,
  HttpApiSimpleAuthorizerOptions,
} from './http-api-authorizer.js';
export { createHttpApiAuthorizer } from './http-api-authorizer.js';
export type {
  IamDenialResponse,
  IamHandler,
  IamHandlerEvent,
  IamHandlerOptions,
} from './iam-handler.js';
export { withIamAuth } from './iam-handler.js';
export type { PolicyDecision } from './iam-policy.js';
export { evaluatePolicy } from './iam-policy.js';
export type { MethodArn } from './method-arn.js';
export { parseMethodArn, stageWildcard } from './method-arn.js';
export type {
  RestRequestAuthorizerHandler,
  RestRequestAuthorizerOptions,
  RestTokenAuthorizerHandler,
  RestTokenAuthorizerOptions,
} from './rest-authorizer.js';
export { createRestRequestAuthorizer, createRestTokenAuthorizer } from './rest-authorizer.js';
export type { DefaultPolicy, RouteRule, RouteRules } from './route-rules.js';
export type { TokenSource } from './token-source.js';
export type {
  WebSocketAuthorizerHandler,
  WebSocketAuthorizerOptions,
} from './websocket-authorizer.js';
export { createWebSocketAuthorizer } from './websocket-authorizer.js';
