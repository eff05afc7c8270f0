import { Client } from 'pg';

/** Drops a database (tests only). */
export async function dropDatabase(ownerUrl: string): Promise<void> {
  const url = new URL(ownerUrl);
  const dbName = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName.replace(/"/g, '')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
