/**
 * One cold start, in a fresh process: import the verifier (or a Lambda bundle), create it,
 * verify one token with the JWKS fetched over HTTPS. Nothing else is imported before the
 * clock starts except the IPC plumbing, so no peer inherits another's loaded modules.
 * Both verifiers use their default HTTPS client, as in production: the test CA is trusted
 * through NODE_EXTRA_CA_CERTS, not through a `ca` option (ours would build an agent with
 * Node's root store plus the CA, a cost production never pays).
 */
import { serveParent } from '../lib/rpc.mjs';

async function importAndVerify({ subject, ctx, token, bundlePath }) {
  const t0 = performance.now();
  let verify;
  if (subject === 'ours') {
    const { createVerifier } = await import('@cognito-guard/core');
    const importedAt = performance.now();
    const verifier = createVerifier({
      userPoolId: ctx.userPoolId,
      clientId: ctx.clientId,
      tokenUse: 'access',
      jwksUri: ctx.jwksUri,
    });
    verify = () => verifier.verify(token);
    return finish(t0, importedAt, verify);
  }
  if (subject === 'aws-jwt-verify') {
    const { CognitoJwtVerifier } = await import('aws-jwt-verify');
    const { SimpleJwksCache } = await import('aws-jwt-verify/jwk');
    const { SimpleFetcher } = await import('aws-jwt-verify/https');
    const importedAt = performance.now();
    const fetcher = new SimpleFetcher();
    const verifier = CognitoJwtVerifier.create(
      { userPoolId: ctx.userPoolId, tokenUse: 'access', clientId: ctx.clientId },
      {
        jwksCache: new SimpleJwksCache({
          fetcher: { fetch: (_uri, options, data) => fetcher.fetch(ctx.jwksUri, options, data) },
        }),
      },
    );
    verify = () => verifier.verify(token);
    return finish(t0, importedAt, verify);
  }
  if (subject === 'bundle') {
    // A Lambda authorizer bundle: module scope creates the verifier, the handler verifies.
    const { handler } = await import(bundlePath);
    const importedAt = performance.now();
    verify = async () => {
      const result = await handler({
        type: 'TOKEN',
        authorizationToken: `Bearer ${token}`,
        methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/hello',
      });
      if (result?.policyDocument?.Statement?.[0]?.Effect !== 'Allow') {
        throw new Error('the authorizer did not allow a valid token');
      }
      return result;
    };
    return finish(t0, importedAt, verify);
  }
  throw new Error(`unknown cold-start subject ${subject}`);
}

async function finish(t0, importedAt, verify) {
  const result = await verify();
  if (!result) throw new Error('first verify returned nothing');
  const done = performance.now();
  return {
    importMs: importedAt - t0,
    firstVerifyMs: done - importedAt,
    totalMs: done - t0,
    // Since the process started (Node's own start-up included).
    sinceProcessStartMs: done,
    rssBytes: process.memoryUsage().rss,
  };
}

serveParent({ run: importAndVerify });
