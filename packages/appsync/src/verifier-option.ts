import {
  createVerifier,
  type TokenUse,
  type Verifier,
  type VerifierOptions,
} from '@cognito-guard/core';

/**
 * A verifier, or the options to create one. Either way the verifier is created once, when the
 * authorizer or guard is created (at module scope in a Lambda), so its JWKS and token caches
 * live as long as the execution environment.
 *
 * @example
 * ```ts
 * const source: VerifierSource = { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' };
 * ```
 */
export type VerifierSource = Verifier<TokenUse | null> | VerifierOptions<TokenUse | null>;

/**
 * Returns `source` if it is a verifier, else creates one from it (configuration errors throw here).
 *
 * @example
 * ```ts
 * const verifier = resolveVerifier(options.verifier, 'verifier');
 * ```
 */
export function resolveVerifier(source: VerifierSource, option: string): Verifier<TokenUse | null> {
  if (typeof source !== 'object' || source === null) {
    throw new TypeError(`cognito-guard: ${option} must be a verifier or verifier options`);
  }
  if (typeof (source as Partial<Verifier>).verify === 'function') return source as Verifier;
  return createVerifier(source as VerifierOptions<TokenUse | null>);
}

/**
 * The clock a verifier was configured with, when it was created from options.
 *
 * @example
 * ```ts
 * const clock = clockOf(options.verifier) ?? Date.now;
 * ```
 */
export function clockOf(source: VerifierSource): (() => number) | undefined {
  const clock = (source as { readonly clock?: unknown }).clock;
  return typeof clock === 'function' ? (clock as () => number) : undefined;
}
