import { Module } from '@nestjs/common';
import { ServicesDirectoryService } from './services-directory.service';
import { ServicesRepository, TypeOrmServicesRepository } from './services.repository';

/** The service directory. Needs the global AuditModule and a TypeORM data source. */
@Module({
  providers: [{ provide: ServicesRepository, useClass: TypeOrmServicesRepository }, ServicesDirectoryService],
  exports: [ServicesDirectoryService],
})
export class ServicesDirectoryModule {}
