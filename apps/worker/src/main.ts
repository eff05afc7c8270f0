import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@amani/config';
import { createWorker } from './create-worker';

async function bootstrap() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  const app = await createWorker(config);
  app.get(Logger).log({ event: 'worker.ready' }, 'worker ready');
}

void bootstrap();
