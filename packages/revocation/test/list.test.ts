import { AuthError, createIdentityPoolVerifier, createVerifier } from '@cognito-guard/core';
import { createTestIdentityPool, createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRevocationList,
  decodeEntry,
  encodeEntry,
  memoryStore,
  type RevocationEvent,
  type RevocationSink,
  type RevocationStore,
} from '../src/index.js';

const T0 = Date.UTC(2030, 0, 1);
function manualClock(start = T0) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function claims(extra: Record<string, unknown> = {}) {
  return {
    sub: 'user-1',
    iat: T0 / 1000 - 10,
    exp: T0 / 1000 + 3590,
    jti: 'jti-1',
    origin_jti: 'origin-1',
    token_use: 'access',
    ...extra,
  } as never;
}

/** A store under the test's control: it answers when told to, or never. */
function controlledStore(intervalMs = 1000) {
  let sink: RevocationSink | undefined;
  let answer: () => Promise<void> = async () => sink!.heard(sink!.now());
  const store: RevocationStore = {
    name: 'controlled',
    intervalMs,
    async add(entry) {
      sink!.apply([encodeEntry(entry)]);
    },
    async start(s) {
      sink = s;
      await answer();
    },
    sync: () => answer(),
    async close() {},
  };
  return {
    store,
    sink: () => sink!,
    answerWith(fn: () => Promise<void>) {
      answer = fn;
    },
  };
}

describe('createRevocationList', () => {
  it('revokes a session by origin_jti, covering the access and the ID token of it', async () => {
    const list = createRevocationList({ clock: manualClock().now });
    await list.ready();
    expect(list.isRevoked(claims())).toBe(false);
    await list.revokeSession(claims());
    expect(list.isRevoked(claims())).toBe(true);
    expect(list.isRevoked(claims({ jti: 'id-token-jti', token_use: 'id' }))).toBe(true);
    expect(list.isRevoked(claims({ origin_jti: 'origin-2', jti: 'jti-2' }))).toBe(false);
  });

  it('signs a user out: tokens issued up to that second are revoked, later ones are not', async () => {
    const clock = manualClock();
    const list = createRevocationList({ clock: clock.now });
    await list.signOutUser('user-1');
    expect(list.isRevoked(claims({ iat: T0 / 1000 - 3000 }))).toBe(true);
    expect(list.isRevoked(claims({ iat: T0 / 1000 }))).toBe(true);
    expect(list.isRevoked(claims({ iat: T0 / 1000 + 1, origin_jti: 'new', jti: 'new' }))).toBe(
      false,
    );
    expect(list.isRevoked(claims({ sub: 'user-2' }))).toBe(false);
  });

  it('revokes one token by jti and no other of its session', async () => {
    const list = createRevocationList({ clock: manualClock().now });
    await list.revokeToken(claims());
    expect(list.isRevoked(claims())).toBe(true);
    expect(list.isRevoked(claims({ jti: 'jti-2' }))).toBe(false);
  });

  it('drops an entry once no token it covers can be valid (max lifetime + tolerance)', async () => {
    const clock = manualClock();
    const list = createRevocationList({
      clock: clock.now,
      maxTokenLifetimeSeconds: 3600,
      clockToleranceSeconds: 5,
    });
    await list.revokeSession('origin-1');
    clock.advance(3_605_000 - 1);
    expect(list.isRevoked(claims())).toBe(true);
    clock.advance(1);
    expect(list.isRevoked(claims())).toBe(false);
  });

  it('bounds a token entry by the token exp plus tolerance', async () => {
    const list = createRevocationList({ clock: manualClock().now });
    const entry = await list.revokeToken(claims({ exp: T0 / 1000 + 60 }));
    expect(entry.expiresAt).toBe(T0 + 65_000);
  });

  it('shares revocations between lists on one memory store', async () => {
    const shared = memoryStore();
    const a = createRevocationList({ store: shared });
    const b = createRevocationList({ store: shared });
    await a.revokeToken('jti-1');
    expect(b.isRevoked(claims())).toBe(true);
    const c = createRevocationList({ store: shared });
    await c.ready();
    expect(c.isRevoked(claims())).toBe(true);
  });

  it('refuses ids and claims that cannot name a rule with a TypeError', async () => {
    const list = createRevocationList();
    await expect(list.revokeSession({ jti: 'x' })).rejects.toThrow(
      /origin_jti.*EnableTokenRevocation/,
    );
    await expect(list.revokeToken('')).rejects.toThrow(TypeError);
    await expect(list.signOutUser('a b')).rejects.toThrow(TypeError);
    await expect(list.revokeToken('x'.repeat(257))).rejects.toThrow(TypeError);
    expect(() => createRevocationList({ maxStaleMs: 1 } as never)).toThrow(/maxStaleMs/);
    expect(() => createRevocationList({ onStale: 'open' } as never)).toThrow(/onStale/);
  });

  it('skips malformed entries from the store and reports them, keeping the good ones', async () => {
    const events: RevocationEvent[] = [];
    const ctl = controlledStore();
    const list = createRevocationList({
      store: ctl.store,
      clock: manualClock().now,
      onEvent: (e) => events.push(e),
    });
    await list.ready();
    ctl
      .sink()
      .apply([
        'not json',
        '{"k":"x","id":"a","at":1893456000000,"exp":1893456000001}',
        '{"k":"s","id":"","at":1893456000000,"exp":1893456000001}',
        '{"k":"s","id":"a","at":"now","exp":1893456000001}',
        '{"k":"s","id":"a","at":1e308,"exp":1e308}',
        42,
        null,
        { k: 's', id: 'origin-1', at: T0, exp: T0 + 60_000 },
        `{"k":"t","id":"${'x'.repeat(5000)}","at":1,"exp":2}`,
      ]);
    expect(list.isRevoked(claims())).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ type: 'invalid-entry', count: 8 }));
    expect(
      decodeEntry('{"k":"__proto__","id":"a","at":1893456000000,"exp":1893456000001}'),
    ).toEqual({ ok: false, reason: 'kind' });
  });

  it('holds at most maxEntries live entries and then fails closed (REVOCATION_UNAVAILABLE)', async () => {
    const events: RevocationEvent[] = [];
    const list = createRevocationList({ maxEntries: 3, onEvent: (e) => events.push(e) });
    for (const id of ['a', 'b', 'c']) await list.revokeToken(id);
    expect(list.isRevoked(claims())).toBe(false);
    await list.revokeToken('d');
    expect(list.status().entries).toBe(3);
    expect(() => list.isRevoked(claims())).toThrow(
      expect.objectContaining({ code: 'REVOCATION_UNAVAILABLE' }),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'overflow', maxEntries: 3 }));
  });

  it('answers synchronously while current, and fails closed past the staleness bound (REVOCATION_UNAVAILABLE, 503)', async () => {
    const clock = manualClock();
    const ctl = controlledStore(1000);
    const list = createRevocationList({ store: ctl.store, clock: clock.now, maxStalenessMs: 5000 });
    await list.ready();
    expect(list.isRevoked(claims())).toBe(false);
    clock.advance(4000);
    expect(list.isRevoked(claims())).toBe(false);
    // The store is down: the on-demand sync fails, the answer is a 503, never an allow.
    ctl.answerWith(async () => {
      throw new Error('connection refused');
    });
    clock.advance(1001);
    const outcome = list.isRevoked(claims());
    const err = await Promise.resolve(outcome).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toBe('REVOCATION_UNAVAILABLE');
    expect((err as AuthError).status).toBe(503);
    expect((err as AuthError).retryAfterSeconds).toBe(1);
    // Right after a failure, refused at once without another round trip.
    expect(() => list.isRevoked(claims())).toThrow(
      expect.objectContaining({ code: 'REVOCATION_UNAVAILABLE' }),
    );
    expect(list.status().unavailable).toBe(true);
    // Back: one sync and it serves again.
    ctl.answerWith(async () => ctl.sink().heard(clock.now()));
    clock.advance(2000);
    expect(await list.isRevoked(claims())).toBe(false);
    expect(list.isRevoked(claims())).toBe(false);
  });

  it('refuses when a sync hangs past syncTimeoutMs (a slow store), without hanging', async () => {
    const clock = manualClock();
    const ctl = controlledStore(1000);
    const list = createRevocationList({ store: ctl.store, clock: clock.now, syncTimeoutMs: 50 });
    await list.ready();
    ctl.answerWith(() => new Promise(() => {}));
    clock.advance(60_000);
    await expect(Promise.resolve(list.isRevoked(claims()))).rejects.toMatchObject({
      code: 'REVOCATION_UNAVAILABLE',
    });
  });

  it('lets a stale list answer from its snapshot only with onStale: "allow"', async () => {
    const clock = manualClock();
    const ctl = controlledStore(1000);
    const events: RevocationEvent[] = [];
    const list = createRevocationList({
      store: ctl.store,
      clock: clock.now,
      onStale: 'allow',
      onEvent: (e) => events.push(e),
    });
    await list.ready();
    await list.revokeToken('jti-1');
    ctl.answerWith(() => Promise.reject(new Error('down')));
    clock.advance(3_600_000);
    expect(list.isRevoked(claims())).toBe(true);
    expect(list.isRevoked(claims({ jti: 'other', origin_jti: 'other' }))).toBe(false);
    expect(events.some((e) => e.type === 'stale')).toBe(true);
  });

  it('keeps a revocation the store could not take in force here, queued, and flushes it once the store is back', async () => {
    const clock = manualClock();
    const ctl = controlledStore(1000);
    const added: string[] = [];
    let down = true;
    ctl.store.add = async (entry) => {
      if (down) throw new Error('down');
      added.push(entry.id);
    };
    const list = createRevocationList({ store: ctl.store, clock: clock.now });
    await list.ready();
    await expect(list.revokeSession('origin-1')).rejects.toMatchObject({
      name: 'RevocationPendingError',
    });
    expect(list.isRevoked(claims())).toBe(true);
    expect(list.status().pending).toBe(1);
    down = false;
    ctl.sink().heard(clock.now());
    await new Promise((r) => setTimeout(r, 10));
    expect(added).toEqual(['origin-1']);
    expect(list.status().pending).toBe(0);
  });

  it('fails closed after close()', async () => {
    const list = createRevocationList();
    await list.close();
    expect(() => list.isRevoked(claims())).toThrow(
      expect.objectContaining({ code: 'REVOCATION_UNAVAILABLE' }),
    );
  });
});

describe('revocation list on a verifier', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(async () => {
    await issuer?.close();
  });

  it('refuses a revoked session on a cache hit (REVOKED) and keeps other sessions', async () => {
    const list = createRevocationList();
    const verifier = createVerifier({
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: null,
      jwksUri: issuer.jwksUri,
      isRevoked: list.isRevoked,
    });
    const access = await issuer.mintAccessToken({ claims: { origin_jti: 'session-a' } });
    const id = await issuer.mintIdToken({ claims: { origin_jti: 'session-a' } });
    const other = await issuer.mintAccessToken({ claims: { origin_jti: 'session-b' } });
    // Twice each: the second verification caches the outcome (the token cache's doorkeeper).
    await verifier.verify(access);
    const auth = await verifier.verify(access);
    await verifier.verify(id);
    await verifier.verify(id);
    await list.revokeSession(auth.claims);
    for (const token of [access, id]) {
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'REVOKED', status: 401 });
    }
    expect((await verifier.verify(other)).sub).toBe(auth.sub);
  });

  it('signs an identity out of an identity-pool verifier, the hook passed as is (REVOKED)', async () => {
    const pool = await createTestIdentityPool();
    try {
      const list = createRevocationList();
      const verifier = createIdentityPoolVerifier({
        identityPoolId: pool.identityPoolId,
        allowGuests: true,
        jwksUri: pool.jwksUri,
        isRevoked: list.isRevoked,
      });
      const alice = { kind: 'social', provider: 'accounts.google.com', userId: 'alice' } as const;
      const bob = { kind: 'social', provider: 'accounts.google.com', userId: 'bob' } as const;
      const aliceToken = await pool.mintOpenIdToken({ login: alice });
      const bobToken = await pool.mintOpenIdToken({ login: bob });
      for (let i = 0; i < 3; i++) await verifier.verify(aliceToken);
      await list.signOutUser(pool.identityIdFor(alice));
      await expect(verifier.verify(aliceToken)).rejects.toMatchObject({ code: 'REVOKED' });
      expect((await verifier.verify(bobToken)).identityId).toBe(pool.identityIdFor(bob));
    } finally {
      await pool.close();
    }
  });
});
