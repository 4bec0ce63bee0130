/** Section 5: RSS and heap under a long stream of distinct valid tokens (default cache). */
import { startChild } from '../lib/rpc.mjs';

export async function runMemory(env) {
  const { quick, ctx, childEnv, log } = env;
  // 20,000 distinct tokens: twice the cache, so every verify is a miss (see the worker).
  const tokens = { ...env.tokens, distinct: env.tokens.distinct.slice(0, 20_000) };
  const total = quick ? 50_000 : 1_000_000;
  const checkpoints = [5000, 10_000, 20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000].filter(
    (c) => c <= total,
  );
  log(
    `memory: ${total.toLocaleString('en-US')} verifies cycling ${tokens.distinct.length} distinct tokens`,
  );
  const child = startChild(new URL('../workers/memory.mjs', import.meta.url), {
    env: childEnv,
    execArgv: ['--expose-gc'],
  });
  try {
    await child.ready;
    const result = await child.call(
      'run',
      { ctx, tokens: tokens.distinct, warm: tokens.warm, total, checkpoints },
      15 * 60_000,
    );
    return { total, ...result };
  } finally {
    await child.stop();
  }
}
