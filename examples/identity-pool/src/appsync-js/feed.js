// APPSYNC_JS resolver of Query.feed, on a DynamoDB data source (the feed table: partition key
// `pk`, sort key `sk`). Guests and signed-in users of the identity pool read the feed; any other
// caller (a plain IAM user or role, another identity pool) gets AppSync's Unauthorized error.
// The identity pool comes from the API's environment variable IDENTITY_POOL_ID (`ctx.env`,
// https://docs.aws.amazon.com/appsync/latest/devguide/environment-variables.html).
import { util } from '@aws-appsync/utils';
import { requireIamIdentity } from '@cognito-guard/appsync/js';

export function request(ctx) {
  requireIamIdentity(ctx, { identityPoolId: ctx.env.IDENTITY_POOL_ID, allowGuests: true });
  return {
    operation: 'Query',
    query: {
      expression: 'pk = :pk',
      expressionValues: util.dynamodb.toMapValues({ ':pk': 'feed' }),
    },
    // Newest first: the sort key starts with the time of the post.
    scanIndexForward: false,
    limit: 50,
  };
}

export function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result.items.map((item) => ({ author: item.author, text: item.text }));
}
