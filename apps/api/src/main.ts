import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfigOrExit } from '@amani/config';
import { configureApp } from '@amani/http';
import { ApiModule } from './api.module';
import { installBenchProbe } from './bench-probe';
import { setupOpenApi } from './openapi/openapi';

async function bootstrap() {
  const config = loadConfigOrExit();
  installBenchProbe();
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  setupOpenApi(app);
  await app.listen(config.http.port, config.http.host);
}

void bootstrap();
