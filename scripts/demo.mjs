// `pnpm demo`: the orders API protected by @cognito-guard/express, with the testing kit's local
// issuer standing in for Cognito. Prints ready-to-paste curl lines and runs until Ctrl-C.
//
//   pnpm demo                 Express example (examples/express-api), on port 3000 or PORT
//   pnpm demo --fastify       the same API on Fastify (examples/fastify-api)
//   pnpm demo --check         send every request itself; exit 0 only if each answer is right
//
// The examples import the built packages, as an application would. So that `pnpm install &&
// pnpm demo` works on a fresh clone (and never runs stale code after an edit), this first runs
// the incremental TypeScript build of the packages the demo needs: a no-op when dist/ is current.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
for (const arg of args) {
  if (!['--check', '--fastify', '--help', '-h'].includes(arg)) {
    console.error(`unknown option ${arg}; use --check, --fastify or --help`);
    process.exit(2);
  }
}
if (args.has('--help') || args.has('-h')) {
  console.log('usage: pnpm demo [--fastify] [--check]');
  process.exit(0);
}
const check = args.has('--check');
const framework = args.has('--fastify') ? 'fastify' : 'express';
// The Express example also has POST /sign-out, with @cognito-guard/revocation.
const projects = [
  'core',
  'testing',
  framework,
  ...(framework === 'express' ? ['revocation'] : []),
].map((name) => `packages/${name}`);

function build() {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    // No TypeScript (an install without dev dependencies): use dist/ as it is, if it is there.
    if (projects.every((p) => existsSync(`${root}/${p}/dist/index.js`))) return;
    console.error(
      'The packages are not built and TypeScript is not installed: run `pnpm install`.',
    );
    process.exit(1);
  }
  if (!projects.every((p) => existsSync(`${root}/${p}/dist/index.js`))) {
    console.log(`Building ${projects.join(', ')} (first run only)...`);
  }
  const result = spawnSync(process.execPath, [tsc, '-b', ...projects], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('Building the packages failed (see above); `pnpm build` shows the same errors.');
    process.exit(1);
  }
}

build();
const { runDemo } = await import(
  pathToFileURL(`${root}/examples/${framework}-api/src/demo.mjs`).href
);
const port = process.env.PORT === undefined ? undefined : Number(process.env.PORT);
const { demo, exitCode } = await runDemo({ check, ...(port === undefined ? {} : { port }) });
if (exitCode !== undefined) process.exit(exitCode);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    console.log('\nStopping the demo.');
    demo.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
