// Compiled by `pnpm typecheck`, never run. Each @ts-expect-error marks code that must not
// compile; if it ever does, tsc reports the directive as unused and the typecheck fails.
import { createVerifier, requireGroups } from '@cognito-guard/core';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerHandler,
  APIGatewayRequestIAMAuthorizerHandlerV2,
  APIGatewayRequestSimpleAuthorizerHandlerV2,
  APIGatewayTokenAuthorizerHandler,
} from 'aws-lambda';
import {
  createHttpApiAuthorizer,
  createRestRequestAuthorizer,
  createRestTokenAuthorizer,
  createWebSocketAuthorizer,
  type IamAuthorizerResult,
} from '../src/index.js';

const verifier = createVerifier({
  userPoolId: 'us-east-1_Example',
  clientId: 'c',
  tokenUse: 'access',
});

// The handlers fit the @types/aws-lambda handler types.
export const token: APIGatewayTokenAuthorizerHandler = createRestTokenAuthorizer({ verifier });
export const request: APIGatewayRequestAuthorizerHandler = createRestRequestAuthorizer({
  verifier,
});
export const simple: APIGatewayRequestSimpleAuthorizerHandlerV2 = createHttpApiAuthorizer({
  response: 'simple',
  verifier,
});
export const iam: APIGatewayRequestIAMAuthorizerHandlerV2 = createHttpApiAuthorizer({
  response: 'iam',
  verifier,
});
export const result = (r: IamAuthorizerResult): APIGatewayAuthorizerResult => r;

// Verifier options keep the core's rules: an omitted tokenUse does not compile.
// @ts-expect-error tokenUse is required
createRestTokenAuthorizer({ verifier: { userPoolId: 'us-east-1_Example', clientId: 'c' } });

// Route rules with simple responses need a cacheKey mode.
// @ts-expect-error routes without cacheKey
createHttpApiAuthorizer({ response: 'simple', verifier, routes: { 'GET /x': 'authenticated' } });
createHttpApiAuthorizer({
  response: 'simple',
  verifier,
  routes: { 'GET /x': requireGroups('admin') },
  cacheKey: 'method-and-path',
});
// route-key mode has no defaultPolicy: a route without a rule is a 500.
// @ts-expect-error defaultPolicy with cacheKey 'route-key'
createHttpApiAuthorizer({
  response: 'simple',
  verifier,
  routes: { 'GET /x': requireGroups('admin') },
  defaultPolicy: 'authenticated',
  cacheKey: 'route-key',
});

// The response mode is required.
// @ts-expect-error response is required
createHttpApiAuthorizer({ verifier });

// Context values are scalars.
// @ts-expect-error context values must be string, number or boolean
createRestTokenAuthorizer({ verifier, context: () => ({ groups: ['a'] }) });

// WebSocket authorizers run for $connect alone: no route rules.
// @ts-expect-error no routes on WebSocket authorizers
createWebSocketAuthorizer({ verifier, routes: { 'GET /x': 'authenticated' } });

// A route rule is a policy, 'authenticated' or 'deny'.
// @ts-expect-error 'allow' is not a route rule
createRestTokenAuthorizer({ verifier, routes: { 'GET /x': 'allow' } });
