/**
 * `pnpm bench --smoke`: correctness of every peer the bench measures, no timings and no
 * autocannon; what test/bench/smoke.test.ts runs in CI.
 */
import { startChild } from '../lib/rpc.mjs';

export async function runSmoke(env) {
  const { ctx, issuer, childEnv, log, tmpDir } = env;
  const { createTestIssuer } = await import('@cognito-guard/testing');
  // Another pool with its own keys: its tokens carry another issuer and another signature.
  const otherPool = await createTestIssuer({ userPoolId: 'us-east-1_OtherPool9' });
  try {
    const now = Math.floor(Date.now() / 1000);
    const valid = await issuer.mintAccessToken({ username: 'smoke' });
    const other = await issuer.mintAccessToken({ username: 'smoke-other' });
    const cases = {
      valid,
      // Expired an hour ago, issued two hours ago: past any clock tolerance.
      expired: await issuer.mintAccessToken({ issuedAt: now - 7200, expiresIn: 3600 }),
      // A real signature by the right key, over another token's header and payload.
      badSignature: `${valid.slice(0, valid.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`,
      wrongPool: await otherPool.mintAccessToken({ username: 'smoke', clientId: issuer.clientId }),
    };
    log(
      'smoke: every verifier, server and Lambda bundle against valid, expired, bad-signature and wrong-pool tokens',
    );
    const child = startChild(new URL('../workers/smoke.mjs', import.meta.url), { env: childEnv });
    try {
      await child.ready;
      return await child.call('run', { ctx, cases, tmpDir }, 90_000);
    } finally {
      await child.stop();
    }
  } finally {
    await otherPool.close();
  }
}
