// For the TypeORM CLI (migration:generate / revert): `typeorm -d dist/libs/database/src/migration-data-source.js`.
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { ownerDataSourceOptions } from './data-source-options';

export default new DataSource(ownerDataSourceOptions(loadConfig()));
