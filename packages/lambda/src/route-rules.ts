import type { AuthError, AuthResult, Policy } from '@cognito-guard/core';
import { checkPolicy, refusal } from '@cognito-guard/core/http';
import { patternsOverlap, resourceMatches } from './resource-glob.js';

/**
 * What a route requires: a core {@link Policy}, `'authenticated'` (any valid token) or
 * `'deny'` (nobody).
 *
 * @example
 * ```ts
 * const rule: RouteRule = requireGroups('admin');
 * ```
 */
export type RouteRule = Policy | 'authenticated' | 'deny';

/**
 * Route rules keyed by `'<METHOD> <path>'`, e.g. `'GET /orders'`, `'DELETE /orders/{id}'`,
 * `'ANY /admin/*'`.
 *
 * - METHOD: `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`, `OPTIONS`, or `ANY` (also `*`),
 *   which stands for those seven.
 * - path: `/`, or `/`-separated segments; a segment is literal text, `*`, `{name}` or, last,
 *   `{name+}`. The three wildcard forms all become an IAM `*`, and an IAM `*` matches across `/`
 *   (IAM `Resource` element; SECURITY.md, decision 13): `'GET /orders/*'` also covers
 *   `/orders/1/items`, and `'GET /orders/{id}/items'` also covers `/orders/a/b/items`.
 *
 * Rules are cumulative, exactly as IAM evaluates the statements they become: a request must
 * satisfy every rule whose pattern matches it (Deny beats Allow), and requests no rule matches
 * get the default policy.
 *
 * A request whose method is none of the seven (`PROPFIND`, `TRACE`, ...) is one no rule can
 * name, not even `ANY`: it is allowed only to a principal that every rule and the default
 * policy accept, and otherwise refused by the first rule that refuses. It never falls through
 * to the default policy, which is often wider than the rules around it. The IAM policy
 * encodes the same thing exactly: its statements only name the seven verbs, except the stage
 * wildcard given to a principal nothing refuses.
 *
 * @example
 * ```ts
 * const routes: RouteRules = {
 *   'GET /orders': requireScopes('orders/read'),
 *   'DELETE /orders/{id}': requireGroups('admin'),
 *   'GET /health': 'authenticated',
 * };
 * ```
 */
export type RouteRules = Readonly<Record<string, RouteRule>>;

/**
 * What requests that match no route get: nothing (`'deny'`), any valid token, or a policy.
 *
 * @example
 * ```ts
 * const defaultPolicy: DefaultPolicy = requireUser();
 * ```
 */
export type DefaultPolicy = 'deny' | 'authenticated' | Policy;

/**
 * One route as compiled: its key and the IAM resource patterns, relative to `{stage}/`.
 *
 * @example
 * ```ts
 * compileRoutes({ 'ANY /x': 'deny' }, 'deny').routes[0]?.patterns; // ['GET/x', 'POST/x', ...]
 * ```
 */
export interface CompiledRoute {
  readonly key: string;
  readonly rule: RouteRule;
  /** e.g. `['GET/orders/*']`; `ANY` gives one pattern per method. */
  readonly patterns: readonly string[];
}

/**
 * Why a request is refused: the failure and the route key that refused it (none: default).
 *
 * @example
 * ```ts
 * const refusal: RouteRefusal | undefined = evaluation.refusal('DELETE/orders/1');
 * ```
 */
export interface RouteRefusal {
  readonly error: AuthError;
  readonly route: string | undefined;
}

/**
 * One principal's view of the routes: what to allow, what to deny, and per-request answers.
 *
 * @example
 * ```ts
 * const { allow, deny } = table.evaluate(auth);
 * ```
 */
export interface RouteEvaluation {
  /** Resource patterns relative to `{stage}/` for the Allow statement. */
  readonly allow: readonly string[];
  /** Resource patterns relative to `{stage}/` for the Deny statement. */
  readonly deny: readonly string[];
  /** The refusal for one request resource (`GET/orders/1`), or `undefined` when allowed. */
  refusal(resource: string): RouteRefusal | undefined;
  /**
   * The refusal of the rule whose key is exactly `key` (`'DELETE /orders/{id}'`): `undefined`
   * when it allows, `null` when no rule has that key.
   */
  ruleRefusal(key: string): RouteRefusal | undefined | null;
}

/**
 * Compiled route rules, shared by every request.
 *
 * @example
 * ```ts
 * const table: RouteTable = compileRoutes(routes, 'deny');
 * ```
 */
export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
  evaluate(auth: AuthResult): RouteEvaluation;
}

/**
 * The stage wildcard relative to `{stage}/`: every verb and path.
 *
 * @example
 * ```ts
 * buildPolicy(arn, [ALL_ROUTES], []); // Allow the whole stage
 * ```
 */
export const ALL_ROUTES = '*/*';

/**
 * The verbs of the execute-api resource grammar (IAM `execute-api` resource reference).
 *
 * @example
 * ```ts
 * HTTP_METHODS.includes('GET'); // true
 * ```
 */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** Every path of the stage, one pattern per verb a rule can name: never an unnamed verb. */
const NAMED_VERBS = Object.freeze(HTTP_METHODS.map((m) => `${m}/*`));

/** Is the verb of a request resource (`PROPFIND/x`) one that rules can name? */
function isNamedVerb(resource: string): boolean {
  const slash = resource.indexOf('/');
  const verb = slash < 0 ? resource : resource.slice(0, slash);
  return (HTTP_METHODS as readonly string[]).includes(verb);
}

const KEY = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY|\*) (\/[^\s]*)$/;
/**
 * Literal path characters: RFC 3986 pchar without `*` and `?` (IAM wildcards), `{` `}` (path
 * parameters) and `$` (IAM policy variables are `${…}`).
 */
const LITERAL = /^[A-Za-z0-9._~!&'()+,;=:@%-]+$/;
const PARAM = /^\{[A-Za-z0-9_.-]+\}$/;
const GREEDY = /^\{[A-Za-z0-9_.-]+\+\}$/;
/**
 * A Resource ARN may hold at most 512 characters (api-gateway-lambda-authorizer-output.md).
 * The prefix `arn:aws-us-gov:execute-api:<region>:<account>:<apiId>/<stage>/` takes at most
 * about 200 (stage names are up to 128), so a route pattern keeps to 300.
 */
const MAX_PATTERN_LENGTH = 300;

function configError(message: string): TypeError {
  return new TypeError(`cognito-guard: ${message}`);
}

function compilePath(key: string, path: string): string {
  if (path === '/') return '/';
  const segments = path.slice(1).split('/');
  const out: string[] = [];
  segments.forEach((segment, index) => {
    if (segment === '*' || PARAM.test(segment)) {
      out.push('*');
    } else if (GREEDY.test(segment)) {
      if (index !== segments.length - 1) {
        throw configError(`route "${key}": a greedy {name+} segment must come last`);
      }
      out.push('*');
    } else if (LITERAL.test(segment)) {
      out.push(segment);
    } else {
      throw configError(
        `route "${key}": each path segment must be literal text, "*", "{name}" or a final "{name+}" (no empty segments, "?", "$" or partial wildcards)`,
      );
    }
  });
  return `/${out.join('/')}`;
}

function compileRoute(key: string, rule: RouteRule): CompiledRoute {
  const match = KEY.exec(key);
  if (match === null) {
    throw configError(
      `route "${key}" must look like "GET /orders" or "ANY /orders/{id}" (one space, upper-case method, path from /)`,
    );
  }
  if (typeof rule !== 'function' && rule !== 'authenticated' && rule !== 'deny') {
    throw configError(`route "${key}" needs a policy, "authenticated" or "deny"`);
  }
  const method = match[1]!;
  const path = compilePath(key, match[2]!);
  const methods = method === 'ANY' || method === '*' ? HTTP_METHODS : [method];
  const patterns = methods.map((m) => `${m}${path}`);
  for (const pattern of patterns) {
    if (pattern.length > MAX_PATTERN_LENGTH) {
      throw configError(`route "${key}" is longer than ${MAX_PATTERN_LENGTH} characters`);
    }
  }
  return Object.freeze({ key, rule, patterns: Object.freeze(patterns) });
}

/**
 * Runs one rule or default policy: the failure, or `undefined` when it accepts.
 *
 * @example
 * ```ts
 * checkRule(requireGroups('admin'), auth)?.code; // 'GROUP_NOT_ALLOWED' for a non-admin
 * ```
 */
export function checkRule(
  rule: RouteRule | DefaultPolicy,
  auth: AuthResult,
): AuthError | undefined {
  if (rule === 'authenticated') return undefined;
  // An explicit refusal: authenticated, not allowed (CLAIM_CHECK, the generic rule failure).
  if (rule === 'deny') return refusal('CLAIM_CHECK');
  return checkPolicy(rule, auth);
}

/**
 * Compiles route rules once, at factory time. Configuration errors throw a `TypeError` here.
 *
 * @example
 * ```ts
 * const table = compileRoutes({ 'GET /orders': requireScopes('orders/read') }, 'deny');
 * const { allow, deny } = table.evaluate(auth);
 * ```
 */
export function compileRoutes(routes: RouteRules, defaultPolicy: DefaultPolicy): RouteTable {
  if (typeof routes !== 'object' || routes === null || Array.isArray(routes)) {
    throw configError('routes must be an object of "<METHOD> <path>": rule');
  }
  if (
    typeof defaultPolicy !== 'function' &&
    defaultPolicy !== 'deny' &&
    defaultPolicy !== 'authenticated'
  ) {
    throw configError('defaultPolicy must be "deny", "authenticated" or a policy');
  }
  const compiled = Object.freeze(
    Object.keys(routes).map((key) => compileRoute(key, routes[key] as RouteRule)),
  );
  const flat: { readonly pattern: string; readonly route: number }[] = [];
  compiled.forEach((route, index) => {
    for (const pattern of route.patterns) flat.push({ pattern, route: index });
  });
  // Which patterns overlap which depends only on the (static) patterns: each pattern's list is
  // computed the first time it is needed and kept for every later request.
  const neighbourLists: (readonly number[] | undefined)[] = [];
  const neighbours = (i: number): readonly number[] => {
    let list = neighbourLists[i];
    if (list === undefined) {
      list = flat.flatMap((other, j) =>
        j !== i && patternsOverlap(flat[i]!.pattern, other.pattern) ? [j] : [],
      );
      neighbourLists[i] = list;
    }
    return list;
  };

  return {
    routes: compiled,
    evaluate(auth) {
      // checkRule never throws for core's policies: their refusals are built once, so
      // checking every route's rule per request costs no stack captures.
      const errors = compiled.map((route) => checkRule(route.rule, auth));
      const defaultError = checkRule(defaultPolicy, auth);
      let sets: { allow: readonly string[]; deny: readonly string[] } | undefined;
      // Computed on first use: simple responses only need `refusal`.
      const resources = () => {
        if (sets !== undefined) return sets;
        const isAllowed = flat.map((p) => errors[p.route] === undefined);
        const refused = flat.flatMap((_, index) => (isAllowed[index] ? [] : [index]));
        const allow = new Set<string>();
        const deny = new Set<string>();
        if (defaultError === undefined && refused.length === 0) {
          // Nothing refuses this principal: every request, whatever its verb, is allowed.
          allow.add(ALL_ROUTES);
        } else if (defaultError === undefined) {
          // Unlisted routes are open to any valid token: every path for each verb a rule can
          // name, and every refused route needs an explicit Deny (Deny beats Allow). Not the
          // stage wildcard `*/*`: a verb no rule names (PROPFIND) must stay refused here.
          for (const pattern of NAMED_VERBS) allow.add(pattern);
          for (const index of refused) deny.add(flat[index]!.pattern);
        } else {
          flat.forEach((p, index) => {
            if (isAllowed[index]) allow.add(p.pattern);
          });
          // A refused pattern needs a Deny only where an Allow pattern overlaps it; elsewhere the
          // absence of an Allow is already a deny. Every request an allowed pattern matches but a
          // refused one also matches is thereby denied: the encoding is exact, not approximate.
          for (const index of refused) {
            if (neighbours(index).some((j) => isAllowed[j])) deny.add(flat[index]!.pattern);
          }
        }
        sets = { allow: [...allow], deny: [...deny] };
        return sets;
      };

      return {
        get allow() {
          return resources().allow;
        },
        get deny() {
          return resources().deny;
        },
        refusal(resource) {
          if (!isNamedVerb(resource)) {
            // No rule can name this verb: allowed only if nothing refuses the principal.
            const r = errors.findIndex((error) => error !== undefined);
            if (r >= 0) return { error: errors[r]!, route: compiled[r]!.key };
            return defaultError === undefined
              ? undefined
              : { error: defaultError, route: undefined };
          }
          let matched = false;
          for (let r = 0; r < compiled.length; r += 1) {
            const route = compiled[r]!;
            if (!route.patterns.some((p) => resourceMatches(p, resource))) continue;
            matched = true;
            const error = errors[r];
            if (error !== undefined) return { error, route: route.key };
          }
          if (matched || defaultError === undefined) return undefined;
          return { error: defaultError, route: undefined };
        },
        ruleRefusal(key) {
          const r = compiled.findIndex((route) => route.key === key);
          if (r < 0) return null;
          const error = errors[r];
          return error === undefined ? undefined : { error, route: key };
        },
      };
    },
  };
}
