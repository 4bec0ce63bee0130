import type { Verifier } from '@cognito-guard/core';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  HttpException,
  type INestApplication,
  Module,
  type Type,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Driver, DriverApp, RouteRule } from '../../../test/conformance/driver.js';
import { httpOutcome, sendHttp } from '../../../test/conformance/http-client.js';
import {
  Auth,
  Authorize,
  type AuthResult,
  CognitoAuthException,
  CognitoGuard,
  CognitoGuardModule,
  OptionalAuth,
  RequireGroups,
  RequireScopes,
} from '../src/index.js';
import { PLATFORMS, startNest } from './helpers.js';

/**
 * A controller with the table's routes, decorated by calling the decorators (they are plain
 * functions): the routes come from the table, so the class cannot be written out.
 */
function controllerFor(routes: readonly RouteRule[]): Type<unknown> {
  class TableController {}
  routes.forEach((route, index) => {
    const name = `route${index}`;
    Object.defineProperty(TableController.prototype, name, {
      value: (auth: AuthResult | undefined) => ({ sub: auth?.sub ?? null }),
      writable: true,
      configurable: true,
    });
    const descriptor = Object.getOwnPropertyDescriptor(TableController.prototype, name);
    const decorate = (decorator: MethodDecorator) =>
      decorator(TableController.prototype, name, descriptor as PropertyDescriptor);
    decorate(Get(route.path));
    if (route.auth === 'optional') decorate(OptionalAuth());
    if (route.scopes !== undefined) decorate(RequireScopes(...route.scopes));
    if (route.groups !== undefined) decorate(RequireGroups(...route.groups));
    if (route.policy !== undefined) decorate(Authorize(route.policy));
    Auth()(TableController.prototype, name, 0);
  });
  Controller()(TableController);
  return TableController;
}

/** An ordinary filter: it only reads the exception's own status, headers and code. */
@Catch()
class ReportFilter implements ExceptionFilter {
  constructor(private readonly app: INestApplication) {}
  catch(err: unknown, host: ArgumentsHost): void {
    const adapter = this.app.getHttpAdapter();
    const response = host.switchToHttp().getResponse();
    const status = err instanceof HttpException ? err.getStatus() : 500;
    if (err instanceof CognitoAuthException) {
      for (const [name, value] of Object.entries(err.headers))
        adapter.setHeader(response, name, value);
    }
    adapter.reply(
      response,
      { code: err instanceof CognitoAuthException ? err.code : null },
      status,
    );
  }
}

function appModule(
  verifier: Verifier,
  realm: string,
  passErrors: boolean,
  controller: Type<unknown>,
) {
  @Module({
    imports: [CognitoGuardModule.forRoot({ verifier, realm, passErrors })],
    controllers: [controller],
    providers: [{ provide: APP_GUARD, useClass: CognitoGuard }],
  })
  class TableModule {}
  return TableModule;
}

/** The conformance drivers for NestJS: one app per case, on each platform, real HTTP. */
export const nestDrivers: readonly Driver[] = PLATFORMS.map(([platform, factory]) => ({
  name: `nestjs (${platform})`,
  surface: 'http',
  modes: ['respond', 'pass-errors'],
  async start({ verifier, routes, realm, mode }): Promise<DriverApp> {
    const passErrors = mode === 'pass-errors';
    const running = await startNest(
      appModule(verifier, realm, passErrors, controllerFor(routes)),
      factory,
      (app) => {
        if (passErrors) app.useGlobalFilters(new ReportFilter(app));
      },
    );
    return {
      send: async (request) => httpOutcome(await sendHttp(running.port, request)),
      close: () => running.close(),
    };
  },
}));
