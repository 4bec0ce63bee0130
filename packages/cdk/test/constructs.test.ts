import {
  APPSYNC_TTL_ENV,
  CognitoGuardAppSyncAuthorizer,
  CognitoGuardConfigError,
  CognitoGuardHttpApiAuthorizer,
  type CognitoGuardHttpApiAuthorizerProps,
  CognitoGuardRestAuthorizer,
  HTTP_API_CACHE_KEY_SOURCES,
  type HttpApiCacheKeyMode,
} from '@cognito-guard/cdk';
import type { HttpApiCacheKey } from '@cognito-guard/lambda';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  appSyncStack,
  backend,
  ENTRY,
  httpCatchAllStack,
  httpStack,
  ORDER_RULES,
  restStack,
  unbundledStack,
} from './stacks.js';

/** Synthesizes the stack: node validations (the route checks) run here, as in `cdk synth`. */
function synth(stack: Stack): Template {
  return Template.fromStack(stack);
}

function authorizerPermission(principal: string) {
  return {
    Action: 'lambda:InvokeFunction',
    Principal: principal,
    FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('Auth'), 'Arn'] },
  };
}

describe('CognitoGuardRestAuthorizer', () => {
  it('keys a TOKEN authorizer by the Authorization header for 300 s', () => {
    const template = synth(restStack());
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('keeps REQUEST identity sources that include the token', () => {
    const template = synth(restStack());
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization,context.httpMethod',
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('lets API Gateway, and only API Gateway, invoke the bundled function', () => {
    const template = synth(restStack());
    const permissions = template.findResources('AWS::Lambda::Permission', {
      Properties: authorizerPermission('apigateway.amazonaws.com'),
    });
    // One per authorizer, each scoped to the API's authorizers (not the whole account).
    expect(Object.keys(permissions)).toHaveLength(2);
    for (const p of Object.values(permissions)) {
      expect(JSON.stringify(p.Properties.SourceArn)).toContain('/authorizers/');
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
  });

  it('uses the query parameter the handler reads for a REQUEST authorizer', () => {
    const stack = unbundledStack();
    const auth = new CognitoGuardRestAuthorizer(stack, 'Auth', {
      entry: ENTRY,
      type: 'request',
      tokenSource: { query: 'access_token' },
    });
    expect(auth.identitySources).toEqual(['method.request.querystring.access_token']);
  });

  it('refuses REQUEST identity sources that omit the token while caching', () => {
    const stack = unbundledStack();
    expect(
      () =>
        new CognitoGuardRestAuthorizer(stack, 'Auth', {
          entry: ENTRY,
          type: 'request',
          identitySources: ['context.httpMethod', 'context.resourcePath'],
        }),
    ).toThrow(
      /omit the token \(method\.request\.header\.Authorization\).*Add method\.request\.header\.Authorization, or set resultsCacheTtl to 0/,
    );
  });

  it('accepts token-less REQUEST identity sources when nothing is cached', () => {
    const stack = unbundledStack();
    const auth = new CognitoGuardRestAuthorizer(stack, 'Auth', {
      entry: ENTRY,
      type: 'request',
      identitySources: ['context.httpMethod'],
      resultsCacheTtl: Duration.seconds(0),
    });
    expect(auth.resultsCacheTtlSeconds).toBe(0);
  });

  it('refuses a TOKEN authorizer on a query parameter', () => {
    const stack = unbundledStack();
    expect(
      () =>
        new CognitoGuardRestAuthorizer(stack, 'Auth', {
          entry: ENTRY,
          type: 'token',
          tokenSource: { query: 'token' },
        }),
    ).toThrow(/TOKEN authorizer reads one header: use type 'request'/);
  });

  it('refuses a token source with both a header and a query parameter', () => {
    const stack = unbundledStack();
    expect(
      () =>
        new CognitoGuardRestAuthorizer(stack, 'Auth', {
          entry: ENTRY,
          type: 'request',
          tokenSource: { header: 'Authorization', query: 'token' },
        }),
    ).toThrow(CognitoGuardConfigError);
  });

  it('refuses a TTL longer than the token lives, and allows it once the validity is given', () => {
    const long = { entry: ENTRY, type: 'token', resultsCacheTtl: Duration.minutes(30) } as const;
    expect(() => new CognitoGuardRestAuthorizer(unbundledStack(), 'Auth', long)).toThrow(
      /exceeds the token lifetime \(300 s.*set tokenValidity.*Lower resultsCacheTtl to at most 300 s/,
    );
    const ok = new CognitoGuardRestAuthorizer(unbundledStack(), 'Auth', {
      ...long,
      tokenValidity: Duration.hours(1),
    });
    expect(ok.resultsCacheTtlSeconds).toBe(1800);
    expect(
      () =>
        new CognitoGuardRestAuthorizer(unbundledStack(), 'Auth', {
          ...long,
          resultsCacheTtl: Duration.minutes(20),
          tokenValidity: Duration.minutes(15),
        }),
    ).toThrow(/exceeds the token lifetime \(900 s\)/);
  });

  it("refuses a TTL above API Gateway's 3600 s", () => {
    expect(
      () =>
        new CognitoGuardRestAuthorizer(unbundledStack(), 'Auth', {
          entry: ENTRY,
          type: 'token',
          resultsCacheTtl: Duration.hours(2),
          tokenValidity: Duration.days(1),
        }),
    ).toThrow(/from 0 to 3600, not 7200/);
  });
});

describe('CognitoGuardHttpApiAuthorizer', () => {
  it('keys route-key mode by the token and $context.routeKey', () => {
    const template = synth(httpStack());
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('keys IAM responses by the token alone, with payload 1.0', () => {
    const template = synth(httpStack());
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerPayloadFormatVersion: '1.0',
      EnableSimpleResponses: Match.absent(),
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  it('keys method-and-path mode by token, method and path on a $default route', () => {
    const template = synth(httpCatchAllStack());
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization', '$context.httpMethod', '$context.path'],
      AuthorizerResultTtlInSeconds: 300,
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      AuthorizationType: 'CUSTOM',
    });
  });

  it('lets the HTTP API invoke the function through its authorizer only', () => {
    const template = synth(httpCatchAllStack());
    const permissions = template.findResources('AWS::Lambda::Permission', {
      Properties: authorizerPermission('apigateway.amazonaws.com'),
    });
    expect(Object.keys(permissions)).toHaveLength(1);
    expect(JSON.stringify(Object.values(permissions)[0]?.Properties.SourceArn)).toContain(
      '/authorizers/',
    );
  });

  it('uses the query parameter the handler reads as the token identity source', () => {
    const auth = new CognitoGuardHttpApiAuthorizer(unbundledStack(), 'Auth', {
      entry: ENTRY,
      response: 'simple',
      routes: Object.keys(ORDER_RULES),
      cacheKey: 'method-and-path',
      tokenSource: { query: 'token' },
    });
    expect(auth.identitySources).toEqual([
      '$request.querystring.token',
      '$context.httpMethod',
      '$context.path',
    ]);
  });

  it('defaults uncached mode to TTL 0 and refuses any other TTL', () => {
    const props: CognitoGuardHttpApiAuthorizerProps = {
      entry: ENTRY,
      response: 'simple',
      routes: ORDER_RULES,
      cacheKey: 'uncached',
    };
    expect(
      new CognitoGuardHttpApiAuthorizer(unbundledStack(), 'A', props).resultsCacheTtlSeconds,
    ).toBe(0);
    expect(
      () =>
        new CognitoGuardHttpApiAuthorizer(unbundledStack(), 'A', {
          ...props,
          resultsCacheTtl: Duration.seconds(60),
        }),
    ).toThrow(/cacheKey 'uncached' needs resultsCacheTtl 0/);
  });

  it('refuses route rules with simple responses and no cacheKey', () => {
    expect(
      () =>
        new CognitoGuardHttpApiAuthorizer(unbundledStack(), 'A', {
          entry: ENTRY,
          response: 'simple',
          routes: ORDER_RULES,
        }),
    ).toThrow(/route rules with simple responses need cacheKey: 'method-and-path'/);
  });

  it('refuses a cacheKey with IAM responses or without routes', () => {
    expect(
      () =>
        new CognitoGuardHttpApiAuthorizer(unbundledStack(), 'A', {
          entry: ENTRY,
          response: 'iam',
          cacheKey: 'route-key',
        }),
    ).toThrow(/cacheKey applies to simple responses only/);
    expect(
      () =>
        new CognitoGuardHttpApiAuthorizer(unbundledStack(), 'A', {
          entry: ENTRY,
          response: 'simple',
          cacheKey: 'route-key',
        }),
    ).toThrow(/cacheKey without routes/);
  });

  describe('cache-key bypass: route rules on a route that carries requests they treat differently', () => {
    function routeKeyOn(path: string | undefined, methods = [HttpMethod.ANY]): Stack {
      const stack = unbundledStack();
      const auth = new CognitoGuardHttpApiAuthorizer(stack, 'Auth', {
        entry: ENTRY,
        response: 'simple',
        routes: ORDER_RULES,
        cacheKey: 'route-key',
      });
      const integration = new HttpLambdaIntegration('I', backend(stack));
      if (path === undefined) {
        new HttpApi(stack, 'Http', { defaultAuthorizer: auth, defaultIntegration: integration });
      } else {
        const api = new HttpApi(stack, 'Http');
        api.addRoutes({ path, methods, integration, authorizer: auth });
      }
      return stack;
    }

    it('fails synth for route-key mode on ANY /{proxy+}, saying to use method-and-path', () => {
      expect(() => synth(routeKeyOn('/{proxy+}'))).toThrow(
        /cannot protect the catch-all route "ANY \/\{proxy\+\}".*Use cacheKey 'method-and-path'/,
      );
    });

    it('fails synth for route-key mode on $default', () => {
      expect(() => synth(routeKeyOn(undefined))).toThrow(
        /cannot protect the catch-all route "\$default"/,
      );
    });

    it('fails synth for route-key mode on ANY /orders/{id}, which no rule is keyed by', () => {
      expect(() => synth(routeKeyOn('/orders/{id}'))).toThrow(
        /no rule keyed "ANY \/orders\/\{id\}".*Add a rule "ANY \/orders\/\{id\}" or use cacheKey 'method-and-path'/,
      );
    });

    it('fails synth for a rule whose route the authorizer is not attached to', () => {
      const stack = unbundledStack();
      const auth = new CognitoGuardHttpApiAuthorizer(stack, 'Auth', {
        entry: ENTRY,
        response: 'simple',
        routes: ORDER_RULES,
        cacheKey: 'route-key',
      });
      const api = new HttpApi(stack, 'Http');
      const integration = new HttpLambdaIntegration('I', backend(stack));
      api.addRoutes({ path: '/orders', methods: [HttpMethod.GET], integration, authorizer: auth });
      expect(() => synth(stack)).toThrow(
        /the rule "DELETE \/orders\/\{id\}" names no route this authorizer is attached to/,
      );
    });

    it('synthesizes method-and-path mode on the same catch-all routes', () => {
      const template = synth(httpCatchAllStack());
      expect(template.findResources('AWS::ApiGatewayV2::Authorizer')).not.toEqual({});
    });
  });

  it('names the same cacheKey modes and identity sources as @cognito-guard/lambda', () => {
    expectTypeOf<HttpApiCacheKeyMode>().toEqualTypeOf<HttpApiCacheKey>();
    expect(HTTP_API_CACHE_KEY_SOURCES).toEqual({
      'method-and-path': ['$context.httpMethod', '$context.path'],
      'route-key': ['$context.routeKey'],
      uncached: [],
    });
  });
});

describe('CognitoGuardAppSyncAuthorizer', () => {
  it('sets the API TTL and hands the same TTL to the handler', () => {
    const template = synth(appSyncStack());
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AWS_LAMBDA',
      LambdaAuthorizerConfig: { AuthorizerResultTtlInSeconds: 600 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { [APPSYNC_TTL_ENV]: '600' } },
    });
  });

  it('lets AppSync invoke the function', () => {
    const template = synth(appSyncStack());
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'appsync.amazonaws.com',
    });
  });

  it('refuses a TTL beyond what the token allows', () => {
    expect(
      () =>
        new CognitoGuardAppSyncAuthorizer(unbundledStack(), 'Auth', {
          entry: ENTRY,
          resultsCacheTtl: Duration.hours(1),
          tokenValidity: Duration.minutes(30),
        }),
    ).toThrow(/resultsCacheTtl \(3600 s\) exceeds the token lifetime \(1800 s\)/);
    expect(
      () =>
        new CognitoGuardAppSyncAuthorizer(unbundledStack(), 'Auth', {
          entry: ENTRY,
          resultsCacheTtl: Duration.minutes(6),
        }),
    ).toThrow(CognitoGuardConfigError);
  });

  it('keeps the user environment and lets the construct own the TTL variable', () => {
    const auth = new CognitoGuardAppSyncAuthorizer(unbundledStack(), 'Auth', {
      entry: ENTRY,
      resultsCacheTtl: Duration.seconds(0),
      functionProps: {
        environment: { USER_POOL_ID: 'us-east-1_Example', [APPSYNC_TTL_ENV]: '999' },
      },
    });
    const template = Template.fromStack(Stack.of(auth));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { USER_POOL_ID: 'us-east-1_Example', [APPSYNC_TTL_ENV]: '0' } },
    });
  });
});

describe('authorizer function permissions', () => {
  it('gives the function role the basic execution policy and nothing else', () => {
    const template = synth(httpCatchAllStack());
    const roles = template.findResources('AWS::IAM::Role');
    const authRole = Object.entries(roles).find(([id]) => id.startsWith('AuthFunction'));
    expect(authRole?.[1].Properties.ManagedPolicyArns).toEqual([
      {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
          ],
        ],
      },
    ]);
    expect(authRole?.[1].Properties.Policies).toBeUndefined();
    expect(template.findResources('AWS::IAM::Policy')).toEqual({});
  });
});
