import {
  type ResolverDenial,
  type ResolverGuardOptions,
  type VerifierSource,
  withAuth,
} from '@cognito-guard/appsync';
import { requireGroups } from '@cognito-guard/core';
import { verifierOptions } from './config.js';

/** The event the resolver code (`appsync/invoke-guarded-lambda.js`) sends to this Lambda. */
export interface DeletePostEvent {
  readonly arguments: { readonly id: string };
  readonly identity?: unknown;
  readonly request?: { readonly headers?: Readonly<Record<string, string | undefined>> };
  readonly info?: { readonly fieldName?: string; readonly parentTypeName?: string };
}

/** What `Mutation.deletePost` returns. */
export interface DeletedPost {
  readonly id: string;
  readonly title: string;
  readonly deletedBy: string;
}

/**
 * `Mutation.deletePost`: admins only. The guard re-verifies the raw token from
 * `request.headers.authorization` instead of trusting `identity` (defence in depth, and the only
 * safe choice under the Amplify simulator, which never checks signatures), and answers a
 * refusal with a denial envelope that the resolver's response handler turns into
 * `util.unauthorized()`.
 */
export function createDeletePostResolver(options: {
  readonly verifier: VerifierSource;
  readonly onEvent?: (denial: ResolverDenial) => void;
}) {
  const guardOptions: ResolverGuardOptions<'envelope'> = {
    verifier: options.verifier,
    deny: 'envelope',
    onEvent: options.onEvent,
  };
  return withAuth(
    requireGroups('admin'),
    async (event: DeletePostEvent, auth): Promise<DeletedPost> => ({
      id: event.arguments.id,
      title: `Post ${event.arguments.id}`,
      deletedBy: auth.username ?? auth.sub,
    }),
    guardOptions,
  );
}

export const handler = createDeletePostResolver({ verifier: verifierOptions() });
