import {
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  GlobalSignOutCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { RevocationEntry } from './entries.js';
import type { RevocationList } from './list.js';

/**
 * Sign-out through Amazon Cognito and the revocation list in one call, so the two never drift:
 * Cognito stops the refresh tokens (no new tokens), the list stops the tokens already out
 * (which Cognito cannot recall: "revoked tokens will still be valid if they are verified using
 * any JWT library", https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html).
 *
 * Order: the list first (in force in this process at once, then in the store), then Cognito.
 * Both are always attempted; if either fails, {@link SignOutError} says which, and the caller
 * may retry: both steps are idempotent.
 */

/** The SDK v3 client, as far as this helper uses it (a `CognitoIdentityProviderClient`). */
export interface CognitoClientLike {
  send(command: unknown): Promise<unknown>;
}

/** Options of {@link createCognitoSignOut}. */
export interface CognitoSignOutOptions {
  readonly client: CognitoClientLike;
  readonly list: RevocationList;
  /** For `adminSignOut`. */
  readonly userPoolId?: string;
  /** For `revokeSession`: the app client that issued the refresh token. */
  readonly clientId?: string;
  /** For `revokeSession`, when the app client has a secret. */
  readonly clientSecret?: string;
}

/** What a sign-out did. */
export interface SignOutResult {
  /** What the list recorded. */
  readonly entry: RevocationEntry;
  /**
   * `session` (by `origin_jti`), `user` (by `sub`), or `token` (the presented token's `jti`,
   * when the claims carry no `origin_jti`: token revocation is off for the app client, or an
   * emulator that does not issue it).
   */
  readonly rule: RevocationEntry['kind'];
}

/** A sign-out step failed: which, and why. The other step was still attempted. */
export class SignOutError extends Error {
  override readonly name = 'SignOutError';
  /** `'ok'`, or `'failed'` (thrown), or `'pending'` (in force here, queued for the store). */
  readonly list: 'ok' | 'pending' | 'failed';
  readonly cognito: 'ok' | 'failed';
  constructor(
    list: SignOutError['list'],
    cognito: SignOutError['cognito'],
    causes: readonly unknown[],
  ) {
    super(`Sign-out incomplete: revocation list ${list}, Cognito ${cognito}`, {
      cause: causes.length === 1 ? causes[0] : causes,
    });
    this.list = list;
    this.cognito = cognito;
  }
}

/** The sign-out helper: see {@link createCognitoSignOut}. */
export interface CognitoSignOut {
  /**
   * Ends one session: RevokeToken on the refresh token, and the list revokes every token of
   * the session (`origin_jti` of the verified claims of the presented token).
   */
  revokeSession(input: {
    readonly refreshToken: string;
    readonly claims: Readonly<Record<string, unknown>>;
  }): Promise<SignOutResult>;
  /**
   * Signs the user out everywhere with their own access token: GlobalSignOut, and the list
   * revokes every token of the `sub` issued until now.
   */
  signOut(input: {
    readonly accessToken: string;
    readonly claims: Readonly<Record<string, unknown>>;
  }): Promise<SignOutResult>;
  /**
   * Signs a user out everywhere as an administrator: AdminUserGlobalSignOut, and the list
   * revokes every token of the user's `sub` (looked up with AdminGetUser when not given).
   */
  adminSignOut(input: { readonly username: string; readonly sub?: string }): Promise<SignOutResult>;
}

function required(value: string | undefined, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`cognito-guard: createCognitoSignOut needs ${name} for this call`);
  }
  return value;
}

/**
 * Creates the sign-out helper.
 *
 * @example
 * ```ts
 * const signOut = createCognitoSignOut({ client: new CognitoIdentityProviderClient({}), list, clientId });
 * app.post('/sign-out', auth, async (req, res) => {
 *   await signOut.revokeSession({ refreshToken: req.body.refreshToken, claims: req.auth.claims });
 *   res.status(204).end();
 * });
 * ```
 */
export function createCognitoSignOut(options: CognitoSignOutOptions): CognitoSignOut {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: createCognitoSignOut options must be an object');
  }
  const { client, list } = options;
  if (typeof client?.send !== 'function') {
    throw new TypeError('cognito-guard: client must be a CognitoIdentityProviderClient');
  }
  if (typeof list?.revokeSession !== 'function') {
    throw new TypeError('cognito-guard: list must be a revocation list');
  }

  async function both(
    recordIt: () => Promise<RevocationEntry>,
    cognitoCall: () => Promise<unknown>,
  ): Promise<RevocationEntry> {
    const [recorded, called] = await Promise.allSettled([
      recordIt(),
      // After the list step has started: the local snapshot already refuses the tokens.
      Promise.resolve().then(cognitoCall),
    ]);
    if (recorded.status === 'fulfilled' && called.status === 'fulfilled') return recorded.value;
    const pending =
      recorded.status === 'rejected' &&
      (recorded.reason as { name?: unknown })?.name === 'RevocationPendingError';
    throw new SignOutError(
      recorded.status === 'fulfilled' ? 'ok' : pending ? 'pending' : 'failed',
      called.status === 'fulfilled' ? 'ok' : 'failed',
      [recorded, called].filter((r) => r.status === 'rejected').map((r) => r.reason),
    );
  }

  return {
    async revokeSession({ refreshToken, claims }) {
      const clientId = required(options.clientId, 'clientId');
      if (typeof refreshToken !== 'string' || refreshToken.length === 0) {
        throw new TypeError('cognito-guard: revokeSession needs the refresh token');
      }
      const hasOrigin = typeof claims?.['origin_jti'] === 'string';
      const entry = await both(
        () => (hasOrigin ? list.revokeSession(claims) : list.revokeToken(claims)),
        () =>
          client.send(
            new RevokeTokenCommand({
              Token: refreshToken,
              ClientId: clientId,
              ...(options.clientSecret === undefined ? {} : { ClientSecret: options.clientSecret }),
            }),
          ),
      );
      return { entry, rule: entry.kind };
    },
    async signOut({ accessToken, claims }) {
      if (typeof accessToken !== 'string' || accessToken.length === 0) {
        throw new TypeError('cognito-guard: signOut needs the access token');
      }
      const entry = await both(
        () => list.signOutUser(claims),
        () => client.send(new GlobalSignOutCommand({ AccessToken: accessToken })),
      );
      return { entry, rule: entry.kind };
    },
    async adminSignOut({ username, sub }) {
      const userPoolId = required(options.userPoolId, 'userPoolId');
      if (typeof username !== 'string' || username.length === 0) {
        throw new TypeError('cognito-guard: adminSignOut needs the username');
      }
      let id = sub;
      if (id === undefined) {
        const user = (await client.send(
          new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }),
        )) as { UserAttributes?: Array<{ Name?: string; Value?: string }> };
        id = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
        if (id === undefined) throw new Error('Cognito returned the user without a sub');
      }
      const subject = id;
      const entry = await both(
        () => list.signOutUser(subject),
        () =>
          client.send(
            new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username }),
          ),
      );
      return { entry, rule: entry.kind };
    },
  };
}
