import { createVerifier } from '@cognito-guard/core';
import { describe, expect, it } from 'vitest';
import { createAppSyncAuthorizer, withAuth } from '../src/index.js';

const verifier = createVerifier({
  userPoolId: 'us-east-1_Example',
  clientId: 'client',
  tokenUse: 'access',
});

describe('createAppSyncAuthorizer options', () => {
  it('throws a TypeError naming an unknown option', () => {
    expect(() => createAppSyncAuthorizer({ verifier, ttl: 60 } as never)).toThrow(
      'cognito-guard: unknown createAppSyncAuthorizer option "ttl"',
    );
    expect(() => createAppSyncAuthorizer({ verifier, onDecison: () => {} } as never)).toThrow(
      '(did you mean "onDecision"?)',
    );
  });

  it('names an unknown key in its verifier options', () => {
    const options = { userPoolId: 'us-east-1_Example', clientId: 'c', tokenuse: 'access' };
    expect(() => createAppSyncAuthorizer({ verifier: options } as never)).toThrow(
      'unknown verifier option "tokenuse" (did you mean "tokenUse"?)',
    );
  });
});

describe('withAuth options', () => {
  it('throws a TypeError naming an unknown option', () => {
    expect(() => withAuth(null, async () => 'x', { denyMode: 'envelope' } as never)).toThrow(
      'cognito-guard: unknown withAuth option "denyMode"',
    );
    expect(() => withAuth(null, async () => 'x', { userPoolID: 'us-east-1_X' } as never)).toThrow(
      '(did you mean "userPoolId"?)',
    );
  });

  it('still accepts its documented options', () => {
    expect(() =>
      withAuth(null, async () => 'x', {
        verifier,
        deny: 'envelope',
        modes: ['cognito'],
        userPoolId: 'us-east-1_Example',
        onEvent: () => {},
      }),
    ).not.toThrow();
  });
});
