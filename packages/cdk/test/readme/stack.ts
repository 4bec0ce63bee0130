// lib/orders-stack.ts
import { CognitoGuardHttpApiAuthorizer } from '@cognito-guard/cdk';
import { Duration, type Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { cacheKey, routes } from './routes.js';

export function protectOrders(stack: Stack, backend: IFunction): HttpApi {
  const authorizer = new CognitoGuardHttpApiAuthorizer(stack, 'OrdersAuth', {
    entry: 'src/authorizer.ts',
    response: 'simple',
    routes, // the same object and mode as the handler: the construct checks the API's routes
    cacheKey, // → identity sources $request.header.Authorization, $context.routeKey
    resultsCacheTtl: Duration.minutes(5),
    functionProps: {
      environment: { USER_POOL_ID: 'us-east-1_Example', CLIENT_ID: 'app-client-id' },
    },
  });
  const api = new HttpApi(stack, 'OrdersApi');
  const integration = new HttpLambdaIntegration('Orders', backend);
  api.addRoutes({ path: '/orders', methods: [HttpMethod.GET], integration, authorizer });
  api.addRoutes({ path: '/orders/{id}', methods: [HttpMethod.DELETE], integration, authorizer });
  return api;
}
