/**
 * Section 4: herds. 500 concurrent requests against a cold verifier, and 500 concurrent
 * unknown-kid tokens against a warm one, with the number of JWKS fetches each caused.
 */
import { randomBytes } from 'node:crypto';
import { startChild } from '../lib/rpc.mjs';

export const HERD_PEERS = ['ours', 'aws-jwt-verify', 'jose', 'jsonwebtoken', 'fast-jwt'];
export const HERD_SIZE = 500;
const QUICK_HERD_PEERS = ['ours', 'aws-jwt-verify', 'jose'];

export async function runHerd(env) {
  const { ctx, tokens, issuer, childEnv, log, mintMany } = env;
  log(`herd: ${HERD_SIZE} concurrent cold verifies and ${HERD_SIZE} unknown-kid tokens per peer`);
  // Unknown kids look like Cognito's (44 characters of base64); the signature is the issuer's.
  const unknownKidTokens = await mintMany(HERD_SIZE, () =>
    issuer.mintAccessToken({ header: { kid: randomBytes(32).toString('base64') } }),
  );
  const coldTokens = tokens.distinct.slice(0, HERD_SIZE);
  const child = startChild(new URL('../workers/herd.mjs', import.meta.url), {
    env: childEnv,
    handlers: { requestCount: () => issuer.requestCount },
  });
  const params = { ctx, coldTokens, unknownKidTokens, warmToken: tokens.warm[0] };
  const results = {};
  try {
    await child.ready;
    // --quick skips the peers that fetch once per token (hundreds of TLS handshakes).
    const peers = env.quick ? HERD_PEERS.filter((id) => QUICK_HERD_PEERS.includes(id)) : HERD_PEERS;
    for (const id of peers) {
      results[id] = await child.call('verifierHerd', { id, ...params }, 120_000);
    }
    if (!env.quick) {
      results['fastify-jwt-jwks'] = await child.call(
        'fastifyHerd',
        { id: 'fastify-jwt-jwks', ...params },
        120_000,
      );
    }
    results.oursCooldown = await child.call('oursAfterCooldown', params, 120_000);
    results.oursRefresh = await child.call(
      'oursForcedRefresh',
      { ctx, cachedTokens: tokens.distinct.slice(0, 200), unknownKidTokens },
      120_000,
    );
  } finally {
    await child.stop();
  }
  return { size: HERD_SIZE, results };
}
