/**
 * The rejection flood, in one process: per token length, a valid token verified with the
 * result cache off (the cost of accepting it: a cache miss every time), then each refused
 * shape through a default verifier (what an anonymous client reaches). CPU time per verify
 * (all threads, GC included) and wall time; every refusal's code is checked against the
 * codes its shape may get, and every valid verify must succeed. `global.gc()` runs before
 * each batch. Started with --expose-gc by bench/run.mjs.
 */
import { createOurVerifier } from '../lib/peers.mjs';
import { serveParent } from '../lib/rpc.mjs';

const gc = globalThis.gc ?? (() => {});
let state;

/** Runs `verify(token)` `count` times; answers µs per verify and the codes seen. */
async function batch(verifier, token, count, expectValid) {
  const codes = new Map();
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    try {
      await verifier.verify(token);
      if (!expectValid) codes.set('ACCEPTED', (codes.get('ACCEPTED') ?? 0) + 1);
    } catch (err) {
      const code = err?.code ?? 'NOT_AN_AUTH_ERROR';
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  }
  const wallUs = Number(process.hrtime.bigint() - start) / 1e3 / count;
  const cpu = process.cpuUsage(cpu0);
  return { wallUs, cpuUs: (cpu.user + cpu.system) / count, codes: Object.fromEntries(codes) };
}

serveParent({
  /** Builds the verifiers, warms every path, and calibrates a count per token. */
  async setup({ ctx, sizes, batchMs }) {
    const accepting = await createOurVerifier(ctx, { cache: false });
    const refusing = await createOurVerifier(ctx);
    await accepting.hydrate();
    await refusing.hydrate();
    const counts = new Map();
    for (const size of sizes) {
      const tokens = [['valid', size.valid], ...size.shapes.map((s) => [s.id, s.token])];
      for (const [id, token] of tokens) {
        const verifier = id === 'valid' ? accepting : refusing;
        // Warm up (and, for the unknown kid, spend the one fetch the cooldown allows).
        const probe = await batch(verifier, token, 200, id === 'valid');
        counts.set(
          `${size.tokenChars}/${id}`,
          Math.max(200, Math.round((batchMs * 1000) / probe.wallUs)),
        );
      }
    }
    state = { ctx, accepting, refusing, sizes, counts };
    return Object.fromEntries(counts);
  },
  /** Each distinct valid token once, through a fresh default verifier: a miss every time. */
  async validMiss({ tokenChars }) {
    const size = state.sizes.find((s) => s.tokenChars === tokenChars);
    const verifier = await createOurVerifier(state.ctx);
    await verifier.hydrate();
    await verifier.verify(size.valid);
    gc();
    const codes = new Map();
    const list = size.validDistinct;
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (const token of list) {
      try {
        await verifier.verify(token);
      } catch (err) {
        const code = err?.code ?? 'NOT_AN_AUTH_ERROR';
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    const wallUs = Number(process.hrtime.bigint() - start) / 1e3 / list.length;
    const cpu = process.cpuUsage(cpu0);
    return {
      wallUs,
      cpuUs: (cpu.user + cpu.system) / list.length,
      codes: Object.fromEntries(codes),
    };
  },
  async measure({ tokenChars, id }) {
    const size = state.sizes.find((s) => s.tokenChars === tokenChars);
    const token = id === 'valid' ? size.valid : size.shapes.find((s) => s.id === id).token;
    gc();
    return batch(
      id === 'valid' ? state.accepting : state.refusing,
      token,
      state.counts.get(`${tokenChars}/${id}`),
      id === 'valid',
    );
  },
});
