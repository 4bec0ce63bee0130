/**
 * Correctness only, no timings: every verifier, every HTTP server and both Lambda bundles the
 * bench measures must accept the valid token and reject an expired one, one with a wrong
 * signature and one from another user pool. A peer that silently accepted everything would
 * otherwise win every benchmark. Reports what failed by peer and case, never a token.
 */
import { pathToFileURL } from 'node:url';
import { bundle, ourLambdaEntry } from '../lib/bundle.mjs';
import { createPeer, VERIFY_PEERS } from '../lib/peers.mjs';
import { getStatus } from '../lib/request.mjs';
import { serveParent } from '../lib/rpc.mjs';
import { createApp, SERVERS } from '../lib/servers.mjs';

async function outcome(fn) {
  try {
    const value = await fn();
    return value ? 'accepted' : 'rejected';
  } catch {
    return 'rejected';
  }
}

async function run({ ctx, cases, tmpDir }) {
  const checked = [];
  const failures = [];
  const expect = (subject, name, expected, got) => {
    checked.push(`${subject}/${name}`);
    if (got !== expected) failures.push(`${subject}: ${name} token ${got}, expected ${expected}`);
  };
  for (const id of VERIFY_PEERS) {
    const peer = await createPeer(id, ctx);
    for (const [name, token] of Object.entries(cases)) {
      // The floor checks the signature only: an expired token with a good signature passes.
      const expected =
        name === 'valid' || (peer.signatureOnly && name === 'expired') ? 'accepted' : 'rejected';
      expect(id, name, expected, await outcome(() => peer.verify(token)));
    }
  }
  for (const server of SERVERS) {
    let listening;
    try {
      const app = await createApp(server.id, ctx);
      listening = await app.listen();
      expect(server.id, 'valid', 200, await getStatus(listening.port, '/hello', cases.valid));
      if (server.auth) {
        expect(server.id, 'missing', 401, await getStatus(listening.port, '/hello', undefined));
        for (const name of ['expired', 'badSignature', 'wrongPool']) {
          expect(server.id, name, 401, await getStatus(listening.port, '/hello', cases[name]));
        }
      }
    } catch (err) {
      failures.push(`${server.id}: could not be built (${err.message})`);
    } finally {
      await listening?.close();
    }
  }
  const ours = await ourLambdaEntry();
  for (const [subject, entry] of [
    ['lambda-ours', ours.entry],
    ['lambda-aws-jwt-verify', 'aws.mjs'],
  ]) {
    const { outfile } = await bundle(entry, tmpDir);
    const { handler } = await import(pathToFileURL(outfile).href);
    for (const [name, token] of Object.entries(cases)) {
      const got = await outcome(async () => {
        const result = await handler({
          type: 'TOKEN',
          authorizationToken: `Bearer ${token}`,
          methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/hello',
        });
        return result?.policyDocument?.Statement?.[0]?.Effect === 'Allow';
      });
      expect(subject, name, name === 'valid' ? 'accepted' : 'rejected', got);
    }
  }
  return { checked, failures, lambdaEntry: ours.via };
}

serveParent({
  run(params) {
    // The bundles read their configuration from the environment at import.
    process.env.USER_POOL_ID = params.ctx.userPoolId;
    process.env.CLIENT_ID = params.ctx.clientId;
    process.env.JWKS_URI = params.ctx.jwksUri;
    return run(params);
  },
});
