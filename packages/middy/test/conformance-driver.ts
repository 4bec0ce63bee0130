import { type ErrorCode, isAuthError } from '@cognito-guard/core';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type {
  Driver,
  DriverApp,
  DriverMode,
  DriverStartOptions,
  Outcome,
} from '../../../test/conformance/driver.js';
import {
  type CognitoAuthContext,
  type CognitoAuthResponse,
  cognitoAuth,
  guard,
  requireGroups,
  requireScopes,
} from '../src/index.js';
import { httpApiV2Event, restProxyEvent } from './helpers.js';

/**
 * Conformance drivers for the Middy middleware: one Middy handler per route of the table,
 * invoked directly with the API Gateway proxy event the request would become (built from the
 * captured sample events), and its proxy result read as the HTTP answer. In `pass-errors`
 * mode the refusal is thrown to an `onError` middleware, which answers with the error's own
 * `statusCode`, `headers` and `body` and reports its code.
 */

type Kind = 'rest' | 'http-api-v2';

const CONTEXT = { functionName: 'conformance', awsRequestId: 'req' } as unknown as Context;

/**
 * A driver for one event shape.
 *
 * @example
 * ```ts
 * runConformance(middyDriver('rest'));
 * ```
 */
export function middyDriver(kind: Kind): Driver {
  return {
    name: `middy ${kind}`,
    surface: 'http',
    modes: ['respond', 'pass-errors'],
    async start({ verifier, routes, realm, mode }: DriverStartOptions): Promise<DriverApp> {
      let code: ErrorCode | undefined;
      const handlers = new Map<string, (event: unknown) => Promise<CognitoAuthResponse>>();
      for (const route of routes) {
        const h = middy<unknown, CognitoAuthResponse, Error, Context & CognitoAuthContext>()
          .use(
            cognitoAuth({
              verifier,
              realm,
              optional: route.auth === 'optional',
              passErrors: mode === ('pass-errors' satisfies DriverMode),
            }),
          )
          .use(route.scopes === undefined ? [] : [requireScopes(...route.scopes)])
          .use(route.groups === undefined ? [] : [requireGroups(...route.groups)])
          .use(route.policy === undefined ? [] : [guard(route.policy)])
          .use({
            onError: async (request) => {
              const err = request.error as unknown;
              if (!isAuthError(err) || !('statusCode' in err)) return undefined;
              code = err.code;
              const e = err as unknown as {
                statusCode: number;
                headers: Record<string, string>;
                body: unknown;
              };
              return {
                statusCode: e.statusCode,
                headers: { ...e.headers, 'content-type': 'application/json' },
                body: JSON.stringify(e.body),
                isBase64Encoded: false as const,
              };
            },
          })
          .handler(async (_event, context) => ({
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sub: context.auth?.sub ?? null }),
            isBase64Encoded: false as const,
          }));
        handlers.set(route.path, (event) => h(event, { ...CONTEXT }));
      }
      return {
        async send(request): Promise<Outcome> {
          code = undefined;
          const at = request.path.indexOf('?');
          const path = at < 0 ? request.path : request.path.slice(0, at);
          const rawQuery = at < 0 ? '' : request.path.slice(at + 1);
          const event =
            kind === 'rest'
              ? restProxyEvent(path, request.headers, rawQuery)
              : httpApiV2Event(path, request.headers, rawQuery);
          const handler = handlers.get(path);
          if (handler === undefined) return { kind: 'error', text: `no route ${path}` };
          let result: CognitoAuthResponse;
          try {
            result = await handler(event);
          } catch (err) {
            return { kind: 'error', text: err instanceof Error ? err.message : String(err) };
          }
          const headers = Object.fromEntries(
            Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
          );
          const body = JSON.parse(result.body) as Record<string, unknown>;
          const status = result.statusCode;
          const kindOf: Outcome['kind'] =
            status === 200
              ? 'allow'
              : status === 403
                ? 'deny'
                : status === 401
                  ? 'unauthorized'
                  : status === 400
                    ? 'bad-request'
                    : status === 503
                      ? 'unavailable'
                      : 'error';
          return {
            kind: kindOf,
            status,
            headers,
            body,
            text: result.body,
            code,
            ...(status === 200 ? { handlerSawSub: body.sub as string | null } : {}),
          };
        },
        async close() {
          // Nothing to stop: the handlers are plain functions.
        },
      };
    },
  };
}
