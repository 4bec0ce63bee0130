import { AuthError } from './errors.js';

/**
 * The separator of {@link joinGroups}: one space, as `scope` joins scopes (RFC 6749 §3.3).
 *
 * @example
 * ```ts
 * const groups = joined.split(GROUP_SEPARATOR);
 * ```
 */
export const GROUP_SEPARATOR = ' ';

/**
 * Whitespace of any kind, and control characters. Cognito group names match
 * `[\p{L}\p{M}\p{S}\p{N}\p{P}]+` (CreateGroup, `GroupName`,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html),
 * so a real group never holds one; consumers split on `' '` or on `/\s+/`, so either would cut
 * a group that did.
 */
const UNSPLITTABLE = /[\s\p{C}]/u;

/**
 * The groups as one string that splits back exactly: joined with {@link GROUP_SEPARATOR}, or
 * refused with `AuthError('CLAIM_TYPE')` when a group is empty or holds whitespace or a control
 * character. `['readers admin']` joined as-is would read back as `['readers', 'admin']`: a group
 * the token does not have. Flat contexts (API Gateway authorizer `context`, AppSync
 * `resolverContext`) carry groups this way.
 *
 * @example
 * ```ts
 * joinGroups(['admin', 'staff']); // 'admin staff'
 * joinGroups(['readers admin']); // throws AuthError CLAIM_TYPE
 * ```
 */
export function joinGroups(groups: readonly string[]): string {
  for (const group of groups) {
    if (typeof group !== 'string' || group.length === 0 || UNSPLITTABLE.test(group)) {
      throw new AuthError('CLAIM_TYPE', {
        cause: 'a group name is empty or holds whitespace, so joined groups would not split back',
      });
    }
  }
  return groups.join(GROUP_SEPARATOR);
}
