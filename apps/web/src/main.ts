import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfigOrExit } from '@amani/config';
import { configureWeb } from './configure-web';
import { WebModule } from './web.module';

async function bootstrap() {
  const config = loadConfigOrExit();
  const app = await NestFactory.create<NestExpressApplication>(WebModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  configureWeb(app, config);
  await app.listen(config.web.port, config.web.host);
}

void bootstrap();
