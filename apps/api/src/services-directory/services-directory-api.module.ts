import { Module } from '@nestjs/common';
import { ServicesDirectoryModule } from '@amani/domain/services-directory';
import { ServicesDirectoryController } from './services-directory.controller';

/** HTTP routes of the service directory. */
@Module({
  imports: [ServicesDirectoryModule],
  controllers: [ServicesDirectoryController],
})
export class ServicesDirectoryApiModule {}
