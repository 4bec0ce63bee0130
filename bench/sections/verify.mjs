/** Section 1: verify throughput, repeated and distinct tokens, every verifier side by side. */
import { cpuWindow, waitForQuiet } from '../lib/cpu.mjs';
import { VERIFY_PEERS } from '../lib/peers.mjs';
import { startChild } from '../lib/rpc.mjs';
import { summarize } from '../lib/stats.mjs';

export async function runVerify(env) {
  const { quick, ctx, tokens, childEnv, log, quietBudget } = env;
  const rounds = quick ? 2 : 5;
  const distinct = tokens.distinct.slice(0, quick ? 500 : 10_000);
  log(
    `verify: ${VERIFY_PEERS.length} verifiers, ${rounds} rounds, ${distinct.length} distinct tokens`,
  );
  const child = startChild(new URL('../workers/verify.mjs', import.meta.url), {
    env: childEnv,
    execArgv: ['--expose-gc'],
  });
  const samples = Object.fromEntries(
    VERIFY_PEERS.map((id) => [
      id,
      { repeated: [], distinct: [], repeatedCpu: [], distinctCpu: [], background: [] },
    ]),
  );
  try {
    await child.ready;
    const repeatedCounts = await child.call(
      'setup',
      {
        ctx,
        peers: VERIFY_PEERS,
        repeatedToken: tokens.repeated,
        distinct,
        warm: tokens.warm.slice(0, quick ? 50 : 200),
        repeatedBatchMs: quick ? 40 : 250,
      },
      300_000,
    );
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? VERIFY_PEERS : [...VERIFY_PEERS].reverse();
      for (const mode of ['repeated', 'distinct']) {
        for (const id of order) {
          await waitForQuiet(quietBudget, { maxMs: 3000 });
          const window = cpuWindow();
          const { wallUs, cpuUs } = await child.call(mode, { id, round }, 120_000);
          samples[id][mode].push(wallUs);
          samples[id][`${mode}Cpu`].push(cpuUs);
          samples[id].background.push(window.stop().backgroundCores);
        }
      }
      log(`  verify round ${round + 1}/${rounds} done`);
    }
    const results = {};
    for (const [id, s] of Object.entries(samples)) {
      results[id] = {
        repeated: summarize(s.repeated),
        distinct: summarize(s.distinct),
        repeatedCpu: summarize(s.repeatedCpu),
        distinctCpu: summarize(s.distinctCpu),
        background: summarize(s.background),
      };
    }
    return { rounds, distinctCount: distinct.length, repeatedCounts, results };
  } finally {
    await child.stop();
  }
}
