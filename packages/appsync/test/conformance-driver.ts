import {
  allOf,
  checkPolicy,
  type ErrorCode,
  type Policy,
  requireGroups,
  requireScopes,
} from '@cognito-guard/core';
import type {
  Driver,
  DriverApp,
  DriverRequest,
  Outcome,
} from '../../../test/conformance/driver.js';
import { type AuthorizerDecision, createAppSyncAuthorizer } from '../src/index.js';

/**
 * The conformance driver for the AppSync Lambda authorizer, invoked directly with built events
 * (no emulator implements the `AWS_LAMBDA` auth mode: the Amplify AppSync simulator does not).
 *
 * Mapping of the table onto AppSync:
 * - a route `/name` is the GraphQL field `Query.name`, and the request is `query { name }`;
 * - a route's scopes or groups become a field rule, so a refusal is `isAuthorized: true` with
 *   the field in `deniedFields` (`deny`), as the SECURITY.md surface table says for field rules;
 * - the `Authorization` header is the event's `authorizationToken`; two headers arrive as one
 *   comma-joined value (RFC 9110 §5.3, what a proxy may send); the query string has no place
 *   in the event (AppSync does not pass the URL);
 * - every other refusal is `{ isAuthorized: false, resolverContext: {}, ttlOverride: 0 }`, the
 *   same answer for every code, so the outcome class comes from the decision's code
 *   (`onEvent`), which the driver also reports as `code`.
 */
export const appSyncAuthorizerDriver: Driver = {
  name: 'appsync authorizer',
  surface: 'appsync-authorizer',
  modes: ['respond'],
  reportsCodes: true,
  async start({ verifier, routes }): Promise<DriverApp> {
    let decision: AuthorizerDecision | undefined;
    const fieldCodes = new Map<string, ErrorCode>();
    const fields: Record<string, Policy> = {};
    for (const route of routes) {
      const rules: Policy[] = [];
      if (route.scopes !== undefined) rules.push(requireScopes(...route.scopes));
      if (route.groups !== undefined) rules.push(requireGroups(...route.groups));
      if (route.policy !== undefined) rules.push(route.policy);
      if (rules.length === 0) continue;
      const rule = allOf(...rules);
      const field = `Query.${route.path.slice(1)}`;
      fields[field] = (auth) => {
        const refusal = checkPolicy(rule, auth);
        if (refusal !== undefined) {
          fieldCodes.set(field, refusal.code);
          throw refusal;
        }
      };
    }
    const handler = createAppSyncAuthorizer({
      verifier,
      fields,
      onEvent: (d) => {
        decision = d;
      },
    });

    async function send(request: DriverRequest): Promise<Outcome> {
      decision = undefined;
      fieldCodes.clear();
      const field = request.path.split('?')[0]!.slice(1);
      const headers: Record<string, string> = {};
      const authorization: string[] = [];
      for (const [name, value] of request.headers) {
        headers[name.toLowerCase()] = value;
        if (name.toLowerCase() === 'authorization') authorization.push(value);
      }
      const result = await handler({
        ...(authorization.length > 0 ? { authorizationToken: authorization.join(', ') } : {}),
        requestContext: {
          apiId: 'conformanceapi000000000000',
          accountId: '111122223333',
          requestId: 'conformance',
          queryString: `query { ${field} }`,
          operationName: null,
          variables: {},
        },
        requestHeaders: headers,
      });
      const text = JSON.stringify(result);
      if (result.isAuthorized) {
        const denied = result.deniedFields?.includes(`Query.${field}`) === true;
        return {
          kind: denied ? 'deny' : 'allow',
          body: result,
          text,
          handlerSawSub: denied ? undefined : (result.resolverContext.sub ?? null),
          code: denied ? fieldCodes.get(`Query.${field}`) : undefined,
        };
      }
      // A refusal is always the same answer, never cached (SECURITY.md, decision 7).
      const refused =
        result.ttlOverride === 0 &&
        Object.keys(result.resolverContext).length === 0 &&
        result.deniedFields === undefined;
      // Set by onEvent during the call (TypeScript cannot see that assignment).
      const last = decision as AuthorizerDecision | undefined;
      const code = last !== undefined && !last.isAuthorized ? last.code : undefined;
      if (!refused || code === undefined) return { kind: 'error', body: result, text, code };
      const unavailable = code === 'JWKS_UNAVAILABLE' || code === 'JWKS_INVALID';
      return { kind: unavailable ? 'unavailable' : 'unauthorized', body: result, text, code };
    }

    return { send, close: async () => {} };
  },
};
