import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
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
const PACKAGES = [
  'core',
  'testing',
  'express',
  'fastify',
  'lambda',
  'appsync',
  'revocation',
  'cdk',
  'nestjs',
  'hono',
  'middy',
  'cli',
] as const;
const LONG = 180_000;
/** The one repository URL every package.json and SECURITY.md use. */
const REPOSITORY = 'https://github.com/cognito-guard/cognito-guard';
/**
 * Names of design notes that live outside this repository; a user cannot follow them. Spelled
 * in pieces so that this file does not match its own search.
 */
const OUTSIDE_REFERENCE = new RegExp(
  [
    'DESIGN\\.md',
    'security-' + 'rules',
    'aws-' + 'contracts',
    'local-' + 'emulators',
    '\\.\\./' + 'shared',
  ].join('|'),
);

interface PackageMeta {
  repository?: unknown;
  homepage?: string;
  bugs?: unknown;
  license?: string;
  keywords?: string[];
}

let work: string;
let project: string;
/** The file list of each package's tarball, as `tar -tzf` prints it (`package/...`). */
const contents = new Map<string, string[]>();

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
  // Each package's `prepack` runs `tsc -b`. Building once here first (a no-op when `dist/` is
  // up to date, as after CI's `pnpm build`) keeps the six packs below from rebuilding core
  // concurrently into the same directory.
  await sh('pnpm', ['build'], root, LONG);
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
    const { stdout } = await sh('tar', ['-tzf', join(tarballs, file)], work);
    contents.set(
      p,
      stdout.split('\n').filter((line) => line !== ''),
    );
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
        '@nestjs/common': '^11.1.0',
        '@nestjs/core': '^11.1.0',
        'reflect-metadata': '^0.2.2',
        rxjs: '^7.8.2',
        hono: '^4.7.0',
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
  it.each(PACKAGES)('@cognito-guard/%s carries the build, its README and LICENSE', (p) => {
    const files = contents.get(p) ?? [];
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE', 'package.json']) {
      expect(files).toContain(`package/${f}`);
    }
    // Sources and build state stay out: the tarball is what `files` lists, minus tsc's cache.
    expect(files.filter((f) => f.startsWith('package/src/') || f.endsWith('.tsbuildinfo'))).toEqual(
      [],
    );
    // No source maps: they would point at `src/`, which is not in the tarball.
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it.each(PACKAGES)(
    '@cognito-guard/%s names its repository, homepage, tracker and licence',
    async (p) => {
      const pkg = JSON.parse(
        readFileSync(join(project, 'node_modules/@cognito-guard', p, 'package.json'), 'utf8'),
      ) as PackageMeta;
      expect(pkg.repository).toEqual({
        type: 'git',
        url: `git+${REPOSITORY}.git`,
        directory: `packages/${p}`,
      });
      expect(pkg.homepage).toBe(`${REPOSITORY}/tree/main/packages/${p}#readme`);
      expect(pkg.bugs).toEqual({ url: `${REPOSITORY}/issues` });
      expect(pkg.license).toBe('Apache-2.0');
      expect(pkg.keywords).toEqual(expect.arrayContaining(['cognito', 'jwt']));
    },
  );

  it('ships declarations that name no document outside the repository', () => {
    const offenders: string[] = [];
    for (const p of PACKAGES) {
      const dist = join(project, 'node_modules/@cognito-guard', p, 'dist');
      for (const f of readdirSync(dist).filter((name) => name.endsWith('.d.ts'))) {
        if (OUTSIDE_REFERENCE.test(readFileSync(join(dist, f), 'utf8')))
          offenders.push(`${p}/${f}`);
      }
    }
    expect(offenders).toEqual([]);
  });

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
      expect(stdout).toContain(`check:packages: ${PACKAGES.length} packages pass publint and attw`);
    },
    LONG,
  );
});
