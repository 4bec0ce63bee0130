/** esbuild bundles of the Lambda authorizers, as a deployment would build them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BENCH_DIR } from './setup.mjs';

/** Which entry stands for our authorizer: the lambda package once built, else core alone. */
export async function ourLambdaEntry() {
  try {
    const lambda = await import('@cognito-guard/lambda');
    if (typeof lambda.createRestTokenAuthorizer === 'function') {
      return { entry: 'ours.mjs', via: '@cognito-guard/lambda createRestTokenAuthorizer' };
    }
  } catch {
    // Not built: fall through.
  }
  return {
    entry: 'ours-core.mjs',
    via: 'a minimal authorizer on @cognito-guard/core (the lambda package was not built yet)',
  };
}

/** Bundles `entry` (a file in bench/lambda) minified into `outDir`; returns sizes and path. */
export async function bundle(entry, outDir) {
  const esbuild = await import('esbuild');
  const outfile = path.join(outDir, entry.replace(/\.mjs$/, '.bundle.mjs'));
  const result = await esbuild.build({
    entryPoints: [path.join(BENCH_DIR, 'lambda', entry)],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
    // What the AWS Lambda Node.js runtime provides is not bundled.
    external: ['@aws-sdk/*'],
  });
  const code = readFileSync(outfile);
  const inputs = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [file, info] of Object.entries(output.inputs)) {
      const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(
        file,
      );
      const owner = match
        ? match[1]
        : file.includes('packages/')
          ? file.split('/').slice(0, 3).join('/')
          : file;
      inputs[owner] = (inputs[owner] ?? 0) + info.bytesInOutput;
    }
  }
  return {
    outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    inputs,
  };
}
