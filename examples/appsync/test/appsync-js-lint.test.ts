import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// ESLint and AWS's AppSync plugin are dev dependencies of @cognito-guard/appsync, which lints its
// own APPSYNC_JS guard with them; the example borrows them for its APPSYNC_JS files.
const fromAppSyncPackage = createRequire(
  fileURLToPath(new URL('../../../packages/appsync/package.json', import.meta.url)),
);

/** The part of ESLint's Node API used here (eslint is not a dependency of the example). */
type EslintClass = new (
  options: Record<string, unknown>,
) => {
  lintFiles(patterns: string[]): Promise<{ filePath: string; messages: { message: string }[] }[]>;
};

describe('example APPSYNC_JS code', () => {
  it('passes @aws-appsync/eslint-plugin (recommended rules)', async () => {
    const { ESLint } = fromAppSyncPackage('eslint') as { ESLint: EslintClass };
    const appsync = fromAppSyncPackage('@aws-appsync/eslint-plugin') as {
      configs: { recommended: { languageOptions: Record<string, unknown> } };
    };
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const eslint = new ESLint({
      cwd,
      overrideConfigFile: true,
      overrideConfig: [
        {
          ...appsync.configs.recommended,
          files: ['src/appsync/**/*.js'],
          languageOptions: {
            ...appsync.configs.recommended.languageOptions,
            parserOptions: {
              projectService: { allowDefaultProject: ['src/appsync/*.js'] },
              tsconfigRootDir: cwd,
            },
          },
        },
      ],
    });
    const results = await eslint.lintFiles(['src/appsync/']);
    expect(results.map((r) => r.filePath.split('/').at(-1)).sort()).toEqual([
      'invoke-guarded-lambda.js',
      'require-auditors.js',
    ]);
    const messages = results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.message}`));
    expect(messages).toEqual([]);
  });
});

const appsyncPackage = JSON.parse(
  readFileSync(new URL('../../../packages/appsync/package.json', import.meta.url), 'utf8'),
) as { exports: Record<string, unknown>; files: string[] };

describe('@cognito-guard/appsync/js', () => {
  it('is importable by its package name and shipped', async () => {
    expect(Object.hasOwn(appsyncPackage.exports, './js')).toBe(true);
    const specifier = '@cognito-guard/appsync/js';
    const guard = (await import(specifier)) as Record<string, unknown>;
    expect(typeof guard.requireGroups).toBe('function');
    expect(typeof guard.raiseOnDenial).toBe('function');
    expect(appsyncPackage.files).toContain('js');
  });
});
