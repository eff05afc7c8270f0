import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LOCATIONS_ENTITIES } from './locations.entities';
import { LocationsRepository, TypeOrmLocationsRepository } from './locations.repository';
import { LocationsService } from './locations.service';

/** The gazetteer of P-codes. Needs a TypeORM data source (TransactionHost). */
@Module({
  imports: [TypeOrmModule.forFeature(LOCATIONS_ENTITIES)],
  providers: [{ provide: LocationsRepository, useClass: TypeOrmLocationsRepository }, LocationsService],
  exports: [LocationsService],
})
export class LocationsModule {}
