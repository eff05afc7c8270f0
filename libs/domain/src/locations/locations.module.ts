import { Module } from '@nestjs/common';
import { LocationsService } from './locations.service';

/** The gazetteer of P-codes. Needs a TypeORM data source (TransactionHost). */
@Module({
  providers: [LocationsService],
  exports: [LocationsService],
})
export class LocationsModule {}
