/**
 * Section 6: the Lambda authorizer, bundled with esbuild (minified, gzipped size) and cold
 * started (import of the bundle plus the first invocation with the JWKS fetched), next to a
 * minimal aws-jwt-verify authorizer.
 */
import { pathToFileURL } from 'node:url';
import { bundle, ourLambdaEntry } from '../lib/bundle.mjs';
import { coldStarts } from './cold.mjs';

export async function runLambda(env) {
  const { quick, ctx, tmpDir, log } = env;
  const ours = await ourLambdaEntry();
  log(`lambda: bundling ${ours.entry} and aws.mjs with esbuild`);
  const bundles = {
    ours: { ...(await bundle(ours.entry, tmpDir)), via: ours.via },
    'aws-jwt-verify': await bundle('aws.mjs', tmpDir),
  };
  const lambdaEnv = {
    USER_POOL_ID: ctx.userPoolId,
    CLIENT_ID: ctx.clientId,
    JWKS_URI: ctx.jwksUri,
  };
  const rounds = quick ? 3 : 10;
  log(`lambda: ${rounds} cold starts of each bundle`);
  const cold = await coldStarts(
    env,
    Object.fromEntries(
      Object.entries(bundles).map(([key, b]) => [
        key,
        { subject: 'bundle', bundlePath: pathToFileURL(b.outfile).href, env: lambdaEnv },
      ]),
    ),
    rounds,
  );
  for (const b of Object.values(bundles)) delete b.outfile;
  return { rounds, bundles, cold };
}
