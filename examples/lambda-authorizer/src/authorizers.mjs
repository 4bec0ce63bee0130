// API Gateway Lambda authorizers for the example API, one per authorizer type.
//
// Plain ESM JavaScript on purpose: serverless-offline (and Lambda) load this file as is, and it
// imports the BUILT packages (`pnpm build` first). Everything below runs once per Lambda
// instance, at module scope: the verifier and its JWKS and token caches live across invocations.
import { createVerifier, requireGroups, requireScopes } from '@cognito-guard/core';
import {
  createHttpApiAuthorizer,
  createRestRequestAuthorizer,
  createRestTokenAuthorizer,
  createWebSocketAuthorizer,
} from '@cognito-guard/lambda';

const { USER_POOL_ID, CLIENT_ID, JWKS_URI } = process.env;

// One verifier shared by every authorizer in this module. JWKS_URI is for local runs only (the
// testing kit's issuer on 127.0.0.1); in AWS the keys come from the pool's Cognito JWKS.
const verifier = createVerifier({
  userPoolId: USER_POOL_ID,
  clientId: CLIENT_ID,
  tokenUse: 'access',
  ...(JWKS_URI ? { jwksUri: JWKS_URI } : {}),
});

// The REST API's rules. The policy each token gets covers all of them, so API Gateway's result
// cache (keyed by the token, not the route) answers every route correctly. Unlisted routes are
// denied (the default).
const restRoutes = {
  'GET /rest/token/orders': 'authenticated',
  'POST /rest/token/orders': requireScopes('orders/write'),
  'DELETE /rest/token/orders/{id}': requireGroups('admin'),
  'GET /rest/request/orders': 'authenticated',
  'DELETE /rest/request/orders/{id}': requireGroups('admin'),
};

/** REST API, TOKEN authorizer (identity source: the Authorization header). */
export const restToken = createRestTokenAuthorizer({ verifier, routes: restRoutes });

/** REST API, REQUEST authorizer (token from the Authorization header, any casing). */
export const restRequest = createRestRequestAuthorizer({ verifier, routes: restRoutes });

/**
 * HTTP API, payload 2.0, simple responses. Route rules with simple responses are only safe
 * when the cache key names the route: the authorizer's identity sources include
 * `$context.routeKey` (see serverless.yml and template.yaml) and each rule key is exactly one
 * of the API's route keys, hence `cacheKey: 'route-key'`. serverless-offline (which sets
 * IS_OFFLINE) caches nothing and sends only the Authorization header as identity source.
 */
export const httpSimple = createHttpApiAuthorizer({
  response: 'simple',
  verifier,
  routes: {
    'GET /http/simple/orders': 'authenticated',
    'DELETE /http/simple/orders/{id}': requireGroups('admin'),
  },
  cacheKey: process.env.IS_OFFLINE === 'true' ? 'uncached' : 'route-key',
});

/** HTTP API, payload 2.0, IAM-policy responses: cache-safe whatever the identity sources. */
export const httpIam = createHttpApiAuthorizer({
  response: 'iam',
  verifier,
  routes: {
    'GET /http/iam/orders': 'authenticated',
    'DELETE /http/iam/orders/{id}': requireGroups('admin'),
  },
});

/** WebSocket API `$connect`: browsers cannot set headers, so the token is `?token=<JWT>`. */
export const wsConnect = createWebSocketAuthorizer({
  verifier,
  tokenSource: { query: 'token' },
  policy: requireGroups('chat'),
});
