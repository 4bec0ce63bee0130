/**
 * Types of `@cognito-guard/appsync/js`, the APPSYNC_JS guard (`guard.js`).
 *
 * @example
 * ```ts
 * import { requireGroups } from '@cognito-guard/appsync/js';
 * export function request(ctx: Context) { requireGroups(ctx, 'admin'); return {}; }
 * ```
 */

/** Anything with AppSync's `ctx.identity` (the `Context` of `@aws-appsync/utils`). */
export interface GuardContext {
  readonly identity?: unknown;
}

/** A name or a list of names (all of them), or an all-of / any-of / none-of rule. */
export type MembershipRule =
  | string
  | readonly string[]
  | {
      readonly allOf?: readonly string[];
      readonly anyOf?: readonly string[];
      readonly noneOf?: readonly string[];
    };

/** The caller, as read from `ctx.identity`. */
export interface CognitoCaller {
  readonly mode: 'cognito' | 'oidc' | 'lambda';
  readonly sub: string;
  readonly username: string | null;
  readonly groups: readonly string[];
  readonly scopes: readonly string[];
  /** The token's claims; in Lambda mode, the authorizer's `resolverContext` (strings). */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A denial returned by `withAuth(..., { deny: 'envelope' })` or in a batch. */
export interface Denial {
  readonly data: null;
  readonly errorType: 'Unauthorized' | 'ServiceUnavailable';
  readonly errorMessage: string;
}

/** The caller, or `null` when `ctx.identity` holds no Cognito user. */
export function cognitoIdentity(ctx: GuardContext): CognitoCaller | null;
/** Requires a Cognito user; `util.unauthorized()` otherwise. */
export function requireUser(ctx: GuardContext): CognitoCaller;
/** Whether the caller's groups satisfy `rule`. */
export function hasGroups(ctx: GuardContext, rule: MembershipRule): boolean;
/** Whether the caller's scopes satisfy `rule`. */
export function hasScopes(ctx: GuardContext, rule: MembershipRule): boolean;
/** Requires group membership; `util.unauthorized()` otherwise. */
export function requireGroups(ctx: GuardContext, rule: MembershipRule): CognitoCaller;
/** Requires scopes; `util.unauthorized()` otherwise. */
export function requireScopes(ctx: GuardContext, rule: MembershipRule): CognitoCaller;
/** Requires exact claim values; `util.unauthorized()` otherwise. */
export function requireClaims(
  ctx: GuardContext,
  expected: Readonly<Record<string, string | number | boolean>>,
): CognitoCaller;
/** Whether `result` is a denial of the Lambda resolver guard. */
export function isDenial(result: unknown): result is Denial;
/** Turns a denial into `util.unauthorized()` / `util.error()`; returns other results as they are. */
export function raiseOnDenial<T>(result: T): Exclude<T, Denial>;

/** An `AWS_IAM` caller, as read from `ctx.identity`. */
export type IamCaller =
  | {
      readonly kind: 'cognito-identity';
      readonly identityId: string;
      readonly identityPoolId: string;
      readonly guest: boolean;
      readonly providers: readonly string[];
      readonly userPool: { readonly userPoolId: string; readonly sub: string } | null;
      readonly userArn: string | null;
    }
  | { readonly kind: 'iam'; readonly userArn: string };
/** The `AWS_IAM` caller, or `null` when `ctx.identity` holds none or a malformed one. */
export function iamCaller(ctx: GuardContext): IamCaller | null;
/** Requires an identity-pool caller of these pools (guests only when allowed); `util.unauthorized()` otherwise. */
export function requireIamIdentity(
  ctx: GuardContext,
  options: { readonly identityPoolId: string | readonly string[]; readonly allowGuests?: boolean },
): Extract<IamCaller, { kind: 'cognito-identity' }>;
