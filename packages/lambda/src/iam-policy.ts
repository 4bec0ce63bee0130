import type { PolicyDocument, Statement } from 'aws-lambda';
import { type MethodArn, stageWildcard } from './method-arn.js';
import { resourceMatches } from './resource-glob.js';

/**
 * The IAM policy an authorizer returns (api-gateway-lambda-authorizer-output.md). One Allow
 * statement and at most one Deny statement, each with a `Resource` array: `Action` and
 * `Resource` may be strings or arrays [doc S2], and consolidating keeps a policy for hundreds of
 * routes small.
 */

/**
 * How API Gateway evaluates a policy for one request ARN: Deny beats Allow, no Allow is a deny.
 *
 * @example
 * ```ts
 * const decision: PolicyDecision = evaluatePolicy(result.policyDocument, arn);
 * ```
 */
export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

/**
 * Each Resource ARN in the returned policy may be at most 512 characters [doc S2].
 *
 * @example
 * ```ts
 * if (resource.length > MAX_RESOURCE_LENGTH) throw new RangeError('too long');
 * ```
 */
export const MAX_RESOURCE_LENGTH = 512;

const ACTION = 'execute-api:Invoke';

function statement(effect: 'Allow' | 'Deny', resources: readonly string[]): Statement {
  return { Action: ACTION, Effect: effect, Resource: [...resources] };
}

/**
 * Builds the policy document from resource patterns relative to `{stage}/` (`GET/orders/*`).
 * With nothing to allow, the answer is an explicit Deny of the whole stage, so that a cached
 * result refuses every route. Throws (a 500, never an Allow) if a resource would exceed AWS's
 * 512-character limit: dropping a Deny to fit would open a route.
 *
 * @example
 * ```ts
 * buildPolicy(parseMethodArn(event.methodArn), ['GET/orders'], []);
 * ```
 */
export function buildPolicy(
  arn: MethodArn,
  allow: readonly string[],
  deny: readonly string[],
): PolicyDocument {
  const full = (relative: string) => {
    const resource = `${arn.prefix}${relative}`;
    if (resource.length > MAX_RESOURCE_LENGTH) {
      throw new RangeError(
        `cognito-guard: a policy resource is longer than ${MAX_RESOURCE_LENGTH} characters`,
      );
    }
    return resource;
  };
  if (allow.length === 0) {
    return { Version: '2012-10-17', Statement: [statement('Deny', [stageWildcard(arn)])] };
  }
  const statements = [statement('Allow', allow.map(full))];
  if (deny.length > 0) statements.push(statement('Deny', deny.map(full)));
  return { Version: '2012-10-17', Statement: statements };
}

function list(value: unknown): readonly string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new TypeError('cognito-guard: a statement Resource or Action must be strings');
}

/**
 * Evaluates an `execute-api:Invoke` policy for one request ARN the way API Gateway does:
 * an explicit Deny wins, then an Allow, else an implicit deny. Supports the elements this
 * package emits (`Effect`, `Action`, `Resource`); anything else throws a `TypeError`. Handy
 * for checking what a cached policy lets a token do.
 *
 * @example
 * ```ts
 * const result = await authorizer(event);
 * evaluatePolicy(result.policyDocument, 'arn:aws:execute-api:eu-west-1:123456789012:abc/prod/DELETE/orders/1');
 * ```
 */
export function evaluatePolicy(policy: PolicyDocument, requestArn: string): PolicyDecision {
  let allowed = false;
  for (const raw of policy.Statement) {
    const s = raw as unknown as Record<string, unknown>;
    for (const key of Object.keys(s)) {
      if (key !== 'Effect' && key !== 'Action' && key !== 'Resource' && key !== 'Sid') {
        throw new TypeError(`cognito-guard: evaluatePolicy does not support ${key}`);
      }
    }
    const actions = list(s.Action);
    if (!actions.some((a) => a === ACTION || a === 'execute-api:*' || a === '*')) continue;
    if (!list(s.Resource).some((r) => resourceMatches(r, requestArn))) continue;
    if (s.Effect === 'Deny') return 'explicit-deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}
