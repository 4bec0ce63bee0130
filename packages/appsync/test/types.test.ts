import { allowGuests, requireGroups } from '@cognito-guard/core';
import type { AppSyncResolverEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type AppSyncAuthorizerOptions,
  type BatchItem,
  createAppSyncAuthorizer,
  type DenialEnvelope,
  type IamResolverGuardOptions,
  withAuth,
  withIamAuth,
} from '../src/index.js';

// Compile-time checks (tsc -p tsconfig.test.json); the runtime part only keeps vitest happy.

type Event = AppSyncResolverEvent<{ id: string }>;
interface Post {
  readonly id: string;
}

const handler = async (event: Event): Promise<Post> => ({ id: event.arguments.id });

export async function typeChecks(event: Event): Promise<void> {
  const throwing = withAuth(requireGroups('admin'), handler);
  const post: Post = await throwing(event);

  const enveloping = withAuth(requireGroups('admin'), handler, { deny: 'envelope' });
  const either: Post | DenialEnvelope = await enveloping(event);
  // @ts-expect-error: with deny 'envelope' a single call may answer with a denial
  const onlyPost: Post = await enveloping(event);

  const batch: BatchItem<Post>[] = await throwing([event, event]);
  // @ts-expect-error: a batch answers items, not bare results
  const bare: Post[] = await throwing([event]);

  const iamOptions = { identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab' };
  const iamThrowing = withIamAuth(handler, iamOptions);
  const iamPost: Post = await iamThrowing(event);
  const iamBatch: BatchItem<Post>[] = await iamThrowing([event, event]);
  const iamEnveloping = withIamAuth(handler, { ...iamOptions, deny: 'envelope' });
  const iamEither: Post | DenialEnvelope = await iamEnveloping(event);
  // @ts-expect-error: with deny 'envelope' a single call may answer with a denial
  const iamOnlyPost: Post = await iamEnveloping(event);
  // @ts-expect-error: a batch answers items, not bare results
  const iamBare: Post[] = await iamThrowing([event]);
  const iamGuestOptions: IamResolverGuardOptions = { ...iamOptions, policy: allowGuests() };

  // @ts-expect-error: the verifier is required
  createAppSyncAuthorizer({ fields: {} });
  // @ts-expect-error: tokenUse and clientId must be given (or null) for a verifier
  createAppSyncAuthorizer({ verifier: { userPoolId: 'us-east-1_Example' } });
  const options: AppSyncAuthorizerOptions = {
    verifier: { userPoolId: 'us-east-1_Example', clientId: null, tokenUse: 'access' },
    // @ts-expect-error: resolverContext entries are strings
    resolverContext: () => ({ count: 1 }),
  };
  void [post, either, onlyPost, batch, bare, options];
  void [iamPost, iamBatch, iamEither, iamOnlyPost, iamBare, iamGuestOptions];
}

describe('types', () => {
  it('compiles the checks above', () => {
    expect(typeof typeChecks).toBe('function');
  });
});
