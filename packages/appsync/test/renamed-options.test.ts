import { createVerifier, requireGroups } from '@cognito-guard/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppSyncAuthorizer, type ResolverDenial, withAuth } from '../src/index.js';

const verifier = createVerifier({
  userPoolId: 'us-east-1_Example',
  clientId: 'client',
  tokenUse: 'access',
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('renamed AppSync hooks', () => {
  it('still calls the deprecated onDenied of withAuth, and warns once per process with a code', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const denials: ResolverDenial[] = [];
    const guarded = withAuth(requireGroups('admin'), async () => 'reached', {
      onDenied: (denial) => denials.push(denial),
    });
    withAuth(null, async () => 'x', { onDenied: () => {} });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toEqual({
      type: 'DeprecationWarning',
      code: 'COGNITO_GUARD_DEP_APPSYNC_ONDENIED',
    });
    await expect(guarded({ identity: null } as never)).rejects.toMatchObject({
      code: 'NO_CREDENTIALS',
    });
    expect(denials.map((d) => d.code)).toEqual(['NO_CREDENTIALS']);
  });

  it('still calls the deprecated onDecision of the authorizer, and warns once per process with a code', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const decisions: unknown[] = [];
    const handler = createAppSyncAuthorizer({
      verifier,
      onDecision: (decision) => decisions.push(decision),
    });
    createAppSyncAuthorizer({ verifier, onDecision: () => {} });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toEqual({
      type: 'DeprecationWarning',
      code: 'COGNITO_GUARD_DEP_APPSYNC_ONDECISION',
    });
    const answer = await handler({ authorizationToken: '', requestContext: {} } as never);
    expect(answer.isAuthorized).toBe(false);
    expect(decisions).toEqual([
      expect.objectContaining({ isAuthorized: false, code: 'NO_CREDENTIALS' }),
    ]);
  });

  it('refuses a hook under both names at creation', () => {
    expect(() =>
      createAppSyncAuthorizer({ verifier, onEvent: () => {}, onDecision: () => {} }),
    ).toThrow('give one, not both');
    expect(() =>
      withAuth(null, async () => 'x', { onEvent: () => {}, onDenied: () => {} }),
    ).toThrow('give one, not both');
  });
});
