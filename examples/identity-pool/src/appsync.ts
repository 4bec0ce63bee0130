import { withIamAuth } from '@cognito-guard/appsync';
import { allowGuests, requireAuthenticated } from '@cognito-guard/core';
import { identityOptions } from './config.js';
import { addPost, type FeedPost, listPosts } from './feed-store.js';

/**
 * The same feed as direct Lambda resolvers of an AppSync API with `AWS_IAM` authorization:
 * `Query.feed` for guests and signed-in users, `Mutation.post` for signed-in users only.
 */
const options = identityOptions();

/** The direct-resolver event of `Mutation.post(text: String!)`. */
export interface PostEvent {
  readonly arguments: { readonly text: string };
  readonly identity?: unknown;
}

export const feed = withIamAuth(async () => listPosts(), { ...options, policy: allowGuests() });

export const post = withIamAuth(
  async (event: PostEvent, caller): Promise<FeedPost> => {
    const author =
      caller.kind === 'cognito-identity' ? (caller.userPool?.sub ?? caller.identityId) : 'unknown';
    return addPost({ author, text: String(event.arguments.text).slice(0, 280) });
  },
  { ...options, policy: requireAuthenticated() },
);
