import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's quick starts are copies of examples/snippets/*.ts, which the type-check
// compiles; this keeps the two from drifting apart.
const root = new URL('../../', import.meta.url);
const readme = readFileSync(fileURLToPath(new URL('README.md', root)), 'utf8');
const dir = new URL('examples/snippets/', root);
const snippets = readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.ts'));

describe('README snippets', () => {
  it('has a snippet file for each quick start', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(7);
  });

  it.each(snippets)('shows %s verbatim in a ts code block', (file) => {
    const code = readFileSync(fileURLToPath(new URL(file, dir)), 'utf8').trimEnd();
    expect(readme).toContain('```ts\n' + code + '\n```');
  });

  it('keeps the first screen: title, intro and the two commands first', () => {
    expect(readme.startsWith('# cognito-guard\n\nAmazon Cognito authentication')).toBe(true);
    expect(readme.indexOf('pnpm demo')).toBeLessThan(readme.indexOf('## '));
    expect(readme.indexOf('pnpm test')).toBeLessThan(readme.indexOf('## '));
  });
});
