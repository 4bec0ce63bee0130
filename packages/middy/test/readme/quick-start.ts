import { type CognitoAuthContext, cognitoAuth, requireScopes } from '@cognito-guard/middy';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

// Created once per Lambda container: the middleware holds the verifier and its JWKS cache.
const auth = cognitoAuth({
  userPoolId: 'us-east-1_Example',
  clientId: 'app-client-id',
  tokenUse: 'access',
});

export const handler = middy<
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  Error,
  Context & CognitoAuthContext
>()
  .use(auth)
  .use(requireScopes('orders/read'))
  .handler(async (_event, context) => ({
    statusCode: 200,
    body: JSON.stringify({ user: context.auth?.sub }),
  }));
