import { createVerifier } from '@cognito-guard/core';
import { describe, expect, it } from 'vitest';
import {
  createHttpApiAuthorizer,
  createRestRequestAuthorizer,
  createRestTokenAuthorizer,
  createWebSocketAuthorizer,
} from '../src/index.js';

const verifier = createVerifier({
  userPoolId: 'us-east-1_Example',
  clientId: 'client',
  tokenUse: 'access',
});

const factories: readonly [string, (options: never) => unknown, Record<string, unknown>][] = [
  ['createRestTokenAuthorizer', createRestTokenAuthorizer, {}],
  ['createRestRequestAuthorizer', createRestRequestAuthorizer, {}],
  ['createHttpApiAuthorizer', createHttpApiAuthorizer, { response: 'simple' }],
  ['createWebSocketAuthorizer', createWebSocketAuthorizer, {}],
];

describe('authorizer factories', () => {
  it.each(factories)('%s throws a TypeError naming an unknown option', (name, create, base) => {
    expect(() => create({ ...base, verifier, requires: verifier } as never)).toThrow(
      `cognito-guard: unknown ${name} option "requires" (did you mean "require"?)`,
    );
    expect(() => create({ ...base, verifier, tokensource: { query: 't' } } as never)).toThrow(
      TypeError,
    );
  });

  it.each(factories)('%s names an unknown key in its verifier options', (_name, create, base) => {
    const options = { userPoolId: 'us-east-1_Example', clientID: 'c', tokenUse: 'access' };
    expect(() => create({ ...base, verifier: options } as never)).toThrow(
      'unknown verifier option "clientID" (did you mean "clientId"?)',
    );
  });

  it('refuses route rules on the WebSocket authorizer, where they never apply', () => {
    expect(() =>
      createWebSocketAuthorizer({ verifier, routes: { 'GET /x': 'authenticated' } } as never),
    ).toThrow('unknown createWebSocketAuthorizer option "routes"');
  });

  it.each(factories)('%s still accepts its documented options', (_name, create, base) => {
    expect(() =>
      create({ ...base, verifier, allowBareToken: false, onEvent: () => {} } as never),
    ).not.toThrow();
  });
});
