import {
  Auth,
  type AuthResult,
  CognitoGuard,
  CognitoGuardModule,
  Public,
  RequireGroups,
  RequireScopes,
} from '@cognito-guard/nestjs';
import { Controller, Delete, Get, Module, Param } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';

@Controller('orders')
@RequireScopes('orders/read')
class OrdersController {
  @Get()
  list(@Auth() auth: AuthResult) {
    return { user: auth.sub };
  }

  @Delete(':id')
  @RequireGroups('admin')
  remove(@Param('id') id: string) {
    return { deleted: id };
  }

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }
}

@Module({
  imports: [
    CognitoGuardModule.forRoot({
      userPoolId: 'us-east-1_Example',
      clientId: 'app-client-id',
      tokenUse: 'access',
    }),
  ],
  controllers: [OrdersController],
  // Every route of every controller needs a token, unless it is @Public().
  providers: [{ provide: APP_GUARD, useClass: CognitoGuard }],
})
class AppModule {}

const app = await NestFactory.create(AppModule);
await app.listen(3000);
