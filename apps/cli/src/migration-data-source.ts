// For the TypeORM CLI (migration:generate / revert): `typeorm -d dist/apps/cli/src/migration-data-source.js`.
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { ownerDataSourceOptions } from '@amani/database';
import { SCHEMA } from './schema';

export default new DataSource(ownerDataSourceOptions(loadConfig(), SCHEMA));
