import { rmSync } from 'node:fs';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRevocationList, type RevocationEvent, redisStore } from '../src/index.js';
import {
  bundleWorker,
  freePort,
  hasRedisServer,
  type Outcome,
  percentile,
  RedisServer,
  tempDir,
  Worker,
  waitFor,
} from './fleet/harness.js';

/**
 * The distributed claim on a real redis-server (Debian package; `.ci/run` installs it): four
 * OS processes, each with its own verifier and list, two node-redis v5, one node-redis v4 and
 * one ioredis. Bounds stated here, with a 100 ms heartbeat and a 1500 ms staleness bound:
 * - a revocation reaches every process through pub/sub; the guaranteed bound, whatever happens
 *   to pub/sub, is one heartbeat plus one Redis round trip (asserted: 1000 ms here); the p50
 *   and p99 are printed (target: p99 under 100 ms);
 * - Redis down: every process keeps serving until the staleness bound, then refuses with
 *   REVOCATION_UNAVAILABLE; Redis back (its AOF kept the data): every process resyncs,
 *   revocations made during the outage included.
 */

if (!hasRedisServer()) {
  // Not skipped: CI installs redis-server (.ci/run); a machine without it fails here, plainly.
  throw new Error('redis-server not found on PATH: install it (apt-get install -y redis-server)');
}

const HEARTBEAT_MS = 100;
const MAX_STALENESS_MS = 1500;
const STORES = ['node-redis5', 'node-redis5', 'node-redis4', 'ioredis'] as const;

let issuer: TestIssuer;
let redis: RedisServer;
let bundleDir: string;
const workers: Worker[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  redis = new RedisServer(await freePort());
  await redis.start();
  bundleDir = tempDir('cognito-guard-fleet-');
  const file = await bundleWorker(bundleDir);
  for (let i = 0; i < STORES.length; i++) workers.push(new Worker(file));
  await Promise.all(
    workers.map((w, i) =>
      w.init({
        type: 'init',
        store: STORES[i]!,
        redisUrl: redis.url,
        intervalMs: HEARTBEAT_MS,
        maxStalenessMs: MAX_STALENESS_MS,
        pool: { userPoolId: issuer.userPoolId, clientId: issuer.clientId, jwksUri: issuer.jwksUri },
      }),
    ),
  );
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.stop()));
  await redis?.destroy();
  await issuer?.close();
  if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
});

const verifyAll = (token: string) =>
  Promise.all(workers.map((w) => w.call<Outcome>({ type: 'verify', token })));

describe('redisStore across four processes', () => {
  it('propagates a revocation from one process to every other (bound: one heartbeat)', async () => {
    const latencies: number[] = [];
    for (let round = 0; round < 12; round++) {
      const session = `fleet-session-${round}`;
      const token = await issuer.mintAccessToken({ claims: { origin_jti: session } });
      expect((await verifyAll(token)).every((o) => o.ok)).toBe(true);
      const watches = workers.map((w) =>
        w.call<Outcome>({ type: 'watch', token, until: 'refused', deadlineMs: 5_000 }),
      );
      await new Promise((r) => setTimeout(r, 20));
      const writer = workers[round % workers.length]!;
      const { at } = await writer.call<{ at: number; stored: boolean }>({
        type: 'revoke',
        rule: 'session',
        target: session,
      });
      for (const o of await Promise.all(watches)) {
        expect(o.code).toBe('REVOKED');
        latencies.push(o.at! - at);
      }
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    console.log(
      `redis fleet propagation over ${latencies.length} refusals: p50 ${p50} ms, p99 ${p99} ms (target p99 < 100 ms)`,
    );
    expect(p99).toBeLessThan(HEARTBEAT_MS + 900);
  });

  it('signs a user out everywhere: earlier tokens refused, a later sign-in accepted', async () => {
    const sub = 'fleet-user-1';
    const before = await issuer.mintAccessToken({
      sub,
      issuedAt: Math.floor(Date.now() / 1000) - 5,
    });
    expect((await verifyAll(before)).every((o) => o.ok)).toBe(true);
    await workers[1]!.call({ type: 'revoke', rule: 'user', target: sub });
    const refused = await waitFor(
      async () => (await verifyAll(before)).every((o) => o.code === 'REVOKED'),
      3_000,
    );
    expect(refused).toBe(true);
    const after = await issuer.mintAccessToken({
      sub,
      issuedAt: Math.floor(Date.now() / 1000) + 2,
    });
    expect((await verifyAll(after)).map((o) => o.code ?? 'ok')).toEqual(STORES.map(() => 'ok'));
  });

  it('serves through a Redis outage up to the staleness bound, then refuses (REVOCATION_UNAVAILABLE); resyncs after, outage revocations included', async () => {
    const kept = await issuer.mintAccessToken({ claims: { origin_jti: 'kept-session' } });
    const during = await issuer.mintAccessToken({ claims: { origin_jti: 'outage-session' } });
    expect((await verifyAll(kept)).every((o) => o.ok)).toBe(true);
    expect((await verifyAll(during)).every((o) => o.ok)).toBe(true);

    await redis.stop();
    const stoppedAt = Date.now();
    // Within the bound, every process still serves from its snapshot.
    expect((await verifyAll(kept)).every((o) => o.ok)).toBe(true);
    // A revocation made during the outage: in force in its own process at once, queued.
    const revoked = await workers[0]!.call<{ stored: boolean }>({
      type: 'revoke',
      rule: 'session',
      target: 'outage-session',
    });
    expect(revoked.stored).toBe(false);
    expect((await workers[0]!.call<Outcome>({ type: 'verify', token: during })).code).toBe(
      'REVOKED',
    );

    const refusals = await Promise.all(
      workers.map((w) =>
        w.call<Outcome>(
          { type: 'watch', token: kept, until: 'refused', deadlineMs: MAX_STALENESS_MS + 5_000 },
          20_000,
        ),
      ),
    );
    for (const o of refusals) {
      expect(o.code).toBe('REVOCATION_UNAVAILABLE');
      // Never before the bound less one heartbeat (what was last heard), never much after it.
      expect(o.at! - stoppedAt).toBeGreaterThanOrEqual(MAX_STALENESS_MS - HEARTBEAT_MS - 50);
      expect(o.at! - stoppedAt).toBeLessThan(MAX_STALENESS_MS + 3_000);
    }

    await redis.start();
    const recovered = await waitFor(
      async () => {
        const [k, d] = await Promise.all([verifyAll(kept), verifyAll(during)]);
        return k.every((o) => o.ok) && d.every((o) => o.code === 'REVOKED');
      },
      15_000,
      100,
    );
    expect(recovered).toBe(true);
  }, 40_000);
});

describe('redisStore with bad input', () => {
  it('skips malformed entries and garbage messages, keeps serving, and reports them', async () => {
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    const subscriber = client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    const prefix = '{bad-input}:';
    const events: RevocationEvent[] = [];
    try {
      const good = JSON.stringify({
        k: 's',
        id: 'good-session',
        at: Date.now(),
        exp: Date.now() + 60_000,
      });
      await client.sendCommand([
        'HSET',
        `${prefix}entries`,
        'a',
        'not json',
        'b',
        '{"k":"s"}',
        'c',
        good,
        'd',
        'x'.repeat(100_000),
      ]);
      await client.sendCommand(['SET', `${prefix}version`, '3']);
      const list = createRevocationList({
        store: redisStore({ client, subscriber, prefix, heartbeatMs: 100 }),
        onEvent: (e) => events.push(e),
      });
      await list.ready();
      expect(list.isRevoked({ origin_jti: 'good-session' } as never)).toBe(true);
      expect(events).toContainEqual(expect.objectContaining({ type: 'invalid-entry', count: 3 }));
      await client.sendCommand(['PUBLISH', `${prefix}changes`, 'garbage without version']);
      await client.sendCommand(['PUBLISH', `${prefix}changes`, '\u0000\uffff']);
      // A version that is not a counter: the sync fails, the list goes stale, never open.
      await client.sendCommand(['SET', `${prefix}version`, 'banana']);
      const failed = await waitFor(async () => events.some((e) => e.type === 'sync-failed'), 3_000);
      expect(failed).toBe(true);
      await list.close();
    } finally {
      await subscriber.disconnect().catch(() => {});
      await client.disconnect().catch(() => {});
    }
  });

  it('fails closed when Redis answers too slowly (DEBUG SLEEP), then recovers', async () => {
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    const subscriber = client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    const admin = client.duplicate();
    admin.on('error', () => {});
    await admin.connect();
    try {
      const list = createRevocationList({
        store: redisStore({
          client,
          subscriber,
          prefix: '{slow}:',
          heartbeatMs: 100,
          timeoutMs: 200,
        }),
        maxStalenessMs: 600,
        syncTimeoutMs: 200,
      });
      await list.ready();
      const claims = { sub: 's', iat: 1, jti: 'j' } as never;
      expect(list.isRevoked(claims)).toBe(false);
      const sleeping = admin.sendCommand(['DEBUG', 'SLEEP', '2']);
      const unavailable = await waitFor(
        async () => {
          try {
            await list.isRevoked(claims);
            return false;
          } catch (err) {
            return (err as { code?: string }).code === 'REVOCATION_UNAVAILABLE';
          }
        },
        3_000,
        50,
      );
      expect(unavailable).toBe(true);
      await sleeping;
      const back = await waitFor(async () => list.status().unavailable === false, 5_000);
      expect(back).toBe(true);
      expect(await list.isRevoked(claims)).toBe(false);
      await list.close();
    } finally {
      for (const c of [admin, subscriber, client]) await c.disconnect().catch(() => {});
    }
  }, 20_000);

  it('holds 100,000 entries within bounded memory and still answers synchronously', async () => {
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    const subscriber = client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    const prefix = '{big}:';
    try {
      const now = Date.now();
      for (let chunk = 0; chunk < 100; chunk++) {
        const args = ['HSET', `${prefix}entries`];
        for (let i = chunk * 1000; i < (chunk + 1) * 1000; i++) {
          const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
          args.push(`s:${id}`, JSON.stringify({ k: 's', id, at: now, exp: now + 3_600_000 }));
        }
        await client.sendCommand(args);
      }
      await client.sendCommand(['SET', `${prefix}version`, '100000']);
      global.gc?.();
      const before = process.memoryUsage().heapUsed;
      const list = createRevocationList({
        store: redisStore({ client, subscriber, prefix, timeoutMs: 10_000 }),
      });
      await list.ready();
      const after = process.memoryUsage().heapUsed;
      expect(list.status().entries).toBe(100_000);
      console.log(
        `100,000 entries: about ${Math.round((after - before) / 100_000)} bytes of heap per entry`,
      );
      expect(after - before).toBeLessThan(200 * 1024 * 1024);
      expect(list.isRevoked({ origin_jti: '00000000-0000-4000-8000-000000099999' } as never)).toBe(
        true,
      );
      expect(list.isRevoked({ origin_jti: 'absent' } as never)).toBe(false);
      await list.close();
    } finally {
      await subscriber.disconnect().catch(() => {});
      await client.disconnect().catch(() => {});
    }
  }, 30_000);
});
