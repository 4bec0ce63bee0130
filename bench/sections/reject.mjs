/**
 * Section: the rejection flood. For each token length, the cost of refusing each of the
 * worst shapes we know (bench/lib/shapes.mjs) against the cost of accepting a valid token of
 * the same length with the result cache off, CPU time per verify, alternating rounds.
 */
import { cpuWindow, waitForQuiet } from '../lib/cpu.mjs';
import { startChild } from '../lib/rpc.mjs';
import { buildRejectionShapes } from '../lib/shapes.mjs';
import { summarize } from '../lib/stats.mjs';

export async function runReject(env) {
  const { quick, ctx, issuer, childEnv, log, quietBudget } = env;
  const lengths = [1200, 16_000];
  const rounds = quick ? 2 : 5;
  const sizes = [];
  for (const tokenChars of lengths) {
    const { valid, validDistinct, shapes } = await buildRejectionShapes(
      issuer,
      tokenChars,
      quick ? 300 : 1500,
    );
    sizes.push({ tokenChars, actualChars: valid.length, valid, validDistinct, shapes });
  }
  log(
    `reject: ${sizes[0].shapes.length} refused shapes at ${lengths.join(' and ')} characters, ${rounds} rounds`,
  );
  const child = startChild(new URL('../workers/reject.mjs', import.meta.url), {
    env: childEnv,
    execArgv: ['--expose-gc'],
  });
  const samples = {};
  const codes = {};
  try {
    await child.ready;
    await child.call('setup', { ctx, sizes, batchMs: quick ? 30 : 150 }, 300_000);
    for (let round = 0; round < rounds; round++) {
      for (const size of sizes) {
        const ids = ['valid', ...size.shapes.map((s) => s.id)];
        const order = round % 2 === 0 ? ids : [...ids].reverse();
        for (const id of order) {
          await waitForQuiet(quietBudget, { maxMs: 2000 });
          const window = cpuWindow();
          const result = await child.call('measure', { tokenChars: size.tokenChars, id }, 120_000);
          const key = `${size.tokenChars}/${id}`;
          if (id === 'valid') {
            // The same valid tokens, each a cache miss for a fresh default verifier.
            const miss = await child.call('validMiss', { tokenChars: size.tokenChars }, 120_000);
            samples[`${key}-miss`] ??= { cpu: [], wall: [], background: [] };
            samples[`${key}-miss`].cpu.push(miss.cpuUs);
            samples[`${key}-miss`].wall.push(miss.wallUs);
            samples[`${key}-miss`].background.push(0);
            codes[`${key}-miss`] = { ...(codes[`${key}-miss`] ?? {}), ...miss.codes };
          }
          samples[key] ??= { cpu: [], wall: [], background: [] };
          samples[key].cpu.push(result.cpuUs);
          samples[key].wall.push(result.wallUs);
          samples[key].background.push(window.stop().backgroundCores);
          codes[key] = { ...(codes[key] ?? {}), ...result.codes };
        }
      }
      log(`  reject round ${round + 1}/${rounds} done`);
    }
  } finally {
    await child.stop();
  }
  const results = sizes.map((size) => {
    const of = (id) => {
      const s = samples[`${size.tokenChars}/${id}`];
      return {
        cpu: summarize(s.cpu),
        wall: summarize(s.wall),
        background: summarize(s.background),
      };
    };
    const offCache = of('valid');
    const miss = of('valid-miss');
    // The reference is the cheaper of the two ways to accept: the stricter comparison.
    const valid = miss.cpu.median <= offCache.cpu.median ? miss : offCache;
    return {
      tokenChars: size.actualChars,
      valid: {
        ...valid,
        how: valid === miss ? 'miss' : 'cache off',
        miss,
        offCache,
        codes: { ...codes[`${size.tokenChars}/valid`], ...codes[`${size.tokenChars}/valid-miss`] },
      },
      shapes: size.shapes.map((shape) => {
        const x = of(shape.id);
        const seen = codes[`${size.tokenChars}/${shape.id}`];
        const unexpected = Object.keys(seen).filter((c) => !shape.codes.includes(c));
        return {
          id: shape.id,
          label: shape.label,
          tokenChars: shape.token.length,
          ...x,
          codes: seen,
          unexpected,
          ratio: x.cpu.median / valid.cpu.median,
        };
      }),
    };
  });
  return { rounds, results };
}
