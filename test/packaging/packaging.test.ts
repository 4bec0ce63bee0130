import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The packages as a user gets them: each publishable package is built (if needed) and packed
 * with `pnpm pack` (which rewrites `workspace:*` to `0.1.0`), all the tarballs are installed
 * together into a throwaway project with npm (so they resolve to each other, never to the
 * registry; third-party dependencies do come from the registry), and then the project imports
 * them as ESM, `require()`s them from CommonJS, and compiles against them under `nodenext`.
 * publint and @arethetypeswrong/cli run on every package (`check-packages.mjs`, the root
 * `pnpm check:packages`).
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixture', import.meta.url));
const PACKAGES = ['core', 'testing', 'express', 'fastify', 'lambda', 'appsync', 'cdk'] as const;
const LONG = 180_000;

let work: string;
let project: string;

async function sh(cmd: string, args: string[], cwd: string, timeout = 120_000) {
  try {
    return await run(cmd, args, { cwd, timeout, maxBuffer: 32 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
    );
  }
}

beforeAll(async () => {
  // CI runs `pnpm build` before the tests; a bare `pnpm test` may not have.
  if (PACKAGES.some((p) => !existsSync(join(root, 'packages', p, 'dist', 'index.js')))) {
    await sh('pnpm', ['build'], root);
  }
  work = mkdtempSync(join(tmpdir(), 'cognito-guard-pack-'));
  const tarballs = join(work, 'tarballs');
  project = join(work, 'project');
  mkdirSync(tarballs);
  mkdirSync(project);
  await Promise.all(
    PACKAGES.map((p) =>
      sh('pnpm', ['pack', '--pack-destination', tarballs], join(root, 'packages', p)),
    ),
  );
  const files = readdirSync(tarballs);
  const dependencies: Record<string, string> = {};
  for (const p of PACKAGES) {
    const file = files.find((f) => f.startsWith(`cognito-guard-${p}-`) && f.endsWith('.tgz'));
    if (file === undefined) throw new Error(`no tarball for ${p}`);
    dependencies[`@cognito-guard/${p}`] = `file:../tarballs/${file}`;
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'cognito-guard-packaging-check',
      private: true,
      type: 'commonjs',
      dependencies: {
        ...dependencies,
        // What a user adds: the frameworks (peer dependencies) and their types.
        express: '^5.1.0',
        fastify: '^5.0.0',
        '@types/express': '^5.0.0',
        '@types/node': '^20.19.0',
        // The CDK constructs' peer dependencies (npm would install them anyway).
        'aws-cdk-lib': '^2.189.1',
        constructs: '^10.4.2',
      },
    }),
  );
  for (const f of readdirSync(fixture)) copyFileSync(join(fixture, f), join(project, f));
  await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project, LONG);
}, LONG);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it('rewrites workspace dependencies to the released version', async () => {
    const { stdout } = await sh('npm', ['ls', '--all', '--json', '@cognito-guard/core'], project);
    expect(stdout).not.toContain('workspace:');
    const pkg = (await import(join(project, 'node_modules/@cognito-guard/express/package.json'), {
      with: { type: 'json' },
    })) as { default: { dependencies: Record<string, string> } };
    expect(pkg.default.dependencies['@cognito-guard/core']).toBe('0.1.0');
  });

  it('imports as ESM and verify a token end to end', async () => {
    const { stdout } = await sh(process.execPath, ['esm.mjs'], project);
    expect(stdout.trim()).toBe('esm ok: admin');
  });

  it('loads with require() from CommonJS without a flag', async () => {
    const { stdout } = await sh(process.execPath, ['require.cjs'], project);
    expect(stdout.trim()).toBe('cjs ok');
  });

  // LONG: with skipLibCheck off, the check also covers the aws-cdk-lib declarations the CDK
  // constructs' types reach, as a consumer's own `tsc` does.
  it(
    'type-checks under module nodenext, ESM and CommonJS consumers',
    async () => {
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      const { stdout } = await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], project, LONG);
      expect(stdout).toBe('');
    },
    LONG,
  );
});

describe('publint and arethetypeswrong', () => {
  it(
    'passes on every publishable package',
    async () => {
      const { stdout } = await sh(
        process.execPath,
        [join(root, 'test/packaging/check-packages.mjs')],
        root,
        LONG,
      );
      expect(stdout).toContain('check:packages: 7 packages pass publint and attw');
    },
    LONG,
  );
});
