import type { TokenUse, Verifier, VerifierOptions } from '@cognito-guard/core';

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
