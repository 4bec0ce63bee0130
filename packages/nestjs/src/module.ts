import {
  type DynamicModule,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { CognitoGuard } from './guard.js';
import {
  COGNITO_GUARD_OPTIONS,
  COGNITO_GUARD_RUNTIME,
  type CognitoGuardModuleOptions,
  checkOptions,
  createRuntime,
} from './runtime.js';

/**
 * Options of `CognitoGuardModule.forRootAsync`: Nest's factory-provider pattern, e.g. with
 * `ConfigService` from `@nestjs/config`.
 *
 * @example
 * ```ts
 * CognitoGuardModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ userPoolId: config.getOrThrow('USER_POOL_ID'), clientId: config.getOrThrow('CLIENT_ID'), tokenUse: 'access' }),
 * });
 * ```
 */
export interface CognitoGuardModuleAsyncOptions {
  /** Modules whose providers the factory injects. */
  readonly imports?: ModuleMetadata['imports'];
  /** What the factory is called with, in order. */
  readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Returns the module's options (or a promise of them). */
  readonly useFactory: (
    ...args: never[]
  ) => CognitoGuardModuleOptions | Promise<CognitoGuardModuleOptions>;
}

function dynamicModule(
  options: Omit<DynamicModule, 'module' | 'global' | 'exports'>,
): DynamicModule {
  const runtime = {
    provide: COGNITO_GUARD_RUNTIME,
    inject: [COGNITO_GUARD_OPTIONS],
    useFactory: createRuntime,
  };
  return {
    ...options,
    // Global, so that `APP_GUARD` and `@UseGuards(CognitoGuard)` in any module find the runtime.
    global: true,
    module: CognitoGuardModule,
    providers: [...(options.providers ?? []), runtime, CognitoGuard],
    exports: [COGNITO_GUARD_OPTIONS, COGNITO_GUARD_RUNTIME, CognitoGuard],
  };
}

/**
 * The module that configures the guard once for the application: it checks the options, creates
 * the verifier (its JWKS and result caches live as long as the application) and provides
 * {@link CognitoGuard}. It is global: import it once, in the root module.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [CognitoGuardModule.forRoot({ userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' })],
 *   providers: [{ provide: APP_GUARD, useClass: CognitoGuard }],
 * })
 * class AppModule {}
 * ```
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: Nest's dynamic modules are classes with static forRoot/forRootAsync.
export class CognitoGuardModule {
  /** The module with options known now. Bad options throw here. */
  static forRoot(options: CognitoGuardModuleOptions): DynamicModule {
    // Checked now, so a typo fails where it was written; the verifier is created at bootstrap.
    checkOptions(options);
    return dynamicModule({ providers: [{ provide: COGNITO_GUARD_OPTIONS, useValue: options }] });
  }

  /** The module with options from a factory (configuration, secrets); checked at bootstrap. */
  static forRootAsync(options: CognitoGuardModuleAsyncOptions): DynamicModule {
    if (
      typeof options !== 'object' ||
      options === null ||
      typeof options.useFactory !== 'function'
    ) {
      throw new TypeError('cognito-guard: CognitoGuardModule.forRootAsync takes { useFactory }');
    }
    return dynamicModule({
      imports: options.imports ?? [],
      providers: [
        {
          provide: COGNITO_GUARD_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory as (...args: unknown[]) => unknown,
        },
      ],
    });
  }
}
