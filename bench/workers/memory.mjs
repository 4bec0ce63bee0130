/**
 * Memory under a stream of distinct valid tokens, with the default verified-token cache.
 *
 * Minting a million RSA-signed tokens takes over ten minutes on this machine, so the stream
 * cycles through N distinct valid tokens (N larger than the cache can hold) and hands the
 * verifier a fresh copy of each token string every time. For the cache this is exactly a
 * stream of distinct tokens: every verify is a miss (an LRU smaller than the cycle has always
 * evicted the token by the time it comes round again), every insert allocates a new key string
 * and a new result, and evicted ones become garbage. What differs from truly distinct tokens
 * is only that the payloads repeat, which the cache cannot see.
 *
 * Started with --expose-gc: every checkpoint collects garbage first, so the figures are what
 * is still reachable (heap) and what the process holds from the OS (RSS).
 */
import { createOurVerifier } from '../lib/peers.mjs';
import { serveParent } from '../lib/rpc.mjs';

const gc = globalThis.gc ?? (() => {});

function sample(verifies) {
  gc();
  gc();
  const m = process.memoryUsage();
  return {
    verifies,
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    externalBytes: m.external,
  };
}

/** A new, flat string with the same characters (not a slice or a reference to the original). */
function freshCopy(token) {
  return Buffer.from(token, 'latin1').toString('latin1');
}

async function run({ ctx, tokens, warm, total, checkpoints }) {
  let hits = 0;
  const verifier = await createOurVerifier(ctx, {
    onEvent: (event) => {
      if (event.type === 'verified' && event.cached) hits += 1;
    },
  });
  // Warm-up on tokens outside the stream, then the baseline before the cache fills.
  for (const token of warm) await verifier.verify(freshCopy(token));
  const baseline = sample(0);
  const samples = [];
  const n = tokens.length;
  const marks = new Set(checkpoints);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    await verifier.verify(freshCopy(tokens[i % n]));
    if (marks.has(i + 1)) samples.push(sample(i + 1));
  }
  const elapsedMs = performance.now() - started;
  const hitsDuringStream = hits;
  // How many entries the cache holds now: the tokens of the stream from the most recent back,
  // until the first miss (a least-recently-used cache holds the most recent admissions; a hit
  // only moves an entry to the front, so this pass does not evict what it has yet to count).
  const before = hits;
  for (let k = 1; k <= n; k++) {
    const seen = hits;
    await verifier.verify(tokens[(((total - k) % n) + n) % n]);
    if (hits === seen) break;
  }
  const held = hits - before;
  return { baseline, samples, elapsedMs, hitsDuringStream, entriesHeld: held, distinct: n };
}

serveParent({ run });
