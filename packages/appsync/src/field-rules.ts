import { type AuthResult, checkPolicy, type Policy } from '@cognito-guard/core';
import type { AppSyncAuthorizerRequestContext } from './events.js';

/**
 * Field rules of the AppSync authorizer: a policy per GraphQL field; when it fails, the field
 * is listed in `deniedFields` and AppSync forces it to `null`.
 *
 * Keys are the two forms `deniedFields` accepts (AWS AppSync developer guide,
 * security-authz.html, "AWS_LAMBDA authorization"):
 * the short `TypeName.FieldName`, or the full field ARN
 * `arn:aws:appsync:<region>:<account>:apis/<apiId>/types/<TypeName>/fields/<FieldName>`, which
 * the docs recommend when one authorizer serves several APIs.
 *
 * @example
 * ```ts
 * const fields: FieldRules = {
 *   'Mutation.deletePost': requireGroups('admin'),
 *   'arn:aws:appsync:us-east-1:111122223333:apis/abc123/types/Query/fields/auditLog': requireGroups('auditor'),
 * };
 * ```
 */
export type FieldRules = Readonly<Record<string, Policy>>;

/** A GraphQL name (GraphQL spec §2.1.9; the AppSync API reference uses the same pattern). */
const NAME = '[_A-Za-z][_0-9A-Za-z]*';
const SHORT = new RegExp(`^${NAME}\\.${NAME}$`);
/** Any partition (`aws`, `aws-cn`, `aws-us-gov`, ...), a region, a 12-digit account. */
const ARN = new RegExp(
  `^arn:aws(?:-[a-z]+)*:appsync:[a-z]{2}(?:-[a-z]+)+-\\d:(\\d{12}):apis/([A-Za-z0-9]+)/types/${NAME}/fields/${NAME}$`,
);

interface CompiledRule {
  readonly field: string;
  readonly policy: Policy;
  /** For ARN keys: the API the rule belongs to. */
  readonly accountId: string | undefined;
  readonly apiId: string | undefined;
}

/**
 * Field rules checked once, at creation.
 *
 * @example
 * ```ts
 * const denied = compiled.deniedFields(auth, event.requestContext);
 * ```
 */
export interface CompiledFieldRules {
  /** The fields `auth` may not read on the API of `request`, in rule order, without repeats. */
  deniedFields(auth: AuthResult, request: AppSyncAuthorizerRequestContext | undefined): string[];
}

/**
 * Validates the rules (a `TypeError` on a bad key or value) and compiles them.
 *
 * @example
 * ```ts
 * const compiled = compileFieldRules({ 'Mutation.deletePost': requireGroups('admin') });
 * ```
 */
export function compileFieldRules(rules: FieldRules | undefined): CompiledFieldRules {
  if (rules === undefined) return { deniedFields: () => [] };
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
    throw new TypeError('cognito-guard: fields must be an object of field names to policies');
  }
  const compiled: CompiledRule[] = [];
  for (const [field, policy] of Object.entries(rules)) {
    if (typeof policy !== 'function') {
      throw new TypeError(`cognito-guard: fields["${field}"] must be a policy`);
    }
    const arn = ARN.exec(field);
    if (arn === null && !SHORT.test(field)) {
      throw new TypeError(
        `cognito-guard: fields keys must be "Type.field" or a field ARN "arn:aws:appsync:<region>:<account>:apis/<apiId>/types/<Type>/fields/<field>" (got "${field}")`,
      );
    }
    compiled.push({ field, policy, accountId: arn?.[1], apiId: arn?.[2] });
  }
  return {
    deniedFields(auth, request) {
      const denied = new Set<string>();
      for (const rule of compiled) {
        // A full ARN names one API: when the request is for another one, the rule is not about
        // it. When the event does not say which API, the rule applies (fail closed).
        const otherApi =
          rule.apiId !== undefined &&
          ((request?.apiId !== undefined && request.apiId !== rule.apiId) ||
            (request?.accountId !== undefined && request.accountId !== rule.accountId));
        if (otherApi) continue;
        // checkPolicy turns a policy that throws something else into CLAIM_CHECK: denied.
        if (checkPolicy(rule.policy, auth) !== undefined) denied.add(rule.field);
      }
      return [...denied];
    },
  };
}
