import { Module } from '@nestjs/common';
import { LocationsModule } from '../locations/locations.module';
import { ServicesDirectoryService } from './services-directory.service';

/** The service directory. Needs the global AuditModule and a TypeORM data source. */
@Module({
  imports: [LocationsModule],
  providers: [ServicesDirectoryService],
  exports: [ServicesDirectoryService],
})
export class ServicesDirectoryModule {}
