import { fileURLToPath } from 'node:url';
import {
  CognitoGuardAppSyncAuthorizer,
  CognitoGuardHttpApiAuthorizer,
  CognitoGuardRestAuthorizer,
  CognitoGuardRevocationTable,
} from '@cognito-guard/cdk';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Definition, GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';

/** A tiny entry with no imports: bundling it costs esbuild a few milliseconds. */
export const ENTRY = fileURLToPath(new URL('./fixtures/authorizer.mjs', import.meta.url));
const SCHEMA = fileURLToPath(new URL('./fixtures/schema.graphql', import.meta.url));

/**
 * An app whose stacks are not bundled (`aws:cdk:bundling-stacks` empty): the templates are
 * the same, the function code is a placeholder asset. Only the bundling test bundles.
 */
export function unbundledStack(): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The protected backend: an inline function, nothing to bundle. */
export function backend(stack: Stack): LambdaFunction {
  return new LambdaFunction(stack, 'Backend', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
}

/** Rule keys shared by the HTTP API stacks, as a handler's `routes` would have them. */
export const ORDER_RULES = {
  'GET /orders': 'authenticated',
  'DELETE /orders/{id}': 'deny',
} as const;

/** A REST API with a TOKEN and a REQUEST authorizer on two methods. */
export function restStack(stack = unbundledStack()): Stack {
  const token = new CognitoGuardRestAuthorizer(stack, 'TokenAuth', { entry: ENTRY, type: 'token' });
  const request = new CognitoGuardRestAuthorizer(stack, 'RequestAuth', {
    entry: ENTRY,
    type: 'request',
    identitySources: ['method.request.header.Authorization', 'context.httpMethod'],
  });
  const api = new RestApi(stack, 'Rest', { deployOptions: { stageName: 'prod' } });
  const integration = new LambdaIntegration(backend(stack));
  const orders = api.root.addResource('orders');
  orders.addMethod('GET', integration, { authorizer: token.authorizer });
  orders.addMethod('POST', integration, { authorizer: request.authorizer });
  return stack;
}

/** An HTTP API: a simple-response authorizer per route key, an IAM one on a catch-all. */
export function httpStack(stack = unbundledStack()): Stack {
  const integration = new HttpLambdaIntegration('Orders', backend(stack));
  const byRoute = new CognitoGuardHttpApiAuthorizer(stack, 'RouteKeyAuth', {
    entry: ENTRY,
    response: 'simple',
    routes: ORDER_RULES,
    cacheKey: 'route-key',
  });
  const api = new HttpApi(stack, 'Http');
  api.addRoutes({ path: '/orders', methods: [HttpMethod.GET], integration, authorizer: byRoute });
  api.addRoutes({
    path: '/orders/{id}',
    methods: [HttpMethod.DELETE],
    integration,
    authorizer: byRoute,
  });
  const iam = new CognitoGuardHttpApiAuthorizer(stack, 'IamAuth', {
    entry: ENTRY,
    response: 'iam',
    routes: ORDER_RULES,
  });
  api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration, authorizer: iam });
  return stack;
}

/** An HTTP API whose `$default` route is protected by rules keyed by method and path. */
export function httpCatchAllStack(stack = unbundledStack()): Stack {
  const auth = new CognitoGuardHttpApiAuthorizer(stack, 'Auth', {
    entry: ENTRY,
    response: 'simple',
    routes: ORDER_RULES,
    cacheKey: 'method-and-path',
  });
  new HttpApi(stack, 'Http', {
    defaultAuthorizer: auth,
    defaultIntegration: new HttpLambdaIntegration('Backend', backend(stack)),
  });
  return stack;
}

/** An AppSync API whose default mode is the Lambda authorizer. */
export function appSyncStack(stack = unbundledStack()): Stack {
  const auth = new CognitoGuardAppSyncAuthorizer(stack, 'Auth', {
    entry: ENTRY,
    resultsCacheTtl: Duration.minutes(10),
    tokenValidity: Duration.hours(1),
  });
  new GraphqlApi(stack, 'Api', {
    name: 'posts',
    definition: Definition.fromFile(SCHEMA),
    authorizationConfig: { defaultAuthorization: auth.authorizationMode },
  });
  return stack;
}

/**
 * A revocation table shared by an HTTP API authorizer that polls it and a sign-out function
 * that records into it.
 */
export function revocationStack(stack = unbundledStack()): Stack {
  const revocations = new CognitoGuardRevocationTable(stack, 'Revocations');
  const auth = new CognitoGuardHttpApiAuthorizer(stack, 'Auth', {
    entry: ENTRY,
    response: 'simple',
    resultsCacheTtl: Duration.seconds(0),
  });
  revocations.grantPoll(auth.function);
  auth.function.addEnvironment('REVOCATION_TABLE', revocations.table.tableName);
  const signOut = backend(stack);
  revocations.grantRevoke(signOut);
  signOut.addEnvironment('REVOCATION_TABLE', revocations.table.tableName);
  new HttpApi(stack, 'Http', {
    defaultAuthorizer: auth,
    defaultIntegration: new HttpLambdaIntegration('Backend', signOut),
  });
  return stack;
}
