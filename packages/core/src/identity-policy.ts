import { AuthError, refusal } from './errors.js';
import type { IamCaller } from './iam-identity.js';
import { definePolicy, type Policy } from './policy.js';

function names(kind: string, list: readonly string[], allowEmpty: boolean): ReadonlySet<string> {
  if (
    !Array.isArray(list) ||
    (!allowEmpty && list.length === 0) ||
    !list.every((n) => typeof n === 'string' && n.length > 0)
  ) {
    throw new TypeError(
      `cognito-guard: ${kind} takes ${allowEmpty ? '' : 'one or more '}non-empty names`,
    );
  }
  return new Set(list);
}

/**
 * Requires a federated user-pool user (`identities` in the ID token): through one of these
 * providers (`providerName`, e.g. `Google`, a SAML provider's name) when any are given, through
 * any when none are. Refusal: `CLAIM_CHECK`.
 *
 * @example
 * ```ts
 * requireFederation('Google', 'SignInWithApple');
 * ```
 */
export function requireFederation(...providerNames: readonly string[]): Policy {
  const allowed = names('requireFederation', providerNames, true);
  return definePolicy('requireFederation', (auth) => {
    const ok =
      allowed.size === 0
        ? auth.federation.length > 0
        : auth.federation.some((f) => allowed.has(f.providerName));
    return ok ? undefined : refusal('CLAIM_CHECK');
  });
}

/**
 * Requires one of these IAM roles among the user's group roles (`cognito:roles`), compared
 * exactly. Refusal: `CLAIM_CHECK`.
 *
 * @example
 * ```ts
 * requireRoles('arn:aws:iam::123456789012:role/editors');
 * ```
 */
export function requireRoles(...roleArns: readonly string[]): Policy {
  const allowed = names('requireRoles', roleArns, false);
  return definePolicy('requireRoles', (auth) => {
    return auth.roles.arns.some((arn) => allowed.has(arn)) ? undefined : refusal('CLAIM_CHECK');
  });
}

/**
 * Requires the user's preferred role (`cognito:preferred_role`) to be one of these. Refusal:
 * `CLAIM_CHECK`.
 *
 * @example
 * ```ts
 * requirePreferredRole('arn:aws:iam::123456789012:role/admins');
 * ```
 */
export function requirePreferredRole(...roleArns: readonly string[]): Policy {
  const allowed = names('requirePreferredRole', roleArns, false);
  return definePolicy('requirePreferredRole', (auth) => {
    const preferred = auth.roles.preferred;
    return preferred !== undefined && allowed.has(preferred) ? undefined : refusal('CLAIM_CHECK');
  });
}

/**
 * An access rule over an identity-pool caller (a verified identity-pool OpenID token, or an
 * IAM-authorized event): returns when it holds, throws an {@link AuthError} (`CLAIM_CHECK`)
 * when not. Combine them with {@link allOfIdentity} and {@link anyOfIdentity}.
 *
 * @example
 * ```ts
 * const writers: IdentityPolicy = allOfIdentity(requireAuthenticated(), requireLoginProvider('accounts.google.com'));
 * ```
 */
export type IdentityPolicy = (caller: IamCaller) => void;

const IDENTITY_POLICY = Symbol.for('cognito-guard.identity-policy');

function defineIdentityPolicy(name: string, check: (caller: IamCaller) => void): IdentityPolicy {
  const policy = function identityPolicy(caller: IamCaller, extra?: unknown): void {
    if (extra !== undefined || typeof caller !== 'object' || caller === null) {
      throw new TypeError(
        `cognito-guard: ${name}() is an identity policy, not a middleware or hook, and was called with a request`,
      );
    }
    check(caller);
  };
  Object.defineProperty(policy, IDENTITY_POLICY, { value: name });
  return policy;
}

/**
 * Requires a signed-in identity-pool identity: guests and plain IAM principals are refused.
 *
 * @example
 * ```ts
 * checkIdentityPolicy(requireAuthenticated(), caller);
 * ```
 */
export function requireAuthenticated(): IdentityPolicy {
  return defineIdentityPolicy('requireAuthenticated', (caller) => {
    if (caller.kind !== 'cognito-identity' || caller.guest) throw refusal('CLAIM_CHECK');
  });
}

/**
 * Allows any identity-pool identity, guests included; plain IAM principals are refused. The
 * guest read path of a public feed.
 *
 * @example
 * ```ts
 * checkIdentityPolicy(allowGuests(), caller);
 * ```
 */
export function allowGuests(): IdentityPolicy {
  return defineIdentityPolicy('allowGuests', (caller) => {
    if (caller.kind !== 'cognito-identity') throw refusal('CLAIM_CHECK');
  });
}

/**
 * Requires an identity of one of these identity pools.
 *
 * @example
 * ```ts
 * requireIdentityPool('us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab');
 * ```
 */
export function requireIdentityPool(...identityPoolIds: readonly string[]): IdentityPolicy {
  const allowed = names('requireIdentityPool', identityPoolIds, false);
  return defineIdentityPolicy('requireIdentityPool', (caller) => {
    if (caller.kind !== 'cognito-identity' || !allowed.has(caller.identityPoolId)) {
      throw refusal('CLAIM_CHECK');
    }
  });
}

/**
 * Requires a login through one of these providers, as `amr` names them
 * (`accounts.google.com`, `graph.facebook.com`, `cognito-idp.<region>.amazonaws.com/<poolId>`,
 * a developer provider name...). Guests have none.
 *
 * @example
 * ```ts
 * requireLoginProvider('cognito-idp.us-east-1.amazonaws.com/us-east-1_Example');
 * ```
 */
export function requireLoginProvider(...providers: readonly string[]): IdentityPolicy {
  const allowed = names('requireLoginProvider', providers, false);
  return defineIdentityPolicy('requireLoginProvider', (caller) => {
    if (caller.kind !== 'cognito-identity' || !caller.providers.some((p) => allowed.has(p))) {
      throw refusal('CLAIM_CHECK');
    }
  });
}

function runIdentityPolicy(policy: IdentityPolicy, caller: IamCaller): void {
  const outcome: unknown = (policy as (caller: IamCaller) => unknown)(caller);
  if (typeof (outcome as PromiseLike<unknown> | undefined)?.then === 'function') {
    (outcome as PromiseLike<unknown>).then(undefined, () => {});
    throw new AuthError('CLAIM_CHECK', { cause: 'a policy returned a promise' });
  }
}

function checkList(name: string, policies: readonly IdentityPolicy[]): void {
  if (policies.length === 0 || !policies.every((p) => typeof p === 'function')) {
    throw new TypeError(`cognito-guard: ${name} takes one or more identity policies`);
  }
}

/**
 * Every identity policy must hold; the first refusal is the answer.
 *
 * @example
 * ```ts
 * allOfIdentity(requireAuthenticated(), requireIdentityPool('us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab'));
 * ```
 */
export function allOfIdentity(...policies: readonly IdentityPolicy[]): IdentityPolicy {
  checkList('allOfIdentity', policies);
  return defineIdentityPolicy('allOfIdentity', (caller) => {
    for (const policy of policies) runIdentityPolicy(policy, caller);
  });
}

/**
 * One identity policy must hold; when none does, the first refusal is the answer.
 *
 * @example
 * ```ts
 * anyOfIdentity(requireLoginProvider('accounts.google.com'), requireLoginProvider('graph.facebook.com'));
 * ```
 */
export function anyOfIdentity(...policies: readonly IdentityPolicy[]): IdentityPolicy {
  checkList('anyOfIdentity', policies);
  return defineIdentityPolicy('anyOfIdentity', (caller) => {
    let first: unknown;
    for (const policy of policies) {
      try {
        runIdentityPolicy(policy, caller);
        return;
      } catch (err) {
        first ??= err;
      }
    }
    throw first;
  });
}

/**
 * Runs an identity policy and returns its refusal instead of throwing; `undefined` is allowed.
 *
 * @example
 * ```ts
 * const denied = checkIdentityPolicy(requireAuthenticated(), caller);
 * ```
 */
export function checkIdentityPolicy(
  policy: IdentityPolicy,
  caller: IamCaller,
): AuthError | undefined {
  try {
    runIdentityPolicy(policy, caller);
    return undefined;
  } catch (err) {
    if (err instanceof AuthError) return err;
    return new AuthError('CLAIM_CHECK', { cause: err });
  }
}
