/**
 * Attack classes 6 and 7 of SECURITY.md (unknown-kid flood, hostile JWKS responses)
 * and rules R14, R36-R38, tested with real HTTPS servers on 127.0.0.1 with
 * throwaway CAs, an EVIL server that only counts, an injected clock for TTLs and cooldowns,
 * bounded loops (<= 1000 requests per test) and bounded time.
 *
 * Servers: the testing kit's HTTPS issuer and its misbehave modes, a second kit issuer whose
 * CA the verifier is not given, and a HOSTILE server of our own (same kind of throwaway CA,
 * from the kit's certificate helper) for what the kit has no mode for: a slow drip of bytes,
 * a gzip bomb, and recording the request headers the fetcher sends.
 *
 * Limits are generous on purpose (CI machines may have two cores): the point is "bounded",
 * not "fast". Real time is only spent where the deadline itself is under test.
 */
import { once } from 'node:events';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  AuthError,
  createVerifier,
  type JwksCacheOptions,
  toChallenge,
  type VerifierEvent,
} from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// The kit's throwaway-CA helper (not exported by the package; test-only source).
import { createTestCertificates } from '../../packages/testing/src/tls.js';
import {
  accessClaims,
  b64u,
  createForgeKey,
  type EvilServer,
  manualClock,
  rejectionCode,
  segments,
  startEvilServer,
} from './helpers.js';

// --- the HOSTILE server -----------------------------------------------------------------

type HostileMode =
  | { kind: 'json'; body: string; headers?: Record<string, string> }
  | { kind: 'drip'; bytesPerTick: number; tickMs: number; maxTicks: number }
  | { kind: 'raw'; body: Buffer; headers: Record<string, string> };

interface HostileServer {
  readonly jwksUri: string;
  readonly ca: string;
  readonly requests: number;
  readonly connections: number;
  readonly bytesWritten: number;
  /** Milliseconds from the request to the client closing the connection, per request. */
  readonly closedAfterMs: number[];
  readonly lastHeaders: Record<string, string | string[] | undefined> | undefined;
  mode: HostileMode;
  closeConnections(): void;
  close(): Promise<void>;
}

async function startHostileServer(poolId: string, initial: HostileMode): Promise<HostileServer> {
  const { ca, cert, key } = await createTestCertificates();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  let connections = 0;
  let bytesWritten = 0;
  const closedAfterMs: number[] = [];
  let lastHeaders: HostileServer['lastHeaders'];
  const state = { mode: initial };

  const server = https.createServer({ cert, key }, (req, res) => {
    requests += 1;
    lastHeaders = { ...req.headers };
    const started = performance.now();
    res.once('close', () => closedAfterMs.push(performance.now() - started));
    const mode = state.mode;
    switch (mode.kind) {
      case 'json':
        res.writeHead(200, { 'content-type': 'application/json', ...mode.headers });
        res.end(mode.body);
        return;
      case 'raw':
        res.writeHead(200, mode.headers);
        res.end(mode.body);
        bytesWritten += mode.body.length;
        return;
      case 'drip': {
        // A slowloris body: valid-looking JSON, a few bytes per tick, never idle long enough
        // for a socket-idle timeout; only an overall deadline stops it. Bounded by maxTicks.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":[');
        let ticks = 0;
        const timer = setInterval(() => {
          ticks += 1;
          if (ticks > mode.maxTicks || res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            if (!res.destroyed) res.end(']}');
            return;
          }
          res.write(' '.repeat(mode.bytesPerTick));
          bytesWritten += mode.bytesPerTick;
        }, mode.tickMs);
        timers.add(timer);
        res.once('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
        return;
      }
    }
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const closeConnections = (): void => {
    for (const timer of timers) clearInterval(timer);
    timers.clear();
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  };
  return {
    jwksUri: `https://127.0.0.1:${port}/${poolId}/.well-known/jwks.json`,
    ca,
    get requests() {
      return requests;
    },
    get connections() {
      return connections;
    },
    get bytesWritten() {
      return bytesWritten;
    },
    closedAfterMs,
    get lastHeaders() {
      return lastHeaders;
    },
    get mode() {
      return state.mode;
    },
    set mode(mode: HostileMode) {
      state.mode = mode;
    },
    closeConnections,
    close() {
      closeConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// --- fixtures -----------------------------------------------------------------------------

const clock = manualClock();
let issuer: TestIssuer;
let stranger: TestIssuer;
let hostile: HostileServer;
let evil: EvilServer;

beforeAll(async () => {
  [issuer, stranger, evil] = await Promise.all([
    createTestIssuer({ https: true, clock: clock.now }),
    createTestIssuer({ https: true, clock: clock.now, userPoolId: 'us-east-1_Stranger1' }),
    startEvilServer(),
  ]);
  hostile = await startHostileServer(issuer.userPoolId, {
    kind: 'json',
    body: JSON.stringify(issuer.jwks()),
  });
});

afterEach(() => {
  issuer.misbehave(null);
  issuer.setJwks(undefined);
  hostile.closeConnections();
  hostile.mode = { kind: 'json', body: JSON.stringify(issuer.jwks()) };
  // No test in this file may ever reach the EVIL server.
  expect(evil.connections).toBe(0);
});

afterAll(async () => {
  await Promise.all([issuer?.close(), stranger?.close(), hostile?.close(), evil?.close()]);
});

/** A verifier for the pool, fetching from `jwksUri` (the kit's by default), with a fresh cache. */
function setup(jwks: JwksCacheOptions = {}, jwksUri = issuer.jwksUri, ca = issuer.ca) {
  const events: VerifierEvent[] = [];
  const verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri,
    clock: clock.now,
    cache: false,
    jwks: { ...(ca === undefined ? {} : { ca }), ...jwks },
    onEvent: (e) => events.push(e),
  });
  const fetches = () =>
    events.filter((e) => e.type === 'jwks-fetch' || e.type === 'jwks-error').length;
  return { verifier, events, fetches };
}

/** A pool token whose kid is replaced (the signature no longer matters: no key is found). */
async function tokensWithKids(kids: readonly string[]): Promise<string[]> {
  const [, p, s] = segments(await issuer.mintAccessToken({ expiresIn: 86_000 }));
  return kids.map((kid) => `${b64u(JSON.stringify({ alg: 'RS256', kid }))}.${p}.${s}`);
}

/** Elapsed real milliseconds of `fn`. */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

const MiB = 1024 * 1024;

describe('a misbehaving JWKS server', () => {
  it('control: the HOSTILE server in json mode serves the pool keys over HTTPS with its own CA', async () => {
    const { verifier } = setup({}, hostile.jwksUri, hostile.ca);
    expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
    // R36: the fetcher asks for no content coding.
    expect(hostile.lastHeaders?.['accept-encoding']).toBe('identity');
  });

  describe('slow and hanging servers: one overall deadline (R36)', () => {
    it('a server that accepts and never answers: JWKS_UNAVAILABLE within the deadline (timeoutMs 1000, < 5 s)', async () => {
      issuer.misbehave({ kind: 'hang' });
      const { verifier } = setup({ timeoutMs: 1000 });
      const [code, ms] = await timed(async () =>
        rejectionCode(verifier.verify(await issuer.mintAccessToken())),
      );
      expect(code).toBe('JWKS_UNAVAILABLE');
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(5000);
    });

    it('200 concurrent requests against a hanging server: one fetch, all JWKS_UNAVAILABLE, < 5 s', async () => {
      issuer.misbehave({ kind: 'hang' });
      const { verifier } = setup({ timeoutMs: 1000 });
      const before = issuer.requestCount;
      const token = await issuer.mintAccessToken();
      const [codes, ms] = await timed(() =>
        Promise.all(Array.from({ length: 200 }, () => rejectionCode(verifier.verify(token)))),
      );
      expect(new Set(codes)).toEqual(new Set(['JWKS_UNAVAILABLE']));
      expect(issuer.requestCount - before).toBe(1);
      expect(ms).toBeLessThan(5000);
    });

    it('a server that answers after 4 s: JWKS_UNAVAILABLE at the 1 s deadline', async () => {
      issuer.misbehave({ kind: 'slow', delayMs: 4000 });
      const { verifier } = setup({ timeoutMs: 1000 });
      const [code, ms] = await timed(async () =>
        rejectionCode(verifier.verify(await issuer.mintAccessToken())),
      );
      expect(code).toBe('JWKS_UNAVAILABLE');
      expect(ms).toBeLessThan(5000);
    });

    it('a slow drip (a byte every 20 ms for up to 20 s, never idle): JWKS_UNAVAILABLE at the deadline, and the connection is dropped', async () => {
      hostile.mode = { kind: 'drip', bytesPerTick: 1, tickMs: 20, maxTicks: 1000 };
      const { verifier } = setup({ timeoutMs: 1000 }, hostile.jwksUri, hostile.ca);
      const bytesBefore = hostile.bytesWritten;
      const closesBefore = hostile.closedAfterMs.length;
      const [code, ms] = await timed(async () =>
        rejectionCode(verifier.verify(await issuer.mintAccessToken())),
      );
      expect(code).toBe('JWKS_UNAVAILABLE');
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(5000);
      // The client hung up at the deadline, long before the 20 s drip would have ended.
      for (let i = 0; i < 100 && hostile.closedAfterMs.length === closesBefore; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(hostile.closedAfterMs.length).toBeGreaterThan(closesBefore);
      expect(hostile.closedAfterMs.at(-1)).toBeLessThan(5000);
      expect(hostile.bytesWritten - bytesBefore).toBeLessThan(1000);
    });
  });

  describe('oversized and encoded bodies: a byte cap, no decompression (R36; CVE-2024-28176 lesson)', () => {
    it('a 50 MB streamed body without Content-Length: JWKS_INVALID, bounded time and memory', async () => {
      issuer.misbehave({ kind: 'oversized', bytes: 50 * MiB });
      const { verifier } = setup({ timeoutMs: 3000 });
      const rss = process.memoryUsage().rss;
      const [code, ms] = await timed(async () =>
        rejectionCode(verifier.verify(await issuer.mintAccessToken())),
      );
      expect(code).toBe('JWKS_INVALID');
      expect(ms).toBeLessThan(5000);
      expect(process.memoryUsage().rss - rss).toBeLessThan(64 * MiB);
    });

    it('a declared Content-Length of 1 GB: JWKS_INVALID at once, without waiting for the body', async () => {
      issuer.misbehave({
        kind: 'raw',
        body: '{"keys":[',
        headers: { 'content-type': 'application/json', 'content-length': String(1e9) },
      });
      const { verifier } = setup({ timeoutMs: 3000 });
      const [code, ms] = await timed(async () =>
        rejectionCode(verifier.verify(await issuer.mintAccessToken())),
      );
      expect(code).toBe('JWKS_INVALID');
      expect(ms).toBeLessThan(2500);
    });

    it('a gzip bomb (512 KB expanding to 512 MiB, under the byte cap): JWKS_INVALID, never inflated', async () => {
      // Concatenated gzip members inflate to the concatenation (RFC 1952 §2.2): one member of
      // 1 MiB of zeros repeated 512 times.
      const member = gzipSync(Buffer.alloc(MiB), { level: 9 });
      expect(gunzipSync(member).length).toBe(MiB);
      const bomb = Buffer.concat(Array.from({ length: 512 }, () => member));
      expect(bomb.length).toBeLessThan(MiB);
      hostile.mode = {
        kind: 'raw',
        body: bomb,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      };
      // A cap above the compressed size, so only the Content-Encoding rule can stop it.
      const { verifier } = setup(
        { maxBytes: 2 * MiB, timeoutMs: 3000 },
        hostile.jwksUri,
        hostile.ca,
      );
      const rss = process.memoryUsage().rss;
      const [code, ms] = await timed(async () =>
        rejectionCode(verifier.verify(await issuer.mintAccessToken())),
      );
      expect(code).toBe('JWKS_INVALID');
      expect(ms).toBeLessThan(5000);
      // Inflating would have cost 512 MiB.
      expect(process.memoryUsage().rss - rss).toBeLessThan(100 * MiB);
      expect(hostile.lastHeaders?.['accept-encoding']).toBe('identity');
    });

    it.each(['gzip', 'GZIP', 'br', 'deflate', 'gzip, identity', 'x-custom'])(
      'a valid JWKS sent with Content-Encoding "%s": JWKS_INVALID',
      async (encoding) => {
        issuer.misbehave({
          kind: 'raw',
          body: JSON.stringify(issuer.jwks()),
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        });
        const { verifier } = setup();
        expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
          'JWKS_INVALID',
        );
      },
    );

    it('a valid JWKS sent with Content-Encoding "identity": accepted', async () => {
      issuer.misbehave({
        kind: 'raw',
        body: JSON.stringify(issuer.jwks()),
        headers: { 'content-type': 'application/json', 'content-encoding': 'identity' },
      });
      const { verifier } = setup();
      expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
    });
  });

  describe('wrong content (R36: strict UTF-8 and JSON, R15)', () => {
    const jwksText = () => JSON.stringify(issuer.jwks());
    it.each([
      [
        'invalid UTF-8 inside a member',
        () =>
          Buffer.concat([
            Buffer.from('{"keys":[],"x":"'),
            Buffer.from([0xff, 0xfe]),
            Buffer.from('"}'),
          ]),
      ],
      [
        'an overlong UTF-8 sequence',
        () =>
          Buffer.concat([
            Buffer.from('{"keys":[],"x":"'),
            Buffer.from([0xc0, 0xaf]),
            Buffer.from('"}'),
          ]),
      ],
      [
        'a UTF-8 BOM before the JSON',
        () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(jwksText())]),
      ],
      ['UTF-16LE', () => Buffer.from(jwksText(), 'utf16le')],
      ['an HTML error page', () => Buffer.from('<html><body>502 Bad Gateway</body></html>')],
      ['a JSON array', () => Buffer.from(JSON.stringify(issuer.jwks().keys))],
      ['keys as an object', () => Buffer.from('{"keys":{"0":{}}}')],
      ['a truncated body', () => Buffer.from(jwksText().slice(0, 100))],
      ['duplicate keys members', () => Buffer.from(`{"keys":[],${jwksText().slice(1)}`)],
      [
        '101 keys',
        () =>
          Buffer.from(
            JSON.stringify({
              keys: Array.from({ length: 101 }, (_, i) => ({
                ...issuer.jwks().keys[0]!,
                kid: `k${i}`,
              })),
            }),
          ),
      ],
      [
        'nesting deeper than a JWKS needs',
        () => Buffer.from(`{"keys":[],"x":${'['.repeat(20)}${']'.repeat(20)}}`),
      ],
    ])('%s: JWKS_INVALID', async (_name, body) => {
      issuer.misbehave({
        kind: 'raw',
        body: body(),
        headers: { 'content-type': 'application/json' },
      });
      const { verifier } = setup();
      expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
        'JWKS_INVALID',
      );
    });

    it('an empty key set is valid but has no key: KEY_NOT_FOUND', async () => {
      issuer.setJwks({ keys: [] });
      const { verifier } = setup();
      expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
        'KEY_NOT_FOUND',
      );
    });

    it('keys of unknown kinds and keys without kid are ignored, not fatal (R15)', async () => {
      issuer.setJwks({
        keys: [
          { kty: 'OKP', crv: 'Ed25519', x: 'AA', kid: 'ed' },
          { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
          'not-an-object',
          null,
          ...issuer.jwks().keys,
        ],
      });
      const { verifier } = setup();
      expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
    });
  });

  describe('TLS and redirects (R14, R36)', () => {
    it('a server whose certificate is signed by a CA the verifier was not given: JWKS_UNAVAILABLE', async () => {
      // The stranger pool's JWKS, trusting only the first pool's throwaway CA.
      const verifier = createVerifier({
        userPoolId: stranger.userPoolId,
        clientId: stranger.clientId,
        tokenUse: 'access',
        jwksUri: stranger.jwksUri,
        jwks: { ca: issuer.ca },
        clock: clock.now,
      });
      expect(await rejectionCode(verifier.verify(await stranger.mintAccessToken()))).toBe(
        'JWKS_UNAVAILABLE',
      );
    });

    it('control: the same server with its own CA given is accepted', async () => {
      const verifier = createVerifier({
        userPoolId: stranger.userPoolId,
        clientId: stranger.clientId,
        tokenUse: 'access',
        jwksUri: stranger.jwksUri,
        jwks: { ca: stranger.ca },
        clock: clock.now,
      });
      expect((await verifier.verify(await stranger.mintAccessToken())).tokenUse).toBe('access');
    });

    it.each([301, 302, 303, 307, 308])(
      'a %i redirect to the EVIL server: JWKS_UNAVAILABLE and the EVIL server is never contacted',
      async (status) => {
        issuer.misbehave({
          kind: 'redirect',
          status,
          location: `${evil.url}/${issuer.userPoolId}/.well-known/jwks.json`,
        });
        const { verifier } = setup();
        expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
          'JWKS_UNAVAILABLE',
        );
        expect(evil.connections).toBe(0);
        expect(evil.requests).toBe(0);
      },
    );

    it('a redirect to its own URL (a loop): JWKS_UNAVAILABLE after exactly one request', async () => {
      issuer.misbehave({ kind: 'redirect', location: issuer.jwksUri });
      const { verifier } = setup();
      const before = issuer.requestCount;
      expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
        'JWKS_UNAVAILABLE',
      );
      expect(issuer.requestCount - before).toBe(1);
    });

    it.each([
      ['a 500', 500],
      ['a 503', 503],
      ['a 404', 404],
      ['a 204', 204],
      ['a 201', 201],
    ])('%s status: JWKS_UNAVAILABLE (status 200 only)', async (_name, status) => {
      issuer.misbehave({ kind: 'status', status, body: JSON.stringify(issuer.jwks()) });
      const { verifier } = setup();
      expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
        'JWKS_UNAVAILABLE',
      );
    });
  });

  describe('unknown-kid flood (class 6, R37)', () => {
    it('1000 random kids over five simulated minutes: at most one fetch per 30 s cooldown, KEY_NOT_FOUND after a fetch and JWKS_UNAVAILABLE with Retry-After within the cooldown', async () => {
      const { verifier, fetches } = setup({ cooldownSeconds: 30 });
      await verifier.hydrate();
      const before = issuer.requestCount;
      const kids = Array.from(
        { length: 1000 },
        (_, i) => `flood-${i}-${Math.random().toString(36).slice(2)}`,
      );
      const tokens = await tokensWithKids(kids);
      const [errors, ms] = await timed(async () => {
        const out: AuthError[] = [];
        for (let i = 0; i < tokens.length; i += 10) {
          clock.advance(3); // 100 batches of 10: 300 simulated seconds
          out.push(
            ...(await Promise.all(
              tokens.slice(i, i + 10).map((t) =>
                verifier.verify(t).then(
                  () => expect.unreachable('an unknown kid was accepted'),
                  (err: AuthError) => err,
                ),
              ),
            )),
          );
        }
        return out;
      });
      const codes = errors.map((e) => e.code);
      expect(new Set(codes)).toEqual(new Set(['KEY_NOT_FOUND', 'JWKS_UNAVAILABLE']));
      for (const e of errors.filter((x) => x.code === 'JWKS_UNAVAILABLE')) {
        expect(e.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(e.retryAfterSeconds).toBeLessThanOrEqual(30);
      }
      expect(issuer.requestCount - before).toBeLessThanOrEqual(300 / 30 + 1);
      expect(fetches()).toBeLessThanOrEqual(300 / 30 + 2);
      expect(ms).toBeLessThan(10_000);
    });

    it('a flood of unknown kids while the server hangs: one request, all JWKS_UNAVAILABLE, < 5 s', async () => {
      const { verifier } = setup({ timeoutMs: 1000, cooldownSeconds: 30 });
      await verifier.hydrate();
      issuer.misbehave({ kind: 'hang' });
      clock.advance(31);
      const before = issuer.requestCount;
      const tokens = await tokensWithKids(Array.from({ length: 300 }, (_, i) => `hang-${i}`));
      const [codes, ms] = await timed(() =>
        Promise.all(tokens.map((t) => rejectionCode(verifier.verify(t)))),
      );
      expect(new Set(codes)).toEqual(new Set(['JWKS_UNAVAILABLE']));
      expect(issuer.requestCount - before).toBe(1);
      expect(ms).toBeLessThan(5000);
      // The known key keeps working meanwhile (stale-if-error), without a new request.
      expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
      expect(issuer.requestCount - before).toBe(1);
    });

    it('500 concurrent cold requests against a slow server: exactly one fetch', async () => {
      issuer.misbehave({ kind: 'slow', delayMs: 200 });
      const { verifier } = setup({ timeoutMs: 3000 });
      const before = issuer.requestCount;
      const token = await issuer.mintAccessToken();
      const results = await Promise.all(Array.from({ length: 500 }, () => verifier.verify(token)));
      expect(results).toHaveLength(500);
      expect(issuer.requestCount - before).toBe(1);
    });
  });

  describe('rotation (R37)', () => {
    it('a new key is picked up through an unknown-kid refetch once the cooldown has passed', async () => {
      const { verifier } = setup({ cooldownSeconds: 30 });
      await verifier.verify(await issuer.mintAccessToken());
      const oldKid = issuer.currentKid;
      const newKid = await issuer.rotateKeys({ keepPrevious: true });
      expect(newKid).not.toBe(oldKid);
      const fresh = await issuer.mintAccessToken();
      // Within the cooldown no fetch is made: the new kid is "retry in 20 s" (503), never a
      // 401 that would make the client discard a good token.
      clock.advance(10);
      const before = issuer.requestCount;
      const early = await verifier.verify(fresh).catch((err: AuthError) => err);
      expect(early).toBeInstanceOf(AuthError);
      expect((early as AuthError).code).toBe('JWKS_UNAVAILABLE');
      expect((early as AuthError).retryAfterSeconds).toBe(20);
      expect(issuer.requestCount).toBe(before);
      clock.advance(21);
      expect((await verifier.verify(fresh)).tokenUse).toBe('access');
      expect((await verifier.verify(await issuer.mintAccessToken({ kid: oldKid }))).tokenUse).toBe(
        'access',
      );
    });

    it('a key removed upstream stops working after the TTL', async () => {
      const { verifier } = setup({ ttlSeconds: 600, cooldownSeconds: 30 });
      const oldKid = issuer.currentKid;
      const old = await issuer.mintAccessToken({ kid: oldKid, expiresIn: 86_000 });
      await verifier.verify(old);
      issuer.setJwks({ keys: issuer.jwks().keys.filter((k) => k.kid !== oldKid) });
      clock.advance(599);
      expect((await verifier.verify(old)).tokenUse).toBe('access');
      clock.advance(2);
      expect(await rejectionCode(verifier.verify(old))).toBe('KEY_NOT_FOUND');
    });

    it('a kid re-used for a different key: after the refresh, the old key signature answers SIGNATURE_INVALID', async () => {
      const first = createForgeKey({ kid: 'rotating' });
      const second = createForgeKey({ kid: 'rotating' });
      const claims = () => accessClaims(issuer, clock.seconds(), { exp: clock.seconds() + 86_000 });
      const header = { alg: 'RS256', kid: 'rotating' };
      const oldToken = first.sign(header, claims());
      const newToken = second.sign(header, claims());
      issuer.setJwks({ keys: [first.jwk] });
      const { verifier } = setup({ ttlSeconds: 600 });
      expect((await verifier.verify(oldToken)).sub).toBeTruthy();
      expect(await rejectionCode(verifier.verify(newToken))).toBe('SIGNATURE_INVALID');
      issuer.setJwks({ keys: [second.jwk] });
      clock.advance(601);
      expect((await verifier.verify(newToken)).sub).toBeTruthy();
      expect(await rejectionCode(verifier.verify(oldToken))).toBe('SIGNATURE_INVALID');
    });
  });

  describe('outage and recovery (R38, decision 7)', () => {
    const outages: [string, string, Parameters<TestIssuer['misbehave']>[0]][] = [
      ['down', 'JWKS_UNAVAILABLE', { kind: 'down' }],
      ['hanging', 'JWKS_UNAVAILABLE', { kind: 'hang' }],
      ['answering 503', 'JWKS_UNAVAILABLE', { kind: 'status', status: 503 }],
      ['redirecting', 'JWKS_UNAVAILABLE', { kind: 'redirect', location: 'https://127.0.0.1:1/x' }],
      ['serving HTML', 'JWKS_INVALID', { kind: 'raw', body: '<html></html>' }],
    ];

    it.each(outages)(
      'server %s: known keys keep working (stale-if-error), unknown kids get %s with Retry-After, then recovery',
      async (_name, unknownCode, mode) => {
        const { verifier } = setup({
          ttlSeconds: 600,
          staleIfErrorSeconds: 3600,
          cooldownSeconds: 30,
          timeoutMs: 300,
        });
        const token = await issuer.mintAccessToken({ expiresIn: 86_000 });
        await verifier.verify(token);
        issuer.misbehave(mode);
        clock.advance(601); // past the TTL: a refresh is attempted and fails
        expect((await verifier.verify(token)).tokenUse).toBe('access');
        const [unknown] = await tokensWithKids(['not-seen-yet']);
        let err: unknown;
        try {
          await verifier.verify(unknown!);
        } catch (caught) {
          err = caught;
        }
        expect((err as AuthError).code).toBe(unknownCode);
        const challenge = toChallenge(err as AuthError);
        expect(challenge.status).toBe(503);
        expect(Number(challenge.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(challenge.headers['retry-after'])).toBeLessThanOrEqual(30);
        // Past TTL + stale window: even the known key fails closed, never a 401.
        clock.advance(3600);
        expect(await rejectionCode(verifier.verify(token))).toBe(unknownCode);
        // The server recovers; after the cooldown the verifier does too.
        issuer.misbehave(null);
        clock.advance(31);
        expect((await verifier.verify(token)).tokenUse).toBe('access');
      },
    );

    it('a cold start while the server is down: JWKS_UNAVAILABLE without a request storm, recovery after the cooldown', async () => {
      issuer.misbehave({ kind: 'down' });
      const { verifier } = setup({ cooldownSeconds: 30 });
      const token = await issuer.mintAccessToken();
      const before = issuer.requestCount;
      for (let i = 0; i < 50; i += 1) {
        expect(await rejectionCode(verifier.verify(token))).toBe('JWKS_UNAVAILABLE');
        clock.advance(0.5);
      }
      expect(issuer.requestCount - before).toBe(1);
      issuer.misbehave(null);
      clock.advance(31);
      expect((await verifier.verify(token)).tokenUse).toBe('access');
    });
  });
});
