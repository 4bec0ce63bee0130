import { type AuthResult, isAuthError } from '@cognito-guard/core';
import { guardRefusal, toHttpError, tokenFromRaw } from '@cognito-guard/core/http';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { CognitoAuthException } from './exception.js';
import { routeRules } from './metadata.js';
import { COGNITO_GUARD_RUNTIME, type CognitoGuardRuntime } from './runtime.js';
import { STATE, type WithState } from './state.js';

/** What the guard reads from a request of either platform. */
interface PlatformRequest extends WithState {
  /** Express: the Node request itself. */
  readonly rawHeaders?: readonly string[];
  readonly originalUrl?: string;
  readonly url?: string;
  /** Fastify: the Node request is `raw`. */
  readonly raw?: { readonly rawHeaders: readonly string[]; readonly url?: string };
}

/** Express's `res.header` and Fastify's `reply.header` both set one header. */
interface PlatformResponse {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

function setHeaders(response: PlatformResponse, headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (typeof response.header === 'function') response.header(name, value);
    else if (typeof response.setHeader === 'function') response.setHeader(name, value);
  }
}

/**
 * Nest guard that requires a valid Cognito bearer token on HTTP routes (Express or Fastify
 * platform), verifies it with core, and checks the route's policies (`@RequireScopes`,
 * `@RequireGroups`, …). Use it globally (`{ provide: APP_GUARD, useClass: CognitoGuard }`) or
 * per controller (`@UseGuards(CognitoGuard)`); it needs `CognitoGuardModule` imported.
 *
 * A refusal is a {@link CognitoAuthException} (RFC 6750 §3: `401` with `WWW-Authenticate`,
 * `400 invalid_request`, `403 insufficient_scope`, `503` with `Retry-After`). Anything that is
 * not an HTTP request (microservices, WebSockets) is refused with an error: this guard does not
 * know where their credentials are, and guarding nothing would let them through.
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
@Injectable()
export class CognitoGuard implements CanActivate {
  readonly #runtime: CognitoGuardRuntime;

  constructor(@Inject(COGNITO_GUARD_RUNTIME) runtime: CognitoGuardRuntime) {
    if (runtime === undefined || runtime === null) {
      throw new Error('cognito-guard: CognitoGuard needs CognitoGuardModule.forRoot() imported');
    }
    this.#runtime = runtime;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      throw new Error(`cognito-guard: CognitoGuard guards HTTP routes, not ${context.getType()}`);
    }
    const rules = routeRules(context.getClass(), context.getHandler());
    if (rules.isPublic) return true;
    const { settings, verifier } = this.#runtime;
    const http = context.switchToHttp();
    const request = http.getRequest<PlatformRequest>();
    const deny = (err: unknown): never => {
      // Core only ever refuses with AuthErrors; anything else is a bug: Nest's 500.
      if (!isAuthError(err)) throw err;
      const error = toHttpError(err, { realm: settings.realm, errorDetail: settings.errorDetail });
      if (!settings.passErrors) setHeaders(http.getResponse<PlatformResponse>(), error.headers);
      throw new CognitoAuthException(error);
    };
    // Node keeps only the first of two Authorization headers in `headers`: read the raw ones.
    const raw = request.raw ?? request;
    let auth: AuthResult | undefined;
    try {
      const token = tokenFromRaw(raw.rawHeaders ?? [], request.originalUrl ?? raw.url, {
        allowQueryToken: settings.allowQueryToken,
        optional: rules.optional ?? settings.optional,
      });
      auth = token === undefined ? undefined : await verifier.verify(token);
    } catch (err) {
      return deny(err);
    }
    request.auth = auth;
    request[STATE] = Object.freeze({ auth });
    for (const policy of rules.policies) {
      const refusal = guardRefusal(policy, auth);
      if (refusal !== undefined) deny(refusal);
    }
    return true;
  }
}
