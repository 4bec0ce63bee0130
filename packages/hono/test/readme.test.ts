import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's quick start is a copy of test/readme/*.ts, which `pnpm typecheck` compiles.
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const dir = new URL('./readme/', import.meta.url);
const snippets = readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.ts'));

describe('@cognito-guard/hono README', () => {
  it('has the quick-start file', () => {
    expect(snippets).toEqual(['quick-start.ts']);
  });

  it.each(snippets)('shows %s verbatim in a ts code block', (file) => {
    const code = readFileSync(fileURLToPath(new URL(file, dir)), 'utf8').trimEnd();
    expect(readme).toContain(`\`\`\`ts\n${code}\n\`\`\``);
  });
});
