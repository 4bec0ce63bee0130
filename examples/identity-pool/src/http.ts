import { allowGuests, type IamCaller, requireAuthenticated } from '@cognito-guard/core';
import { withIamAuth } from '@cognito-guard/lambda';
import { identityOptions } from './config.js';
import { addPost, listPosts } from './feed-store.js';

/**
 * The feed behind API Gateway with `AWS_IAM` authorization (REST or HTTP API, proxy
 * integration). Browsers get AWS credentials from the identity pool: guests get the
 * unauthenticated role, signed-in users the authenticated one; both sign their requests.
 *
 * - `GET /feed`: guests and signed-in users (`allowGuests()`); plain IAM users are refused.
 * - `POST /feed`: signed-in users only (`requireAuthenticated()`); the author is the user-pool
 *   `sub` when the login came from the user pool, else the identity id.
 */
const options = identityOptions();

function authorOf(caller: IamCaller): string {
  if (caller.kind !== 'cognito-identity') return 'unknown';
  return caller.userPool?.sub ?? caller.identityId;
}

export const readFeed = withIamAuth(
  async () => ({ statusCode: 200, body: JSON.stringify(listPosts()) }),
  { ...options, policy: allowGuests() },
);

export const writeFeed = withIamAuth(
  async (event: { body?: string | null }, caller) => {
    const text = typeof event.body === 'string' ? event.body.slice(0, 280) : '';
    if (text.length === 0)
      return { statusCode: 400, body: JSON.stringify({ message: 'empty post' }) };
    return { statusCode: 201, body: JSON.stringify(addPost({ author: authorOf(caller), text })) };
  },
  { ...options, policy: requireAuthenticated() },
);
