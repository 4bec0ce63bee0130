import type { AuthResult } from '@cognito-guard/core';
import { anyOf, checkPolicy, requirePreferredRole, requireRoles } from '@cognito-guard/core';

const editors = 'arn:aws:iam::123456789012:role/editors';
const admins = 'arn:aws:iam::123456789012:role/admins';
// cognito:roles holds the IAM roles of the user's groups; cognito:preferred_role the one of the
// group with the best precedence.
const canEdit = anyOf(requireRoles(editors), requirePreferredRole(admins));

export function editableBy(auth: AuthResult): boolean {
  return checkPolicy(canEdit, auth) === undefined && auth.roles.arns.length > 0;
}
