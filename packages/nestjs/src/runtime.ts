import type { Verifier } from '@cognito-guard/core';
import {
  checkHttpAdapterOptions,
  type HttpAdapterSettings,
  type HttpAdapterVerifierOptions,
  verifierFromHttpOptions,
} from '@cognito-guard/core/http';

/**
 * Options of `CognitoGuardModule.forRoot`: a verifier made with `createVerifier`, or the options
 * to make one (the same object `createVerifier` takes), plus core's HTTP adapter options
 * (`optional`, `allowQueryToken`, `passErrors`, `realm`, `errorDetail`).
 *
 * @example
 * ```ts
 * const options: CognitoGuardModuleOptions = { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access', realm: 'orders' };
 * ```
 */
export type CognitoGuardModuleOptions = HttpAdapterVerifierOptions;

/** @internal The checked settings and the one verifier of the application. */
export interface CognitoGuardRuntime {
  readonly settings: HttpAdapterSettings;
  readonly verifier: Verifier;
}

/** @internal The injection token of the runtime. */
export const COGNITO_GUARD_RUNTIME = Symbol('cognito-guard.nestjs.runtime');

/**
 * The injection token of the options as the module was given them (`forRoot`), or as the
 * factory of `forRootAsync` returned them.
 *
 * @example
 * ```ts
 * constructor(@Inject(COGNITO_GUARD_OPTIONS) options: CognitoGuardModuleOptions) {}
 * ```
 */
export const COGNITO_GUARD_OPTIONS = Symbol('cognito-guard.nestjs.options');

/** @internal Checks the adapter's options (unknown keys, types) without creating anything. */
export function checkOptions(options: CognitoGuardModuleOptions): HttpAdapterSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: CognitoGuardModule takes an options object');
  }
  return checkHttpAdapterOptions(options, 'CognitoGuardModule');
}

/** @internal Checks the options and creates the verifier, once, when the module is created. */
export function createRuntime(options: CognitoGuardModuleOptions): CognitoGuardRuntime {
  const settings = checkOptions(options);
  return Object.freeze({ settings, verifier: verifierFromHttpOptions(options) });
}
