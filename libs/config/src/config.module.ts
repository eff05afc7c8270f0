import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, loadConfig } from './app-config';

export const InjectConfig = () => Inject(APP_CONFIG);

/** Global module exposing the validated AppConfig under APP_CONFIG. */
@Global()
@Module({})
export class AmaniConfigModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AmaniConfigModule,
      providers: [{ provide: APP_CONFIG, useFactory: () => config ?? loadConfig() }],
      exports: [APP_CONFIG],
    };
  }
}
