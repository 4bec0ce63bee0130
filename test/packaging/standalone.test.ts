import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands on its own: a clone in an empty folder has everything its tests,
 * docs and comments refer to, and the packages name the repository that SECURITY.md sends
 * vulnerability reports to.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const REPOSITORY = 'https://github.com/cognito-guard/cognito-guard';
const PACKAGES = ['core', 'testing', 'express', 'fastify', 'lambda', 'appsync'] as const;
/** Names of design notes kept outside the repository, in pieces so this file does not match. */
const OUTSIDE_REFERENCE = new RegExp(
  [
    'DESIGN\\.md',
    'security-' + 'rules',
    'aws-' + 'contracts',
    'local-' + 'emulators',
    '\\.\\./' + 'shared',
  ].join('|'),
);

function tracked(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  return out
    .toString('utf8')
    .split('\0')
    .filter((f) => f !== '');
}

function read(file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

describe('the repository on its own', () => {
  it('names no document outside it in any tracked file but the changelog', () => {
    const offenders = tracked()
      .filter((f) => f !== 'CHANGELOG.md' && !f.endsWith('.tgz'))
      .filter((f) => OUTSIDE_REFERENCE.test(read(f)));
    expect(offenders).toEqual([]);
  });

  it('carries the test fixtures and the Wycheproof licence', () => {
    const files = tracked();
    expect(files).toContain('test/fixtures/aws-events/README.md');
    expect(files).toContain('test/fixtures/wycheproof/README.md');
    expect(read('test/fixtures/wycheproof/LICENSE')).toContain('Apache License');
    expect(files.filter((f) => /^test\/fixtures\/aws-events\/.*\.json$/.test(f)).length).toBe(25);
  });

  it('states every rule R01-R55 in SECURITY.md with a public source', () => {
    const security = read('SECURITY.md');
    for (let n = 1; n <= 55; n++) {
      const id = `R${String(n).padStart(2, '0')}`;
      // The rule table row: the id, its anchor, the rule in our words and at least one link.
      const row = security
        .split('\n')
        .find((line) => line.startsWith(`| <a id="${id.toLowerCase()}"></a>${id} |`));
      expect(row, id).toBeDefined();
      expect(row, id).toMatch(/\]\(https:\/\//);
    }
  });

  it('sends vulnerability reports to the repository every package names', () => {
    const security = read('SECURITY.md');
    expect(security).toContain(`${REPOSITORY}/security/advisories/new`);
    for (const p of PACKAGES) {
      const pkg = JSON.parse(read(`packages/${p}/package.json`)) as {
        repository?: { url?: string };
        bugs?: { url?: string };
      };
      expect(pkg.repository?.url, p).toBe(`git+${REPOSITORY}.git`);
      expect(pkg.bugs?.url, p).toBe(`${REPOSITORY}/issues`);
    }
  });

  it('builds every package before it is packed, so a clean clone packs dist/', () => {
    for (const p of PACKAGES) {
      const pkg = JSON.parse(read(`packages/${p}/package.json`)) as {
        scripts?: Record<string, string>;
      };
      expect(pkg.scripts?.prepack, p).toBe('tsc -b');
    }
  });
});
