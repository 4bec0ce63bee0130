import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import the TypeScript sources directly, so `pnpm test` needs no build.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@cognito-guard\/core\/http$/,
        replacement: fileURLToPath(new URL('./packages/core/src/http.ts', import.meta.url)),
      },
      { find: /^@cognito-guard\/core$/, replacement: src('core') },
      { find: /^@cognito-guard\/testing$/, replacement: src('testing') },
      { find: /^@cognito-guard\/express$/, replacement: src('express') },
      { find: /^@cognito-guard\/fastify$/, replacement: src('fastify') },
      { find: /^@cognito-guard\/lambda$/, replacement: src('lambda') },
      { find: /^@cognito-guard\/appsync$/, replacement: src('appsync') },
      {
        find: /^@cognito-guard\/revocation\/(dynamodb|cognito)$/,
        replacement: fileURLToPath(new URL('./packages/revocation/src/$1.ts', import.meta.url)),
      },
      { find: /^@cognito-guard\/revocation$/, replacement: src('revocation') },
      { find: /^@cognito-guard\/cdk$/, replacement: src('cdk') },
      { find: /^@cognito-guard\/nestjs$/, replacement: src('nestjs') },
      { find: /^@cognito-guard\/hono$/, replacement: src('hono') },
      { find: /^@cognito-guard\/middy$/, replacement: src('middy') },
      { find: /^@cognito-guard\/cli$/, replacement: src('cli') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
