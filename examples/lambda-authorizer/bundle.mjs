// Bundles the Lambda handlers with esbuild into dist/ (what template.yaml deploys):
//   pnpm build && node bundle.mjs [outdir]
// One self-contained ESM file per entry point, so the pnpm workspace links never reach Lambda.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const outdir = resolve(process.argv[2] ?? `${here}dist`);

const result = await build({
  entryPoints: [`${here}src/authorizers.mjs`, `${here}src/api.mjs`],
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  minify: true,
  sourcemap: true,
  // CommonJS dependencies inside an ESM bundle still need `require` for Node built-ins.
  banner: {
    js: "import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
});

for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('.mjs')) console.log(`${file}: ${(bytes / 1024).toFixed(1)} KiB`);
}
