import { type ErrorCode, isAuthError, requireGroups, requireScopes } from '@cognito-guard/core';
import type {
  Driver,
  DriverApp,
  DriverRequest,
  DriverStartOptions,
  Outcome,
  Surface,
  RouteRule as TableRoute,
} from '../../../test/conformance/driver.js';
import {
  type AuthorizerEvent,
  createHttpApiAuthorizer,
  createRestRequestAuthorizer,
  createRestTokenAuthorizer,
  evaluatePolicy,
  type HttpApiV2AuthorizerEvent,
  type IamAuthorizerResult,
  type RestRequestAuthorizerEvent,
  type RouteRules,
  type SimpleAuthorizerResult,
} from '../src/index.js';
import { fixture } from './helpers.js';

/**
 * Conformance drivers for the API Gateway authorizers: each request of the shared table becomes
 * the event API Gateway would send (built from the captured fixtures), the handler is invoked
 * directly, and its answer is evaluated the way API Gateway would (a thrown `Unauthorized`, the
 * returned policy against the request's ARN, `isAuthorized`).
 */

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:conform01/prod/';

/** The table's routes as route rules: `auth: 'optional'` has no authorizer equivalent. */
function rulesFor(routes: readonly TableRoute[]): RouteRules {
  const rules: Record<string, RouteRules[string]> = {};
  for (const route of routes) {
    const policies = [
      ...(route.scopes === undefined ? [] : [requireScopes(...route.scopes)]),
      ...(route.groups === undefined ? [] : [requireGroups(...route.groups)]),
      ...(route.policy === undefined ? [] : [route.policy]),
    ];
    rules[`GET ${route.path}`] =
      policies.length === 0
        ? 'authenticated'
        : policies.length === 1
          ? policies[0]!
          : (auth) => {
              for (const p of policies) p(auth);
            };
  }
  return rules;
}

interface ParsedRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly rawQuery: string;
  readonly headers: readonly (readonly [string, string])[];
}

function parse(request: DriverRequest): ParsedRequest {
  const at = request.path.indexOf('?');
  const rawQuery = at < 0 ? '' : request.path.slice(at + 1);
  return {
    path: at < 0 ? request.path : request.path.slice(0, at),
    query: new URLSearchParams(rawQuery),
    rawQuery,
    headers: request.headers,
  };
}

/** REST keeps the client's header casing; repeated headers are grouped case-insensitively. */
function restMaps(pairs: readonly (readonly [string, string])[]) {
  const multi: Record<string, string[]> = {};
  const names = new Map<string, string>();
  for (const [name, value] of pairs) {
    const key = names.get(name.toLowerCase()) ?? name;
    names.set(name.toLowerCase(), key);
    multi[key] = [...(multi[key] ?? []), value];
  }
  const single = Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v.at(-1)!]));
  return { single, multi };
}

function queryMaps(query: URLSearchParams) {
  const multi: Record<string, string[]> = {};
  for (const [name, value] of query) multi[name] = [...(multi[name] ?? []), value];
  const single = Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v.at(-1)!]));
  return { single, multi };
}

/** Maps what the handler did to the table's outcome words. */
async function observe(
  run: () => Promise<IamAuthorizerResult | SimpleAuthorizerResult>,
  arn: string,
  events: AuthorizerEvent[],
): Promise<Outcome> {
  const last = () => events.at(-1);
  const codeOf = (): ErrorCode | undefined => {
    const event = last();
    return event !== undefined && 'code' in event ? event.code : undefined;
  };
  try {
    const result = await run();
    const text = JSON.stringify(result);
    const allowed =
      'isAuthorized' in result
        ? result.isAuthorized
        : evaluatePolicy(result.policyDocument, arn) === 'allow';
    const sub =
      'principalId' in result ? result.principalId : (result.context?.sub as string | undefined);
    return allowed
      ? { kind: 'allow', handlerSawSub: sub, text }
      : { kind: 'deny', code: codeOf(), text };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (err instanceof Error && err.message === 'Unauthorized') {
      return { kind: 'unauthorized', code: codeOf(), text };
    }
    if (isAuthError(err) && err.kind === 'unavailable') {
      return { kind: 'unavailable', code: err.code, text };
    }
    return { kind: 'error', text };
  }
}

type Kind = 'rest-token' | 'rest-request' | 'http-api-simple' | 'http-api-iam';

/**
 * A driver for one authorizer type.
 *
 * @example
 * ```ts
 * runConformance(lambdaDriver('rest-request'));
 * ```
 */
export function lambdaDriver(kind: Kind): Driver {
  const surface: Surface = kind === 'http-api-simple' ? 'http-api-simple' : 'rest-authorizer';
  return {
    name: `lambda ${kind}`,
    surface,
    modes: ['respond'],
    reportsCodes: true,
    async start({ verifier, routes }: DriverStartOptions): Promise<DriverApp> {
      const events: AuthorizerEvent[] = [];
      const onEvent = (e: AuthorizerEvent) => events.push(e);
      const rules = rulesFor(routes);
      const restToken = createRestTokenAuthorizer({ verifier, routes: rules, onEvent });
      const restRequest = createRestRequestAuthorizer({ verifier, routes: rules, onEvent });
      const simple = createHttpApiAuthorizer({
        response: 'simple',
        verifier,
        routes: rules,
        cacheKey: 'method-and-path',
        onEvent,
      });
      const iam = createHttpApiAuthorizer({ response: 'iam', verifier, routes: rules, onEvent });

      return {
        async send(request) {
          events.length = 0;
          const { path, query, rawQuery, headers } = parse(request);
          const arn = `${PREFIX}GET${path}`;
          const authorization = headers
            .filter(([name]) => name.toLowerCase() === 'authorization')
            .map(([, value]) => value);
          switch (kind) {
            case 'rest-token':
              // The TOKEN event holds the token-source header's value, nothing else. Repeated
              // headers are assumed combined as a list (RFC 9110 §5.3); without one, API Gateway
              // answers 401 itself, which invoking with an empty value reproduces.
              return observe(
                () =>
                  restToken({
                    type: 'TOKEN',
                    methodArn: arn,
                    authorizationToken: authorization.join(', '),
                  }),
                arn,
                events,
              );
            case 'rest-request': {
              const base = fixture<RestRequestAuthorizerEvent>(
                'apigw-rest-request-authorizer.json',
              );
              const h = restMaps(headers);
              const q = queryMaps(query);
              return observe(
                () =>
                  restRequest({
                    ...base,
                    methodArn: arn,
                    path,
                    resource: path,
                    httpMethod: 'GET',
                    headers: h.single,
                    multiValueHeaders: h.multi,
                    queryStringParameters: q.single,
                    multiValueQueryStringParameters: q.multi,
                  }),
                arn,
                events,
              );
            }
            default: {
              // Payload 2.0: header names lower-cased, repeated headers and query values
              // comma-joined (http-api-lambda-authorizer.md).
              const base = fixture<HttpApiV2AuthorizerEvent>('apigw-http-v2-authorizer.json');
              const joined: Record<string, string> = {};
              for (const [name, value] of headers) {
                const key = name.toLowerCase();
                joined[key] = joined[key] === undefined ? value : `${joined[key]},${value}`;
              }
              const params = queryMaps(query);
              const event: HttpApiV2AuthorizerEvent = {
                ...base,
                routeArn: arn,
                routeKey: `GET ${path}`,
                rawPath: path,
                rawQueryString: rawQuery,
                headers: joined,
                // Identity sources: the Authorization header, $context.httpMethod, $context.path.
                identitySource: [
                  ...(joined.authorization === undefined ? [] : [joined.authorization]),
                  'GET',
                  path,
                ],
                requestContext: {
                  ...base.requestContext,
                  http: { ...base.requestContext.http, method: 'GET', path },
                },
                ...(rawQuery === ''
                  ? {}
                  : {
                      queryStringParameters: Object.fromEntries(
                        Object.entries(params.multi).map(([k, v]) => [k, v.join(',')]),
                      ),
                    }),
              };
              return observe(() => (kind === 'http-api-simple' ? simple : iam)(event), arn, events);
            }
          }
        },
        async close() {
          // Nothing to stop: the handlers are plain functions.
        },
      };
    },
  };
}
