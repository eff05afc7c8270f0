export * from './location-codes';
export * from './locations.entities';
export * from './location.entity';
export * from './hxl-locations';
export * from './locations.service';
export * from './locations.module';
export * from './region-rollup';
