import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LocationsModule } from '@amani/domain/locations';
import { SERVICES_DIRECTORY_ENTITIES } from './services-directory.entities';
import { ServicesDirectoryService } from './services-directory.service';
import { ServicesRepository, TypeOrmServicesRepository } from './services.repository';

/** The service directory. Needs the global AuditModule and a TypeORM data source. */
@Module({
  imports: [TypeOrmModule.forFeature(SERVICES_DIRECTORY_ENTITIES), LocationsModule],
  providers: [{ provide: ServicesRepository, useClass: TypeOrmServicesRepository }, ServicesDirectoryService],
  exports: [ServicesDirectoryService],
})
export class ServicesDirectoryModule {}
