/**
 * Section: the revocation list on the hit path (100,000 entries vs no list) and its memory per
 * entry. Propagation across processes is measured by the fleet tests of the revocation package
 * (packages/revocation/test/redis-fleet.test.ts prints p50/p99).
 */
import { startChild } from '../lib/rpc.mjs';
import { summarize } from '../lib/stats.mjs';

export async function runRevocation(env) {
  const { quick, ctx, tokens, childEnv, log } = env;
  const entries = 100_000;
  const rounds = quick ? 3 : 9;
  const count = quick ? 20_000 : 100_000;
  log(`revocation: hit path with a list of ${entries} entries vs none, ${rounds} rounds`);
  const child = startChild(new URL('../workers/revocation.mjs', import.meta.url), {
    env: childEnv,
    execArgv: ['--expose-gc'],
  });
  try {
    await child.ready;
    const setup = await child.call('setup', { ctx, token: tokens.repeated, entries }, 300_000);
    const samples = { none: [], list: [], noneCpu: [], listCpu: [] };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['none', 'list'] : ['list', 'none'];
      for (const which of order) {
        const { wallUs, cpuUs } = await child.call('run', { which, count }, 120_000);
        samples[which].push(wallUs);
        samples[`${which}Cpu`].push(cpuUs);
      }
    }
    const none = summarize(samples.noneCpu);
    const list = summarize(samples.listCpu);
    return {
      entries: setup.entries,
      bytesPerEntry: Math.round(setup.bytesPerEntry),
      hookNs: setup.hookNs,
      clockNs: setup.clockNs,
      none: summarize(samples.none),
      list: summarize(samples.list),
      noneCpu: none,
      listCpu: list,
      // Throughput with the list relative to without: >= 0.95 is the target.
      relativeThroughput: none.median / list.median,
    };
  } finally {
    await child.stop();
  }
}
