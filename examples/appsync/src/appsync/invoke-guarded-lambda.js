// APPSYNC_JS code for a resolver (or pipeline function) whose data source is a Lambda guarded
// by `withAuth(..., { deny: 'envelope' })`. Used for Mutation.deletePost.
import { util } from '@aws-appsync/utils';
import { raiseOnDenial } from '@cognito-guard/appsync/js';

export function request(ctx) {
  // The guard needs the identity, the headers (to re-verify the token) and the field name.
  return {
    operation: 'Invoke',
    payload: {
      arguments: ctx.args,
      identity: ctx.identity,
      request: ctx.request,
      info: { fieldName: ctx.info.fieldName, parentTypeName: ctx.info.parentTypeName },
    },
  };
}

export function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  // The guard's denial becomes the same Unauthorized error as a schema directive's.
  return raiseOnDenial(ctx.result);
}
