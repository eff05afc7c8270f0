import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '@amani/config';
import { createWorker } from './create-worker';

async function bootstrap() {
  const config = loadConfigOrExit();
  const app = await createWorker(config);
  app.get(Logger).log({ event: 'worker.ready' }, 'worker ready');
}

void bootstrap();
