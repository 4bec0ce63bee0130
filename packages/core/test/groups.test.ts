import { describe, expect, it } from 'vitest';
import { AuthError } from '../src/errors.js';
import { GROUP_SEPARATOR, joinGroups } from '../src/groups.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AuthError ? err.code : 'not an AuthError';
  }
  return undefined;
}

describe('joinGroups', () => {
  it('joins groups with one space, which splits back exactly', () => {
    const groups = ['admin', 'staff', 'a,b', 'é-team', 'us-east-1_Pool_Google'];
    const joined = joinGroups(groups);
    expect(joined).toBe('admin staff a,b é-team us-east-1_Pool_Google');
    expect(joined.split(GROUP_SEPARATOR)).toEqual(groups);
    expect(joinGroups([])).toBe('');
  });

  it("refuses 'readers admin', which would split back into admin (group-splitting escalation)", () => {
    expect(codeOf(() => joinGroups(['readers admin']))).toBe('CLAIM_TYPE');
  });

  it.each([
    ['a tab', 'readers\tadmin'],
    ['a newline', 'readers\nadmin'],
    ['a no-break space', 'readers\u00a0admin'],
    ['a line separator', 'readers\u2028admin'],
    ['a control character', 'readers\u0000admin'],
    ['an empty name', ''],
  ])('refuses a group with %s (CLAIM_TYPE)', (_, group) => {
    expect(codeOf(() => joinGroups(['staff', group]))).toBe('CLAIM_TYPE');
  });
});
