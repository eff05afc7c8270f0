import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { ownerDataSourceOptions } from '@amani/database';
import { SCHEMA } from '../../apps/cli/src/schema';

/** Fails when the entities and the migrations disagree: a change needs a reviewed migration. */
describe('schema (migrations vs entities)', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await new DataSource(ownerDataSourceOptions(loadConfig(process.env), SCHEMA)).initialize();
  });
  afterAll(() => ds.destroy());

  it('has no pending migration', async () => {
    expect(await ds.showMigrations()).toBe(false);
  });

  it('matches the entities exactly', async () => {
    const diff = await ds.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('gives the application role no UPDATE or DELETE on the audit chain', async () => {
    const rows: { privilege_type: string }[] = await ds.query(
      `SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = 'amani_rw' AND table_name = 'audit_events'`,
    );
    expect(rows.map((r) => r.privilege_type).sort()).toEqual(['INSERT', 'SELECT']);
  });
});
