/**
 * Verify throughput, every peer in this one process; the orchestrator drives the alternating
 * rounds, one batch per call, so it can record the machine's background load per batch.
 *
 * - repeated token: one instance per peer, warmed up, then `count` sequential verifies of
 *   the same token per batch (the cache-hit path for verifiers that have a cache);
 * - distinct tokens: per batch, a fresh instance (its JWKS fetched and one warm-up token
 *   verified before the clock starts), then one pass over the distinct tokens in order, so a
 *   verifier with a cache misses on every one of them. `ours-second` makes an untimed first
 *   pass before the timed one: cognito-guard caches a token's outcome on its second
 *   verification (the doorkeeper of its token cache), so the timed pass pays the inserts.
 *
 * A batch answers microseconds per verify, wall and CPU time. `global.gc()` runs before every batch so that one
 * peer's garbage is not collected on another's time. Any rejection fails the batch.
 * Started with --expose-gc and NODE_EXTRA_CA_CERTS by bench/run.mjs.
 */
import { createPeer } from '../lib/peers.mjs';
import { serveParent } from '../lib/rpc.mjs';

const gc = globalThis.gc ?? (() => {});
let state;

/**
 * Wall time and CPU time (all threads of this process: GC helpers included) per verify. On a
 * shared machine the CPU figure is the robust one: being descheduled costs wall time only.
 */
async function measure(peer, tokens, count) {
  const n = tokens.length;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  if (peer.sync) {
    for (let i = 0; i < count; i++) peer.verify(tokens[i % n]);
  } else {
    for (let i = 0; i < count; i++) await peer.verify(tokens[i % n]);
  }
  const wallUs = Number(process.hrtime.bigint() - start) / 1e3 / count;
  const cpu = process.cpuUsage(cpu0);
  return { wallUs, cpuUs: (cpu.user + cpu.system) / count };
}

async function timeLoop(peer, tokens, count) {
  return (await measure(peer, tokens, count)).wallUs;
}

serveParent({
  /** Builds and warms every peer: JWKS fetched, hit path and miss path run before any clock. */
  async setup({ ctx, peers, repeatedToken, distinct, warm, repeatedBatchMs }) {
    state = { ctx, repeatedToken, distinct, warm, shared: new Map(), counts: new Map() };
    for (const id of peers) {
      const peer = await createPeer(id, ctx);
      await peer.verify(repeatedToken);
      let perOp = await timeLoop(peer, [repeatedToken], 2000);
      perOp = await timeLoop(peer, [repeatedToken], Math.ceil(100_000 / Math.max(perOp, 1)));
      state.shared.set(id, peer);
      state.counts.set(id, Math.max(1000, Math.round((repeatedBatchMs * 1000) / perOp)));
      const missPath = await createPeer(id, ctx);
      await timeLoop(missPath, warm, warm.length);
    }
    return Object.fromEntries(state.counts);
  },
  async repeated({ id }) {
    gc();
    return measure(state.shared.get(id), [state.repeatedToken], state.counts.get(id));
  },
  async distinct({ id, round }) {
    const fresh = await createPeer(id, state.ctx);
    await fresh.verify(state.warm[round % state.warm.length]);
    if (id === 'ours-second') {
      for (const token of state.distinct) await fresh.verify(token);
    }
    gc();
    return measure(fresh, state.distinct, state.distinct.length);
  },
});
