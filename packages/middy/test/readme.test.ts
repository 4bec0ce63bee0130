import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's quick start is a copy of test/readme/quick-start.ts, which `pnpm typecheck`
// compiles against the real @middy/core types.
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

describe('@cognito-guard/middy README', () => {
  it('shows the type-checked quick start verbatim', () => {
    const code = readFileSync(
      fileURLToPath(new URL('./readme/quick-start.ts', import.meta.url)),
      'utf8',
    ).trimEnd();
    expect(readme).toContain('```ts\n' + code + '\n```');
  });
});
