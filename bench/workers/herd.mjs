/**
 * Herds: 500 concurrent verifies against a cold verifier (no JWKS yet), and 500 concurrent
 * tokens with kids the JWKS does not have against a warm one. The JWKS server's request
 * count (the testing kit's `requestCount`, read from the orchestrator) says how many fetches
 * each cost.
 */

import { CORE_MODULE, createOurVerifier, createPeer } from '../lib/peers.mjs';
import { serveParent } from '../lib/rpc.mjs';
import { createApp } from '../lib/servers.mjs';

let parent;

async function fetchesDuring(action) {
  const before = await parent.call('requestCount');
  const outcomes = await action();
  const after = await parent.call('requestCount');
  return {
    fetches: after - before,
    accepted: outcomes.filter((o) => o.status === 'fulfilled').length,
    rejected: outcomes.filter((o) => o.status === 'rejected').length,
  };
}

async function verifierHerd({ id, ctx, coldTokens, unknownKidTokens, warmToken }) {
  const cold = await createPeer(id, ctx);
  const coldResult = await fetchesDuring(() =>
    Promise.allSettled(coldTokens.map((t) => Promise.resolve().then(() => cold.verify(t)))),
  );
  const warm = await createPeer(id, ctx);
  await warm.verify(warmToken);
  const unknown = await fetchesDuring(() =>
    Promise.allSettled(unknownKidTokens.map((t) => Promise.resolve().then(() => warm.verify(t)))),
  );
  return { cold: coldResult, unknownKid: unknown };
}

/** Ours, with the clock moved past the cooldown: the refetch an unknown kid may cause. */
async function oursAfterCooldown({ ctx, unknownKidTokens, warmToken }) {
  let offsetMs = 0;
  const verifier = await createOurVerifier(ctx, { clock: () => Date.now() + offsetMs });
  await verifier.verify(warmToken);
  const wave = () =>
    fetchesDuring(() =>
      Promise.allSettled(unknownKidTokens.map((t) => verifier.verify(t).then(() => undefined))),
    );
  const withinCooldown = await wave();
  offsetMs = 31_000; // default cooldownSeconds is 30
  const afterCooldown = await wave();
  const again = await wave();
  return { withinCooldown, afterCooldown, again };
}

/**
 * Cached outcomes across a JWKS refresh that returns the same keys: `count` distinct tokens
 * verified twice (the second verification caches an outcome: the cache's doorkeeper), then the JWKS refetched twice, once by an explicit refresh and once
 * because a token with an unknown kid arrived after the cooldown (what any anonymous client
 * can cause); after each, the same tokens again, counting cache hits.
 */
async function oursForcedRefresh({ ctx, cachedTokens, unknownKidTokens }) {
  let offsetMs = 0;
  let hits = 0;
  const clock = () => Date.now() + offsetMs;
  const { createJwksCache } = await import(CORE_MODULE);
  // Our own JWKS cache, shared with the verifier, so the bench can force a refresh.
  const jwks = createJwksCache({ ca: ctx.ca, clock });
  const verifier = await createOurVerifier(ctx, {
    clock,
    jwks,
    onEvent: (e) => {
      if (e.type === 'verified' && e.cached) hits += 1;
    },
  });
  for (let pass = 0; pass < 2; pass++) {
    for (const token of cachedTokens) await verifier.verify(token);
  }
  const again = async () => {
    hits = 0;
    for (const token of cachedTokens) await verifier.verify(token);
    return hits;
  };
  const before = await again();
  const refresh = await fetchesDuring(async () => {
    await jwks.refresh(ctx.jwksUri);
    return [];
  });
  const afterRefresh = await again();
  offsetMs = 31_000; // past the default 30 s cooldown
  const unknownKid = await fetchesDuring(() =>
    Promise.allSettled([verifier.verify(unknownKidTokens[0])]),
  );
  const afterUnknownKid = await again();
  return {
    cached: cachedTokens.length,
    before,
    afterRefresh,
    afterUnknownKid,
    fetches: refresh.fetches + unknownKid.fetches,
  };
}

async function fastifyHerd({ id, ctx, coldTokens, unknownKidTokens, warmToken }) {
  const inject = async (app, tokens) => {
    const responses = await Promise.all(
      tokens.map((t) =>
        app.inject({ method: 'GET', url: '/hello', headers: { authorization: `Bearer ${t}` } }),
      ),
    );
    return responses.map((r) =>
      r.statusCode === 200 ? { status: 'fulfilled' } : { status: 'rejected' },
    );
  };
  const cold = await createApp(id, ctx);
  const coldResult = await fetchesDuring(() => inject(cold.app, coldTokens));
  await cold.app.close();
  const warm = await createApp(id, ctx);
  await inject(warm.app, [warmToken]);
  const unknown = await fetchesDuring(() => inject(warm.app, unknownKidTokens));
  await warm.app.close();
  return { cold: coldResult, unknownKid: unknown };
}

parent = serveParent({ verifierHerd, oursAfterCooldown, oursForcedRefresh, fastifyHerd });
