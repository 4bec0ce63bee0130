/**
 * Overrides for the members of a JSON object (a JWT header or claims set). A value of
 * `undefined` removes the member, so a test can build a token without `exp`, without `kid`...
 *
 * @example
 * const claims: MemberOverrides = { exp: undefined, 'custom:tenant': 'acme' };
 */
export type MemberOverrides = Record<string, unknown>;

/**
 * Returns a copy of `base` with `overrides` applied: later members replace earlier ones and
 * `undefined` deletes. Members keep their first position, so a replaced claim does not move.
 *
 * Members are defined, not assigned, so an own `__proto__` key in the overrides (as security
 * tests use) lands in the JSON instead of changing the prototype of the result.
 *
 * @example
 * applyOverrides({ alg: 'RS256', kid: 'k1' }, { kid: undefined, typ: 'JWT' });
 * // { alg: 'RS256', typ: 'JWT' }
 */
export function applyOverrides(
  base: Record<string, unknown>,
  overrides: MemberOverrides | undefined,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const source of [base, overrides ?? {}]) {
    for (const [name, value] of Object.entries(source)) {
      if (value === undefined) {
        delete result[name];
      } else {
        Object.defineProperty(result, name, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
  }
  return result;
}
