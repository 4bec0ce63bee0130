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
    await none.verify(token);
    await listed.verify(token);
    state = { none, listed, token };
    return { entries: list.status().entries, bytesPerEntry: (heapAfter - heapBefore) / entries };
  },
  async run({ which, count }) {
    return batch(which === 'list' ? state.listed : state.none, state.token, count);
  },
});
