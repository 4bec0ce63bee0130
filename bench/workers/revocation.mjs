/**
 * Revocation list on the hit path: the same repeated token through two verifiers that differ
 * only in `isRevoked` (none, or a list of `entries` revocations that do not cover the token),
 * alternating batches; and the heap each entry costs. Started with --expose-gc by the section.
 */
import { createRevocationList } from '@cognito-guard/revocation';
import { createOurVerifier } from '../lib/peers.mjs';
import { serveParent } from '../lib/rpc.mjs';

const gc = globalThis.gc ?? (() => {});
let state;

async function batch(verifier, token, count) {
  gc();
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await verifier.verify(token);
  const wallUs = Number(process.hrtime.bigint() - start) / 1e3 / count;
  const cpu = process.cpuUsage(cpu0);
  return { wallUs, cpuUs: (cpu.user + cpu.system) / count };
}

/** Nanoseconds per call of `fn`, the fastest of three runs of 500,000 calls. */
function nsPerCall(fn) {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 500_000; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 500_000);
  }
  return best;
}

function uuid(i) {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

serveParent({
  async setup({ ctx, token, entries }) {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const list = createRevocationList();
    for (let i = 0; i < entries; i++) {
      // One of each rule in turn: sessions, users, tokens.
      const id = uuid(i);
      if (i % 3 === 0) await list.revokeSession(id);
      else if (i % 3 === 1) await list.signOutUser(id);
      else await list.revokeToken(id);
    }
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const none = await createOurVerifier(ctx, {});
    const listed = await createOurVerifier(ctx, { isRevoked: list.isRevoked });
    // Twice each: a token's second verification caches its outcome (the doorkeeper).
    for (let i = 0; i < 2; i++) {
      await none.verify(token);
      await listed.verify(token);
    }
    state = { none, listed, token };
    // The hook alone on this token's claims, and the clock read it makes (the staleness bound):
    // what the list adds to a hit, without the verifier around it.
    const { claims } = await listed.verify(token);
    const hookNs = nsPerCall(() => list.isRevoked(claims));
    const clockNs = nsPerCall(() => Date.now());
    return {
      entries: list.status().entries,
      bytesPerEntry: (heapAfter - heapBefore) / entries,
      hookNs,
      clockNs,
    };
  },
  async run({ which, count }) {
    return batch(which === 'list' ? state.listed : state.none, state.token, count);
  },
});
