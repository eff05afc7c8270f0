#!/usr/bin/env node
/*
 * The lean reference of bench/api.bench.js: the same work as the API's hot paths in the fewest
 * round trips, with nothing between node:http and raw `pg` — so that the API's figures have
 * something honest to be compared with in the same run, on the same machine, at the same moment.
 *
 * Per request: verify the HS256 access token (issuer, audience, expiry), run the API's own
 * session + user query (revocation and disabled users refused at once), then one statement
 * that does the path's reads and writes, audit row included (a CTE), with Amani's own
 * EnvelopeCrypto (dist/libs/crypto) on the same fields. Named (prepared) statements.
 *
 * Scope: a supervisor (the bench's actor) sees the cases of their agency; a provider sees the
 * referrals addressed to theirs. It answers the same JSON shapes, validation is minimal (the
 * bench sends valid bodies). No survivor-code collision check (the API draws until unused).
 *
 * Environment: as the API (DATABASE_URL, SECRETS_FILE, ...) plus LEAN_PORT. On the bench's IPC message it sends
 * its event-loop delay like the API's bench probe
 * (an IPC message, see apps/api/src/bench-probe.ts).
 */
'use strict';
const http = require('node:http');
const { randomUUID, createSecretKey } = require('node:crypto');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { join } = require('node:path');
const jwt = require('jsonwebtoken');
const { Pool } = require('pg');

const root = join(__dirname, '..');
const dist = (p) => require(join(root, 'dist', p));
const { loadConfig } = dist('libs/config/src');
const { EnvelopeCrypto, StaticMasterKeyProvider, BlindIndexService, loadSodium } = dist('libs/crypto/src');
const { generateSurvivorCode } = dist('libs/domain/src/cases/survivor-code');

const SESSION_SQL = `SELECT u.id AS user_id, u.role, u.agency_id, s.stage, u.mfa_enabled_at IS NOT NULL AS mfa_enabled, u.status
   FROM auth_sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id = $1 AND s.user_id = $2
    AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL
    AND u.status IN ('active', 'awaiting_approval')`;

const AUDIT_COLUMNS = 'occurred_at, actor_id, actor_role, agency_id, action, target_type, target_id, outcome, details, request_id';
const SUMMARY = `id, stage, closure_reason, sex, age_band, nationality_status, displacement_status, disability, vulnerabilities,
  region_code, assigned_caseworker_id, created_at, updated_at, closed_at, version`;

const CREATE_SQL = `WITH c AS (
    INSERT INTO cases (id, agency_id, created_by, assigned_caseworker_id, sex, age_band, nationality_status, displacement_status,
      disability, vulnerabilities, region_code, survivor_code_index, phone_index, survivor_code, survivor_name, survivor_aliases,
      contact_details, address, date_of_birth, caregiver_details, narrative)
    VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
    RETURNING ${SUMMARY}),
  k AS (INSERT INTO case_keys (case_id, wrapped_dek, kek_version, key_version) SELECT id, $21, $22, 1 FROM c),
  a AS (INSERT INTO audit_queue (${AUDIT_COLUMNS})
        SELECT now(), $3, $23, $2, 'case.create', 'case', id::text, 'success', '{}', NULL FROM c)
  SELECT * FROM c`;

const READ_SQL = `WITH c AS (
    SELECT c.*, k.wrapped_dek, k.kek_version, k.key_version
      FROM cases c JOIN case_keys k ON k.case_id = c.id WHERE c.id = $1 AND c.agency_id = $2),
  a AS (INSERT INTO audit_queue (${AUDIT_COLUMNS})
        SELECT now(), $3, $4, $2, 'case.read', 'case', id::text, 'success', '{}', NULL FROM c)
  SELECT * FROM c`;

// Like the API's page, a total counted up to 1000 (then "capped"), never a scan of the whole agency.
const LIST_SQL = `WITH c AS (
    SELECT ${SUMMARY} FROM cases WHERE agency_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2),
  n AS (SELECT count(*)::int AS total FROM (SELECT 1 FROM cases WHERE agency_id = $1 LIMIT 1001) x),
  a AS (INSERT INTO audit_queue (${AUDIT_COLUMNS})
        SELECT now(), $3, $4, $1, 'case.list', 'case', NULL, 'success', jsonb_build_object('count', (SELECT count(*) FROM c)), NULL)
  SELECT c.*, n.total FROM n LEFT JOIN c ON true`;

const INCOMING_SQL = `WITH r AS (
    SELECT id, case_id, referring_agency_id, recipient_agency_id, service_type, service_id, state, decline_reason, outcome,
           follow_up_due_at, overdue_at, accepted_at, declined_at, completed_at, revoked_at, packet_fields,
           packet_destroyed_at IS NOT NULL AS packet_destroyed, created_at, updated_at
      FROM referrals WHERE recipient_agency_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2),
  n AS (SELECT count(*)::int AS total FROM (SELECT 1 FROM referrals WHERE recipient_agency_id = $1 LIMIT 1001) x),
  a AS (INSERT INTO audit_queue (${AUDIT_COLUMNS})
        SELECT now(), $3, $4, $1, 'referral.incoming.list', 'referral', NULL, 'success', jsonb_build_object('count', (SELECT count(*) FROM r)), NULL)
  SELECT r.*, n.total FROM n LEFT JOIN r ON true`;

async function main() {
  const config = loadConfig(process.env);
  const sodium = await loadSodium();
  const envelope = new EnvelopeCrypto(sodium, new StaticMasterKeyProvider(config.secrets.masterKeys, config.secrets.masterKeyCurrent));
  const blind = new BlindIndexService(sodium, config);
  const raw = new Pool({ connectionString: config.database.url, max: config.database.poolSize });
  // LEAN_UNNAMED=1: unnamed statements (parsed and planned on every execution), as TypeORM sends them.
  const pool = process.env.LEAN_UNNAMED === '1' ? { query: ({ text, values }) => raw.query(text, values), end: () => raw.end() } : raw;
  const secret = createSecretKey(config.secrets.jwtSecret);
  const { JWT_AUDIENCE, JWT_ISSUER } = dist('libs/auth/src/auth-user');

  const ctx = (agencyId, column, id) => ({ table: 'cases', column, rowId: id, agencyId, keyVersion: 1 });
  const seal = (dek, agencyId, column, id, v) => (v === null || v === undefined ? null : envelope.encryptField(dek, v, ctx(agencyId, column, id)));
  const open = (dek, agencyId, column, id, ct) => (ct === null ? null : envelope.decryptFieldText(dek, ct, ctx(agencyId, column, id)));
  const summary = (r) => ({
    id: r.id, stage: r.stage, closureReason: r.closure_reason, sex: r.sex, ageBand: r.age_band, nationalityStatus: r.nationality_status,
    displacementStatus: r.displacement_status, disability: r.disability, vulnerabilities: r.vulnerabilities, regionCode: r.region_code,
    assignedCaseworkerId: r.assigned_caseworker_id, createdAt: r.created_at, updatedAt: r.updated_at, closedAt: r.closed_at, version: r.version,
  });

  async function authenticate(req) {
    const header = req.headers.authorization;
    if (!header || !header.startsWith('Bearer ')) return null;
    let claims;
    try {
      claims = jwt.verify(header.slice(7), secret, { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
    } catch {
      return null;
    }
    const { rows } = await pool.query({ name: 'session', text: SESSION_SQL, values: [claims.sid, claims.sub] });
    const row = rows[0];
    if (!row || row.stage !== 'full' || claims.stage !== 'full' || !row.mfa_enabled) return null;
    return { id: row.user_id, role: row.role, agencyId: row.agency_id };
  }

  async function createCase(user, body) {
    const id = randomUUID();
    const dek = envelope.generateDataKey();
    try {
      const code = generateSurvivorCode();
      const json = (v) => (v === null || v === undefined ? null : JSON.stringify(v));
      const s = (column, v) => seal(dek, user.agencyId, column, id, v);
      const wrapped = envelope.wrapDataKey(dek, { keyId: id, purpose: 'case' });
      const phone = body.contactDetails?.phone;
      const { rows } = await pool.query({
        name: 'create',
        text: CREATE_SQL,
        values: [
          id, user.agencyId, user.id, body.sex, body.ageBand, body.nationalityStatus, body.displacementStatus, body.disability,
          [...new Set(body.vulnerabilities)], body.regionCode, blind.compute('survivorCode', code, { purpose: 'cases.survivor_code' }),
          phone ? blind.compute('phone', phone, { purpose: 'cases.phone' }) : null,
          s('survivor_code', code), s('survivor_name', body.survivorName), body.aliases?.length ? s('survivor_aliases', json(body.aliases)) : null,
          s('contact_details', json(body.contactDetails)), s('address', body.address), s('date_of_birth', body.dateOfBirth),
          s('caregiver_details', json(body.caregiverDetails)), s('narrative', body.narrative),
          wrapped.wrapped, wrapped.kekVersion, user.role,
        ],
      });
      return {
        ...summary(rows[0]), survivorCode: code, survivorName: body.survivorName, aliases: body.aliases ?? [],
        contactDetails: body.contactDetails ?? null, address: body.address ?? null, dateOfBirth: body.dateOfBirth ?? null,
        caregiverDetails: body.caregiverDetails ?? null, narrative: body.narrative ?? null, createdById: user.id,
      };
    } finally {
      dek.fill(0);
    }
  }

  async function readCase(user, id) {
    const { rows } = await pool.query({ name: 'read', text: READ_SQL, values: [id, user.agencyId, user.id, user.role] });
    const c = rows[0];
    if (!c) return null;
    const dek = envelope.unwrapDataKey({ wrapped: c.wrapped_dek, kekVersion: c.kek_version }, { keyId: c.id, purpose: 'case' });
    try {
      const o = (column) => open(dek, c.agency_id, column, c.id, c[column]);
      const j = (column) => (c[column] === null ? null : JSON.parse(o(column)));
      return {
        ...summary(c), survivorCode: o('survivor_code'), survivorName: o('survivor_name'), aliases: j('survivor_aliases') ?? [],
        contactDetails: j('contact_details'), address: o('address'), dateOfBirth: o('date_of_birth'),
        caregiverDetails: j('caregiver_details'), narrative: o('narrative'), createdById: c.created_by,
      };
    } finally {
      dek.fill(0);
    }
  }

  async function listCases(user, pageSize) {
    const { rows } = await pool.query({ name: 'list', text: LIST_SQL, values: [user.agencyId, pageSize, user.id, user.role] });
    const total = rows[0]?.total ?? 0;
    return { items: rows.filter((r) => r.id !== null).map(summary), page: 1, pageSize, total: Math.min(total, 1000), totalCapped: total > 1000 };
  }

  async function incoming(user, pageSize) {
    const { rows } = await pool.query({ name: 'incoming', text: INCOMING_SQL, values: [user.agencyId, pageSize, user.id, user.role] });
    const total = rows[0]?.total ?? 0;
    return { items: rows.filter((r) => r.id !== null), page: 1, pageSize, total: Math.min(total, 1000), totalCapped: total > 1000 };
  }

  const send = (res, status, value) => {
    const body = JSON.stringify(value);
    res.writeHead(status, { 'content-type': status < 400 ? 'application/json' : 'application/problem+json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const readBody = (req) =>
    new Promise((resolve, reject) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e);
        }
      });
      req.on('error', reject);
    });

  const server = http.createServer(async (req, res) => {
    try {
      const user = await authenticate(req);
      if (!user) return send(res, 401, { status: 401, code: 'unauthenticated' });
      const url = new URL(req.url, 'http://lean');
      const pageSize = Math.min(100, Number(url.searchParams.get('pageSize') ?? 20));
      if (req.method === 'POST' && url.pathname === '/cases' && user.role === 'supervisor') {
        return send(res, 201, await createCase(user, await readBody(req)));
      }
      if (req.method === 'GET' && url.pathname === '/cases' && user.role === 'supervisor') return send(res, 200, await listCases(user, pageSize));
      const m = /^\/cases\/([0-9a-f-]{36})$/.exec(url.pathname);
      if (req.method === 'GET' && m && user.role === 'supervisor') {
        const view = await readCase(user, m[1]);
        return view ? send(res, 200, view) : send(res, 404, { status: 404, code: 'not_found' });
      }
      if (req.method === 'GET' && url.pathname === '/referrals/incoming' && user.role === 'provider') return send(res, 200, await incoming(user, pageSize));
      return send(res, 404, { status: 404, code: 'not_found' });
    } catch (e) {
      process.stderr.write(`lean: ${e && e.message}\n`);
      send(res, 500, { status: 500, code: 'internal' });
    }
  });
  server.keepAliveTimeout = 65_000;

  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  process.on('message', (message) => {
    if (message !== 'amani-bench-probe') return;
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    process.send({ amaniBenchProbe: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) } });
    h.reset();
  });
  process.channel?.unref();
  process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
  server.listen(Number(process.env.LEAN_PORT), '127.0.0.1', () => process.stdout.write('{"leanReady":true}\n'));
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
