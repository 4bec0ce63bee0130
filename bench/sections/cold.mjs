/**
 * Section 3: cold start, import plus first verify with the JWKS fetched over HTTPS, each in
 * a fresh process, cognito-guard and aws-jwt-verify alternating.
 */
import { startChild } from '../lib/rpc.mjs';
import { summarize } from '../lib/stats.mjs';

/** Runs one cold start per round and subject in fresh processes; `subjects` are call params. */
export async function coldStarts(env, subjects, rounds) {
  const samples = Object.fromEntries(Object.keys(subjects).map((key) => [key, []]));
  const keys = Object.keys(subjects);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? keys : [...keys].reverse();
    for (const key of order) {
      const child = startChild(new URL('../workers/cold.mjs', import.meta.url), {
        env: { ...env.childEnv, ...(subjects[key].env ?? {}) },
      });
      try {
        await child.ready;
        const { env: _ignored, ...params } = subjects[key];
        samples[key].push(
          await child.call('run', { ...params, ctx: env.ctx, token: env.tokens.repeated }, 30_000),
        );
      } finally {
        await child.stop();
      }
    }
  }
  const results = {};
  for (const [key, list] of Object.entries(samples)) {
    results[key] = {
      importMs: summarize(list.map((s) => s.importMs)),
      firstVerifyMs: summarize(list.map((s) => s.firstVerifyMs)),
      totalMs: summarize(list.map((s) => s.totalMs)),
      sinceProcessStartMs: summarize(list.map((s) => s.sinceProcessStartMs)),
      rssBytes: summarize(list.map((s) => s.rssBytes)),
    };
  }
  return results;
}

export async function runCold(env) {
  const rounds = env.quick ? 3 : 10;
  env.log(`cold start: ${rounds} fresh processes each, alternating`);
  const results = await coldStarts(
    env,
    { ours: { subject: 'ours' }, 'aws-jwt-verify': { subject: 'aws-jwt-verify' } },
    rounds,
  );
  return { rounds, results };
}
