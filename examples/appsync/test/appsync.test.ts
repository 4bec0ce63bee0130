import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AmplifyAppSyncSimulator,
  AmplifyAppSyncSimulatorAuthenticationType,
  type AmplifyAppSyncSimulatorConfig,
  RESOLVER_KIND,
} from '@aws-amplify/amplify-appsync-simulator';
import type { ResolverDenial } from '@cognito-guard/appsync';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeletePostEvent } from '../src/delete-post.js';
import {
  type AppSyncJsModule,
  appSyncJsDataSource,
  installStandInUtil,
  JS_FUNCTION_REQUEST,
  JS_FUNCTION_RESPONSE,
  loadAppSyncJs,
  runJs,
} from './appsync-js.js';

/**
 * End to end under the Amplify AppSync simulator (2.16.20, graphql 15.11.0), bound to
 * 127.0.0.1.
 *
 * What the simulator can and cannot do decides the shape of this test:
 * - it runs Cognito user pools mode but never checks signatures or `exp`, so a forged token
 *   reaches the resolvers: the guarded Lambda must re-verify it, and does;
 * - it has no AWS_LAMBDA auth mode: the authorizer is invoked directly with built events;
 * - it runs VTL only, no APPSYNC_JS, and needs templates for Lambda resolvers: the JS code of
 *   `src/appsync/` runs in Node (see `appsync-js.ts`), and the resolvers use VTL twins of it.
 */

const SCHEMA = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

/** VTL twin of `src/appsync/invoke-guarded-lambda.js` `request`. */
const INVOKE_REQUEST = `{"version":"2018-05-29","operation":"Invoke","payload":{
  "arguments":$util.toJson($ctx.arguments),"identity":$util.toJson($ctx.identity),
  "request":$util.toJson($ctx.request),
  "info":{"fieldName":"$ctx.info.fieldName","parentTypeName":"$ctx.info.parentTypeName"}}}`;

/** VTL twin of `src/appsync/invoke-guarded-lambda.js` `response` (`raiseOnDenial`). */
const RAISE_ON_DENIAL = `#if($ctx.error)$util.error($ctx.error.message, $ctx.error.type)#end
#if($ctx.result && $ctx.result.errorType == "Unauthorized")$util.unauthorized()#end
#if($ctx.result && $ctx.result.errorType == "ServiceUnavailable")$util.error($ctx.result.errorMessage, $ctx.result.errorType)#end
$util.toJson($ctx.result)`;

interface SimulatorInternals {
  readonly _server: {
    readonly _httpServer: Server;
    readonly _realTimeSubscriptionServer: { start(): void; stop(): Promise<void> | void };
  };
}

interface GraphQLAnswer {
  readonly status: number;
  readonly body: {
    readonly data?: Record<string, unknown> | null;
    readonly errors?: readonly { readonly errorType?: string; readonly message?: string }[];
  };
}

let issuer: TestIssuer;
let simulator: AmplifyAppSyncSimulator | undefined;
let url: string;
const denials: ResolverDenial[] = [];
const lambdaCalls: string[] = [];
const seenIdentities: unknown[] = [];
let authorizerModule: typeof import('../src/authorizer.js');
let deletePostModule: typeof import('../src/delete-post.js');
let invokeGuardedLambda: AppSyncJsModule;
let requireAuditors: AppSyncJsModule;

beforeAll(async () => {
  issuer = await createTestIssuer();
  // The Lambdas read their configuration at module scope, as in production.
  process.env.USER_POOL_ID = issuer.userPoolId;
  process.env.CLIENT_ID = issuer.clientId;
  process.env.JWKS_URI = issuer.jwksUri;
  authorizerModule = await import('../src/authorizer.js');
  deletePostModule = await import('../src/delete-post.js');
  const auditLog = await import('../src/audit-log.js');
  invokeGuardedLambda = await loadAppSyncJs('src/appsync/invoke-guarded-lambda.js');
  requireAuditors = await loadAppSyncJs('src/appsync/require-auditors.js');

  const deletePost = deletePostModule.createDeletePostResolver({
    verifier: {
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: 'access',
      jwksUri: issuer.jwksUri,
    },
    onEvent: (denial) => denials.push(denial),
  });

  const config: AmplifyAppSyncSimulatorConfig = {
    appSync: {
      name: 'cognito-guard-example',
      defaultAuthenticationType: {
        authenticationType: AmplifyAppSyncSimulatorAuthenticationType.AMAZON_COGNITO_USER_POOLS,
        cognitoUserPoolConfig: {},
      },
      additionalAuthenticationProviders: [],
    },
    schema: { content: SCHEMA },
    dataSources: [
      {
        type: 'AWS_LAMBDA',
        name: 'deletePostLambda',
        invoke: async (event: DeletePostEvent) => {
          lambdaCalls.push('deletePost');
          seenIdentities.push(event.identity);
          return deletePost(event);
        },
      },
      {
        type: 'AWS_LAMBDA',
        name: 'auditLogLambda',
        invoke: async (event: Parameters<typeof auditLog.handler>[0]) => {
          lambdaCalls.push('auditLog');
          return auditLog.handler(event);
        },
      },
      {
        type: 'AWS_LAMBDA',
        name: 'requireAuditorsJs',
        invoke: appSyncJsDataSource(requireAuditors),
      },
    ],
    functions: [
      {
        name: 'requireAuditors',
        dataSourceName: 'requireAuditorsJs',
        requestMappingTemplate: JS_FUNCTION_REQUEST,
        responseMappingTemplate: JS_FUNCTION_RESPONSE,
      },
      {
        name: 'fetchAuditLog',
        dataSourceName: 'auditLogLambda',
        requestMappingTemplate: INVOKE_REQUEST,
        responseMappingTemplate: RAISE_ON_DENIAL,
      },
    ] as unknown as NonNullable<AmplifyAppSyncSimulatorConfig['functions']>,
    resolvers: [
      {
        kind: RESOLVER_KIND.UNIT,
        typeName: 'Mutation',
        fieldName: 'deletePost',
        dataSourceName: 'deletePostLambda',
        requestMappingTemplate: INVOKE_REQUEST,
        responseMappingTemplate: RAISE_ON_DENIAL,
      },
      {
        kind: RESOLVER_KIND.PIPELINE,
        typeName: 'Query',
        fieldName: 'auditLog',
        functions: ['requireAuditors', 'fetchAuditLog'],
        requestMappingTemplate: '{}',
        responseMappingTemplate: '$util.toJson($ctx.prev.result)',
      },
    ],
  };
  simulator = new AmplifyAppSyncSimulator({ port: 0, wsPort: 0 });
  simulator.init(config);
  // Never sim.start(): it listens on every interface. Start the subscription server and bind
  // the HTTP server to loopback ourselves instead (internals of 2.16.20, typed above).
  const server = (simulator as unknown as SimulatorInternals)._server;
  server._realTimeSubscriptionServer.start();
  await new Promise<void>((resolve) => server._httpServer.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server._httpServer.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  if (simulator !== undefined) {
    const server = (simulator as unknown as SimulatorInternals)._server;
    await server._realTimeSubscriptionServer.stop();
    await new Promise<void>((resolve) => server._httpServer.close(() => resolve()));
  }
  await issuer?.close();
});

beforeEach(() => {
  installStandInUtil();
  denials.length = 0;
  lambdaCalls.length = 0;
});

async function graphql(query: string, authorization?: string): Promise<GraphQLAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as GraphQLAnswer['body'] };
}

const DELETE_POST = 'mutation { deletePost(id: "p1") { id title deletedBy } }';
const AUDIT_LOG = 'query { auditLog }';

/** A token whose payload was changed after signing. */
function forge(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const decoded = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  const changed = Buffer.from(JSON.stringify({ ...decoded, ...claims })).toString('base64url');
  return `${header}.${changed}.${signature}`;
}

describe('example AppSync API under the simulator: Mutation.deletePost (guarded Lambda)', () => {
  it('gives an admin the data', async () => {
    const token = await issuer.mintAccessToken({ username: 'alice', groups: ['admin'] });
    const answer = await graphql(DELETE_POST, token);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.deletePost).toEqual({
      id: 'p1',
      title: 'Post p1',
      deletedBy: 'alice',
    });
  });

  it('gives a user outside the group the Unauthorized error', async () => {
    const token = await issuer.mintAccessToken({ username: 'bob', groups: ['readers'] });
    const answer = await graphql(DELETE_POST, token);
    expect(answer.status).toBe(200);
    expect(answer.body.data?.deletePost).toBeNull();
    expect(answer.body.errors?.[0]?.errorType).toBe('Unauthorized');
    expect(denials.map((d) => d.code)).toEqual(['GROUP_NOT_ALLOWED']);
  });

  it('refuses a forged admin token that the simulator let through (SIGNATURE_INVALID)', async () => {
    const forged = forge(await issuer.mintAccessToken({ groups: ['readers'] }), {
      'cognito:groups': ['admin'],
    });
    const answer = await graphql(DELETE_POST, forged);
    // The simulator accepted the token and called the Lambda...
    expect(lambdaCalls).toEqual(['deletePost']);
    // ...which refused it.
    expect(answer.body.data?.deletePost).toBeNull();
    expect(answer.body.errors?.[0]?.errorType).toBe('Unauthorized');
    expect(denials.map((d) => d.code)).toEqual(['SIGNATURE_INVALID']);
  });

  it('refuses an unsigned alg none token (empty signature) and an expired one', async () => {
    const unsigned = await issuer.mintAccessToken({ groups: ['admin'], header: { alg: 'none' } });
    const [header, payload] = unsigned.split('.');
    expect((await graphql(DELETE_POST, `${header}.${payload}.`)).body.errors?.[0]?.errorType).toBe(
      'Unauthorized',
    );
    const expired = await issuer.mintAccessToken({ groups: ['admin'], expiresIn: -60 });
    expect((await graphql(DELETE_POST, expired)).body.errors?.[0]?.errorType).toBe('Unauthorized');
    // The header is judged first: alg none is refused before the empty signature is even read.
    expect(denials.map((d) => d.code)).toEqual(['ALG_NOT_ALLOWED', 'EXPIRED']);
  });

  it('answers 401 without an Authorization header (the simulator itself)', async () => {
    expect((await graphql(DELETE_POST)).status).toBe(401);
    expect(lambdaCalls).toEqual([]);
  });
});

describe('example AppSync API under the simulator: Query.auditLog (APPSYNC_JS pipeline function)', () => {
  it('gives an auditor the data', async () => {
    const token = await issuer.mintAccessToken({ groups: ['auditors'] });
    const answer = await graphql(AUDIT_LOG, token);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.auditLog).toHaveLength(2);
    expect(lambdaCalls).toEqual(['auditLog']);
  });

  it('stops anyone else before the Lambda, with the Unauthorized error', async () => {
    const token = await issuer.mintAccessToken({ groups: ['readers'] });
    const answer = await graphql(AUDIT_LOG, token);
    expect(answer.body.data?.auditLog).toBeNull();
    expect(answer.body.errors?.[0]?.errorType).toBe('Unauthorized');
    expect(lambdaCalls).toEqual([]);
  });
});

describe('example AppSync API: the APPSYNC_JS resolver around the guarded Lambda', () => {
  it('sends the guard what it needs and turns its denial into util.unauthorized()', async () => {
    const deletePost = deletePostModule.createDeletePostResolver({
      verifier: {
        userPoolId: issuer.userPoolId,
        clientId: issuer.clientId,
        tokenUse: 'access',
        jwksUri: issuer.jwksUri,
      },
    });
    // The identity the simulator actually produced for a Cognito user.
    await graphql(DELETE_POST, await issuer.mintAccessToken({ groups: ['admin'] }));
    const identity = seenIdentities.at(-1);
    for (const [groups, expected] of [
      [['admin'], 'result'],
      [['readers'], 'unauthorized'],
    ] as const) {
      const token = await issuer.mintAccessToken({ username: 'carol', groups: [...groups] });
      const ctx = {
        args: { id: 'p9' },
        identity,
        request: { headers: { authorization: token } },
        info: { fieldName: 'deletePost', parentTypeName: 'Mutation' },
      };
      const request = runJs(() => invokeGuardedLambda.request(ctx));
      expect(request.kind).toBe('result');
      const { payload } = (request as { value: { payload: Parameters<typeof deletePost>[0] } })
        .value;
      const result = await deletePost(payload);
      const response = runJs(() => invokeGuardedLambda.response({ ...ctx, result }));
      expect(response.kind).toBe(expected);
    }
  });
});

describe('example AppSync API: the Lambda authorizer (direct invocation)', () => {
  const event = (token: string) => ({
    authorizationToken: `Bearer ${token}`,
    requestContext: {
      apiId: 'exampleapi0000000000000000',
      accountId: '111122223333',
      requestId: 'r-1',
      queryString: DELETE_POST,
      operationName: null,
      variables: {},
    },
    requestHeaders: { authorization: `Bearer ${token}` },
  });

  it('allows an admin with every field, and denies a reader the admin fields', async () => {
    const admin = await authorizerModule.handler(
      event(await issuer.mintAccessToken({ groups: ['admin'] })),
    );
    expect(admin).toMatchObject({ isAuthorized: true, ttlOverride: 300 });
    expect(admin.deniedFields).toBeUndefined();
    const reader = await authorizerModule.handler(
      event(await issuer.mintAccessToken({ groups: ['readers'] })),
    );
    expect(reader.isAuthorized).toBe(true);
    expect(reader.deniedFields).toEqual(['Mutation.deletePost', 'Query.auditLog']);
  });

  it('refuses a forged token', async () => {
    const forged = forge(await issuer.mintAccessToken(), { 'cognito:groups': ['admin'] });
    expect(await authorizerModule.handler(event(forged))).toEqual({
      isAuthorized: false,
      resolverContext: {},
      ttlOverride: 0,
    });
  });

  it('hands the guarded Lambda a Lambda-mode identity it accepts', async () => {
    const token = await issuer.mintAccessToken({ username: 'dana', groups: ['admin'] });
    const { resolverContext } = await authorizerModule.handler(event(token));
    const result = await deletePostModule.handler({
      arguments: { id: 'p2' },
      identity: { resolverContext },
      request: { headers: { authorization: `Bearer ${token}` } },
      info: { fieldName: 'deletePost', parentTypeName: 'Mutation' },
    });
    expect(result).toEqual({ id: 'p2', title: 'Post p2', deletedBy: 'dana' });
  });
});
