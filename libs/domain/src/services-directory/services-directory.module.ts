import { Module } from '@nestjs/common';
import { ServicesDirectoryService } from './services-directory.service';

/** The service directory. Needs the global AuditModule and a TypeORM data source. */
@Module({
  providers: [ServicesDirectoryService],
  exports: [ServicesDirectoryService],
})
export class ServicesDirectoryModule {}
