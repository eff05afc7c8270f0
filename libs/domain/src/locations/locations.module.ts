import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LOCATIONS_ENTITIES } from './locations.entities';
import { LocationsService } from './locations.service';

/** The gazetteer of P-codes. Needs a TypeORM data source (TransactionHost). */
@Module({
  imports: [TypeOrmModule.forFeature(LOCATIONS_ENTITIES)],
  providers: [LocationsService],
  exports: [LocationsService],
})
export class LocationsModule {}
