import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@amani/config';
import { ownerDataSourceOptions, SchemaParts } from './data-source-options';

/** The NOLOGIN group role that migrations grant table privileges to. */
export const APP_GROUP_ROLE = 'amani_rw';

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
};

/**
 * Creates the database and the application's login role if they are missing, then applies
 * pending migrations (the app's list) as the owner. Safe to run repeatedly and from several processes.
 */
export async function prepareDatabase(config: Pick<AppConfig, 'database'>, schema: SchemaParts): Promise<string[]> {
  const owner = new URL(config.database.ownerUrl);
  const app = new URL(config.database.url);
  const dbName = decodeURIComponent(owner.pathname.slice(1));
  const appUser = decodeURIComponent(app.username);
  const appPassword = decodeURIComponent(app.password);

  const adminUrl = new URL(owner.toString());
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (exists.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE ${ident(dbName)}`);
      } catch (e) {
        if ((e as { code?: string }).code !== '42P04') throw e; // created by a concurrent run
      }
    }
    await ensureRole(admin, APP_GROUP_ROLE, 'NOLOGIN');
    if (appUser && appUser !== decodeURIComponent(owner.username)) {
      await ensureRole(admin, appUser, 'LOGIN');
      if (appPassword) {
        await admin.query(`ALTER ROLE ${ident(appUser)} PASSWORD '${appPassword.replace(/'/g, "''")}'`);
      }
      await admin.query(`GRANT ${ident(APP_GROUP_ROLE)} TO ${ident(appUser)}`);
    }
  } finally {
    await admin.end();
  }

  const ds = new DataSource(ownerDataSourceOptions(config, schema));
  await ds.initialize();
  try {
    await ds.query(`GRANT CONNECT ON DATABASE ${ident(dbName)} TO ${ident(APP_GROUP_ROLE)}`);
    const ran = await ds.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

async function ensureRole(client: Client, role: string, kind: 'LOGIN' | 'NOLOGIN') {
  // Roles are cluster-wide; concurrent test runs may race to create the same one.
  try {
    const r = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (r.rowCount === 0) await client.query(`CREATE ROLE ${ident(role)} ${kind}`);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== '42710' && code !== '23505') throw e;
  }
}
