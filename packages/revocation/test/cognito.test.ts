import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type AccessTokenClaims, createVerifier, isAuthError } from '@cognito-guard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCognitoSignOut, SignOutError } from '../src/cognito.js';
import {
  createRevocationList,
  memoryStore,
  type RevocationList,
  type RevocationStore,
} from '../src/index.js';
import {
  type CognitoEmulator,
  cognitoClient,
  createAppClient,
  createUser,
  deadline,
  detectMoto,
  signIn,
  startCognitoLocal,
  startMoto,
  tryRefresh,
} from './cognito-emulators.js';

/**
 * The sign-out helper against Cognito emulators: the list must record the revocation AND the
 * emulator must have learned of it (the refresh token stops working, GetUser refuses the access
 * token), and a failing step must be named by `SignOutError`.
 *
 * - cognito-local 5.3.0 implements RevokeToken (it drops the refresh token) but neither
 *   GlobalSignOut nor `origin_jti` in its tokens, so `revokeSession` falls back to the token's
 *   `jti` there.
 * - moto_server implements GlobalSignOut and AdminUserGlobalSignOut (refresh tokens and access
 *   tokens are forgotten, GetUser answers NotAuthorizedException) and puts `origin_jti` in its
 *   tokens. When moto_server is not on PATH, its block is not registered and one line on
 *   stderr says so.
 */

function verifierFor(emulator: CognitoEmulator, clientId: string, list: RevocationList) {
  return createVerifier({
    userPoolId: emulator.userPoolId,
    clientId,
    tokenUse: 'access',
    jwksUri: `${emulator.endpoint}/${emulator.userPoolId}/.well-known/jwks.json`,
    isRevoked: list.isRevoked,
  });
}

/** The AuthError code a verify rejects with, or `'accepted'`. */
async function verdict(verifier: ReturnType<typeof verifierFor>, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (err) {
    if (isAuthError(err)) return err.code;
    throw err;
  }
}

async function signOutError(promise: Promise<unknown>): Promise<SignOutError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SignOutError);
  return err as SignOutError;
}

/** A store that takes nothing: every write rejects, so the list queues it (pending). */
function refusingStore(): RevocationStore {
  return {
    name: 'refusing',
    intervalMs: 0,
    async add() {
      throw new Error('store unreachable');
    },
    async start(sink) {
      sink.heard(sink.now());
    },
    async sync() {},
    async close() {},
  };
}

describe('createCognitoSignOut with cognito-local (RevokeToken)', () => {
  let emulator: CognitoEmulator;
  let client: ReturnType<typeof cognitoClient>;
  let clientId: string;
  const lists: RevocationList[] = [];
  const newList = (store: RevocationStore = memoryStore()) => {
    const list = createRevocationList({ store });
    lists.push(list);
    return list;
  };

  beforeAll(async () => {
    emulator = await startCognitoLocal();
    client = cognitoClient(emulator.endpoint);
    clientId = await createAppClient(client, emulator.userPoolId);
    for (const name of ['carol', 'dave', 'erin', 'frank']) {
      await createUser(client, emulator.userPoolId, name);
    }
  });

  afterAll(async () => {
    await Promise.allSettled(lists.map((l) => l.close()));
    client?.destroy();
    await emulator?.close();
  });

  it('revokes the refresh token in Cognito and refuses the access token through the list', async () => {
    const list = newList();
    const verifier = verifierFor(emulator, clientId, list);
    const tokens = await signIn(client, clientId, 'carol');
    const auth = await verifier.verify(tokens.access);
    expect(await tryRefresh(client, clientId, tokens.refresh)).toBe('refreshed');

    const signOut = createCognitoSignOut({ client, list, clientId });
    const result = await signOut.revokeSession({
      refreshToken: tokens.refresh,
      claims: auth.claims,
    });

    // cognito-local issues no origin_jti: the helper falls back to the token's jti.
    expect(auth.claims.origin_jti).toBeUndefined();
    expect(result.rule).toBe('token');
    expect(result.entry).toMatchObject({ kind: 'token', id: auth.claims.jti });
    expect(await verdict(verifier, tokens.access)).toBe('REVOKED');
    // Cognito learned of it: the refresh token no longer mints tokens.
    expect(await tryRefresh(client, clientId, tokens.refresh)).toBe('NotAuthorizedException');
  });

  it('revokes the whole session by origin_jti when the claims carry it', async () => {
    const list = newList();
    const verifier = verifierFor(emulator, clientId, list);
    const tokens = await signIn(client, clientId, 'dave');
    const auth = await verifier.verify(tokens.access);
    // What Cognito puts in a token when revocation is on for the app client; cognito-local
    // does not, so the claims are extended here to exercise the session rule end to end.
    const claims = { ...auth.claims, origin_jti: 'session-of-dave' };

    const signOut = createCognitoSignOut({ client, list, clientId });
    const result = await signOut.revokeSession({ refreshToken: tokens.refresh, claims });

    expect(result.rule).toBe('session');
    expect(result.entry).toMatchObject({ kind: 'session', id: 'session-of-dave' });
    expect(list.isRevoked(claims as AccessTokenClaims)).toBe(true);
    expect(list.isRevoked(auth.claims)).toBe(false);
    expect(await tryRefresh(client, clientId, tokens.refresh)).toBe('NotAuthorizedException');
  });

  it('says Cognito failed when RevokeToken is refused, and the list still refuses the token', async () => {
    const list = newList();
    const verifier = verifierFor(emulator, clientId, list);
    const tokens = await signIn(client, clientId, 'erin');
    const auth = await verifier.verify(tokens.access);
    const signOut = createCognitoSignOut({ client, list, clientId });
    await signOut.revokeSession({ refreshToken: tokens.refresh, claims: auth.claims });

    // The same refresh token again: Cognito no longer knows it.
    const err = await signOutError(
      signOut.revokeSession({ refreshToken: tokens.refresh, claims: auth.claims }),
    );
    expect(err.list).toBe('ok');
    expect(err.cognito).toBe('failed');
    expect((err.cause as { name?: string }).name).toBe('NotAuthorizedException');
    expect(err.message).toBe('Sign-out incomplete: revocation list ok, Cognito failed');
    expect(await verdict(verifier, tokens.access)).toBe('REVOKED');
  });

  it('says the list is pending when the store cannot take the write, and still revokes in Cognito', async () => {
    const list = newList(refusingStore());
    await list.ready();
    const verifier = verifierFor(emulator, clientId, list);
    const tokens = await signIn(client, clientId, 'frank');
    const auth = await verifier.verify(tokens.access);
    const signOut = createCognitoSignOut({ client, list, clientId });

    const err = await signOutError(
      signOut.revokeSession({ refreshToken: tokens.refresh, claims: auth.claims }),
    );
    expect(err.list).toBe('pending');
    expect(err.cognito).toBe('ok');
    expect((err.cause as { name?: string }).name).toBe('RevocationPendingError');
    // In force in this process at once, queued for the store; Cognito did its part.
    expect(await verdict(verifier, tokens.access)).toBe('REVOKED');
    expect(await tryRefresh(client, clientId, tokens.refresh)).toBe('NotAuthorizedException');
  });

  it('says both failed when the list is closed and Cognito refuses the token', async () => {
    const list = newList();
    await list.close();
    const signOut = createCognitoSignOut({ client, list, clientId });
    const err = await signOutError(
      signOut.revokeSession({
        refreshToken: 'not-a-refresh-token',
        claims: { sub: 'someone', jti: 'some-jti', exp: Math.floor(Date.now() / 1000) + 60 },
      }),
    );
    expect(err.list).toBe('failed');
    expect(err.cognito).toBe('failed');
    expect(Array.isArray(err.cause)).toBe(true);
    expect((err.cause as unknown[]).length).toBe(2);
  });

  it('refuses a call it lacks the configuration for before touching either side', async () => {
    const list = newList();
    const signOut = createCognitoSignOut({ client, list });
    await expect(
      signOut.revokeSession({ refreshToken: 'x', claims: { origin_jti: 'session-x' } }),
    ).rejects.toThrow('createCognitoSignOut needs clientId');
    await expect(signOut.adminSignOut({ username: 'carol' })).rejects.toThrow(
      'createCognitoSignOut needs userPoolId',
    );
    expect(list.status().entries).toBe(0);
  });
});

const hasMoto = detectMoto();
if (!hasMoto) {
  console.warn('moto_server not found on PATH: GlobalSignOut/AdminUserGlobalSignOut tests not run');
}

describe('moto_server detection', () => {
  it('agrees with a second probe of PATH', () => {
    expect(detectMoto()).toBe(hasMoto);
  });
});

if (hasMoto) {
  describe('createCognitoSignOut with moto_server (GlobalSignOut, AdminUserGlobalSignOut)', () => {
    let emulator: CognitoEmulator;
    let client: ReturnType<typeof cognitoClient>;
    let clientId: string;
    const lists: RevocationList[] = [];
    const newList = () => {
      const list = createRevocationList();
      lists.push(list);
      return list;
    };
    /** `'ok'`, or the name of the error GetUser answers with. */
    const getUser = async (accessToken: string): Promise<string> => {
      try {
        await client.send(new GetUserCommand({ AccessToken: accessToken }), deadline());
        return 'ok';
      } catch (err) {
        return (err as { name?: string }).name ?? 'unknown';
      }
    };

    beforeAll(async () => {
      emulator = await startMoto();
      client = cognitoClient(emulator.endpoint);
      clientId = await createAppClient(client, emulator.userPoolId);
      for (const name of ['grace', 'heidi', 'ivan']) {
        await createUser(client, emulator.userPoolId, name);
      }
    }, 30_000);

    afterAll(async () => {
      await Promise.allSettled(lists.map((l) => l.close()));
      client?.destroy();
      await emulator?.close();
    });

    it('signs the user out everywhere in Cognito and in the list with GlobalSignOut', async () => {
      const list = newList();
      const verifier = verifierFor(emulator, clientId, list);
      const first = await signIn(client, clientId, 'grace');
      const second = await signIn(client, clientId, 'grace');
      const auth = await verifier.verify(first.access);
      expect(typeof auth.claims.origin_jti).toBe('string');
      expect(await getUser(first.access)).toBe('ok');

      const signOut = createCognitoSignOut({ client, list });
      const result = await signOut.signOut({ accessToken: first.access, claims: auth.claims });

      expect(result.rule).toBe('user');
      expect(result.entry).toMatchObject({ kind: 'user', id: auth.sub });
      // Both sessions of the user, not only the one that asked.
      expect(await verdict(verifier, first.access)).toBe('REVOKED');
      expect(await verdict(verifier, second.access)).toBe('REVOKED');
      expect(await getUser(second.access)).toBe('NotAuthorizedException');
      expect(await tryRefresh(client, clientId, second.refresh)).toBe('NotAuthorizedException');
    });

    it('says Cognito failed when GlobalSignOut is refused, and the list still signs the user out', async () => {
      const list = newList();
      const verifier = verifierFor(emulator, clientId, list);
      const tokens = await signIn(client, clientId, 'heidi');
      const auth = await verifier.verify(tokens.access);
      const signOut = createCognitoSignOut({ client, list });

      const err = await signOutError(
        signOut.signOut({ accessToken: 'not-an-access-token', claims: auth.claims }),
      );
      expect(err.list).toBe('ok');
      expect(err.cognito).toBe('failed');
      expect((err.cause as { name?: string }).name).toBe('NotAuthorizedException');
      expect(await verdict(verifier, tokens.access)).toBe('REVOKED');
      // Cognito was not told: its side still works, which is why the caller must retry.
      expect(await getUser(tokens.access)).toBe('ok');
    });

    it('signs a user out as an administrator, looking the sub up with AdminGetUser', async () => {
      const list = newList();
      const verifier = verifierFor(emulator, clientId, list);
      const tokens = await signIn(client, clientId, 'ivan');
      const auth = await verifier.verify(tokens.access);
      const signOut = createCognitoSignOut({ client, list, userPoolId: emulator.userPoolId });

      const result = await signOut.adminSignOut({ username: 'ivan' });

      expect(result.rule).toBe('user');
      expect(result.entry).toMatchObject({ kind: 'user', id: auth.sub });
      expect(await verdict(verifier, tokens.access)).toBe('REVOKED');
      expect(await getUser(tokens.access)).toBe('NotAuthorizedException');
      expect(await tryRefresh(client, clientId, tokens.refresh)).toBe('NotAuthorizedException');
    });

    it('records nothing when the administrator names a user Cognito does not have', async () => {
      const list = newList();
      const signOut = createCognitoSignOut({ client, list, userPoolId: emulator.userPoolId });
      const err = await signOut.adminSignOut({ username: 'nobody' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as { name?: string }).name).toBe('UserNotFoundException');
      expect(list.status().entries).toBe(0);
    });

    it('says Cognito failed when AdminUserGlobalSignOut is refused, with the sub given', async () => {
      const list = newList();
      const signOut = createCognitoSignOut({ client, list, userPoolId: emulator.userPoolId });
      const err = await signOutError(signOut.adminSignOut({ username: 'nobody', sub: 'sub-x' }));
      expect(err.list).toBe('ok');
      expect(err.cognito).toBe('failed');
      expect((err.cause as { name?: string }).name).toBe('UserNotFoundException');
      expect(list.isRevoked({ sub: 'sub-x', iat: 1 } as AccessTokenClaims)).toBe(true);
    });
  });
}
