import { withAuth } from '@cognito-guard/appsync';
import { requireGroups } from '@cognito-guard/core';
import type { AppSyncResolverEvent } from 'aws-lambda';

// A Lambda resolver (direct or pipeline function) that only admins reach.
export const handler = withAuth(
  requireGroups('admin'),
  async (event: AppSyncResolverEvent<{ id: string }>, auth) => ({
    id: event.arguments.id,
    deletedBy: auth.sub,
  }),
);
