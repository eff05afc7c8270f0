import { createSecretKey } from 'node:crypto';
import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@amani/config';
import { AgenciesService } from './agencies/agencies.service';
import { AUTH_ENTITIES } from './auth.entities';
import { JWT_AUDIENCE, JWT_ISSUER } from './auth-user';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { JwtStrategy } from './jwt.strategy';
import { AgencyKeysService } from './keys/agency-keys.service';
import { keyringMiddleware } from './keys/keyring';
import { KeyringModule } from './keys/keyring.module';
import { LockoutService } from './login/lockout.service';
import { LoginHooks } from './login/login-hooks';
import { LoginService } from './login/login.service';
import { MfaService } from './mfa/mfa.service';
import { PasswordHasher } from './passwords/password-hasher.service';
import { SessionService } from './sessions/session.service';
import { InvitationsService } from './users/invitations.service';
import { UsersService } from './users/users.service';

const SERVICES = [
  PasswordHasher,
  LockoutService,
  LoginHooks,
  SessionService,
  LoginService,
  MfaService,
  UsersService,
  InvitationsService,
  AgenciesService,
  AgencyKeysService,
  JwtStrategy,
  JwtAuthGuard,
  RolesGuard,
];

/**
 * Identity and access: staff accounts, agencies, password + TOTP login, sessions with
 * rotating refresh tokens, and the global guards. Needs AmaniConfigModule, DatabaseModule,
 * CryptoModule and AuditModule. The guards are registered as APP_GUARD by the API module.
 */
@Global()
@Module({
  imports: [
    KeyringModule,
    TypeOrmModule.forFeature(AUTH_ENTITIES),
    PassportModule.register({ session: false }),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: createSecretKey(config.secrets.jwtSecret) as unknown as Buffer,
        signOptions: {
          algorithm: 'HS256',
          expiresIn: config.auth.accessTtlSeconds,
          issuer: JWT_ISSUER,
          audience: JWT_AUDIENCE,
        },
        verifyOptions: { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
      }),
    }),
  ],
  providers: SERVICES,
  exports: [...SERVICES, KeyringModule, PassportModule, JwtModule],
})
export class AuthModule implements NestModule {
  /** Every HTTP request gets its own keyring frame (what it may open), wiped when the response closes. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(keyringMiddleware).forRoutes('{*splat}');
  }
}
