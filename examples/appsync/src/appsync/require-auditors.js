// APPSYNC_JS pipeline function (NONE data source), first step of Query.auditLog: only
// auditors and admins go on to the Lambda that reads the log.
import { requireGroups } from '@cognito-guard/appsync/js';

export function request(ctx) {
  requireGroups(ctx, { anyOf: ['auditors', 'admin'] });
  return { payload: null };
}

export function response(ctx) {
  return ctx.prev.result;
}
