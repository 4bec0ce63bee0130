export type {
  ApiRequestOptions,
  AppSyncAuthorizerEventOptions,
  AppSyncResolverEventOptions,
  EventTokenSource,
  HttpApiV1AuthorizerTestEvent,
  HttpApiV2AuthorizerTestEvent,
  RequestEventOptions,
  TokenEventOptions,
  WebSocketConnectAuthorizerTestEvent,
} from './events.js';
export {
  appSyncAuthorizerEvent,
  appSyncCognitoResolverEvent,
  appSyncLambdaResolverEvent,
  httpApiV1AuthorizerEvent,
  httpApiV2AuthorizerEvent,
  restRequestAuthorizerEvent,
  restTokenAuthorizerEvent,
  webSocketConnectAuthorizerEvent,
} from './events.js';
export type {
  OpenIdTokenOptions,
  TestIamCaller,
  TestIdentityLogin,
  TestIdentityPool,
  TestIdentityPoolOptions,
} from './identity-pool.js';
export {
  amrFor,
  appSyncIamResolverEvent,
  createTestIdentityPool,
  httpApiIamEvent,
  restIamEvent,
} from './identity-pool.js';
export type { SignOptions, TestIssuer, TestIssuerOptions } from './issuer.js';
export { createTestIssuer } from './issuer.js';
export type { Misbehaviour } from './jwks-server.js';
export type { CognitoJwk, CognitoJwks } from './keys.js';
export type { MemberOverrides } from './members.js';
export type {
  AccessTokenOptions,
  ClientCredentialsOptions,
  IdTokenOptions,
  IssuerFormOption,
  TokenOptions,
} from './tokens.js';
