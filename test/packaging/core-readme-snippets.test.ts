import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The core README's concept sections show examples/snippets/core/*.ts, which the type-check
// compiles; this keeps the two from drifting apart.
const root = new URL('../../', import.meta.url);
const readme = readFileSync(fileURLToPath(new URL('packages/core/README.md', root)), 'utf8');
const dir = new URL('examples/snippets/core/', root);
const snippets = readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.ts'));

describe('core README snippets', () => {
  it('has the identity-pool, federation and roles snippets', () => {
    expect(snippets.sort()).toEqual(['federated-users.ts', 'identity-pools.ts', 'roles.ts']);
  });

  it.each(snippets)('shows %s verbatim in a ts code block', (file) => {
    const code = readFileSync(fileURLToPath(new URL(file, dir)), 'utf8').trimEnd();
    expect(readme).toContain('```ts\n' + code + '\n```');
  });
});
