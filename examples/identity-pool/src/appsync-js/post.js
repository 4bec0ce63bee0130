// APPSYNC_JS resolver of Mutation.post(text: String!), on the same DynamoDB data source as
// Query.feed. Signed-in identities of the identity pool only: guests, plain IAM principals and
// other identity pools get AppSync's Unauthorized error, and so does a login through a user pool
// other than USER_POOL_ID (the Lambda resolvers' `userPoolIds`). The author is the user-pool
// `sub` for a user-pool login, else the identity id (a social login).
import { util } from '@aws-appsync/utils';
import { requireIamIdentity } from '@cognito-guard/appsync/js';

export function request(ctx) {
  const caller = requireIamIdentity(ctx, { identityPoolId: ctx.env.IDENTITY_POOL_ID });
  const ourPool = `/${ctx.env.USER_POOL_ID}`;
  const foreign = caller.providers.some(
    (provider) => provider.startsWith('cognito-idp.') && !provider.endsWith(ourPool),
  );
  if (foreign) {
    util.unauthorized();
  }
  const text = ctx.args.text.slice(0, 280);
  if (text.length === 0) {
    util.error('A post needs some text', 'BadRequest');
  }
  const author = caller.userPool === null ? caller.identityId : caller.userPool.sub;
  return {
    operation: 'PutItem',
    key: util.dynamodb.toMapValues({
      pk: 'feed',
      sk: `${util.time.nowISO8601()}#${util.autoId()}`,
    }),
    attributeValues: util.dynamodb.toMapValues({ author, text }),
  };
}

export function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return { author: ctx.result.author, text: ctx.result.text };
}
