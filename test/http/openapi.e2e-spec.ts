import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROLES } from '@amani/auth';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createTestApp, TestApp } from '../support/app';
import { checkedResponseCount, drainContractMismatches, ResponseContract } from '../support/openapi-contract';
import { MATRIX } from '../authz/authorization-matrix';

type Schema = Record<string, unknown>;
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  'x-roles'?: string[];
  'x-public'?: boolean;
  'x-mfa-pending'?: boolean;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Doc;
  let ops: { key: string; op: Operation }[];

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http().get('/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as Doc;
    ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({
        key: `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        op: item[m],
      })),
    );
  });
  afterAll(() => t?.close());

  it('is a valid OpenAPI document (official JSON schema, via @seriousme/openapi-schema-validator)', () => {
    // The validator is an ES module that jest's CommonJS runtime cannot load: run it in plain Node.
    const dir = mkdtempSync(join(tmpdir(), 'amani-oas-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const script = [
        "import { readFileSync } from 'node:fs';",
        "import { Validator } from '@seriousme/openapi-schema-validator';",
        'const v = new Validator();',
        "const r = await v.validate(JSON.parse(readFileSync(process.argv[1], 'utf8')));",
        'process.stdout.write(JSON.stringify({ valid: r.valid, version: v.version, errors: r.errors ?? [] }));',
      ].join('\n');
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, file], {
        cwd: join(__dirname, '../..'),
        encoding: 'utf8',
      });
      const result = JSON.parse(out) as { valid: boolean; version: string; errors: unknown[] };
      expect(result).toEqual({ valid: true, version: '3.0', errors: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has no property typed as a bare object, anywhere', () => {
    const bare: string[] = [];
    const visit = (s: unknown, where: string) => {
      if (!s || typeof s !== 'object') return;
      const schema = s as Schema;
      const composed = Boolean(schema.$ref || schema.allOf || schema.oneOf || schema.anyOf);
      // An object must say what it holds: properties, or a schema for its values (not `true`).
      const isBare =
        (schema.type === 'object' && !schema.properties && typeof schema.additionalProperties !== 'object' && !composed) ||
        (schema.type === undefined && !composed && !schema.enum);
      if (isBare) bare.push(where);
      for (const [name, p] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) visit(p, `${where}.${name}`);
      if (schema.items) visit(schema.items, `${where}[]`);
      for (const k of ['allOf', 'oneOf', 'anyOf'] as const) {
        ((schema[k] ?? []) as unknown[]).forEach((x, i) => visit(x, `${where}.${k}[${i}]`));
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') visit(schema.additionalProperties, `${where}{}`);
    };
    for (const [name, s] of Object.entries(doc.components.schemas)) visit(s, name);
    for (const { key, op } of ops) {
      for (const [status, r] of Object.entries(op.responses)) {
        for (const [type, m] of Object.entries(r.content ?? {})) visit(m.schema, `${key} ${status} ${type}`);
      }
    }
    expect(bare).toEqual([]);
  });

  it('keeps the nested schema of nullable objects (contact and caregiver details)', () => {
    for (const dto of ['CreateCaseDto', 'UpdateCaseDto', 'CaseDetailDto']) {
      const props = doc.components.schemas[dto].properties as Record<string, Schema>;
      expect(props.contactDetails).toMatchObject({ nullable: true, allOf: [{ $ref: '#/components/schemas/ContactDetailsDto' }] });
      expect(props.caregiverDetails).toMatchObject({ nullable: true, allOf: [{ $ref: '#/components/schemas/CaregiverDetailsDto' }] });
    }
    const contact = doc.components.schemas.ContactDetailsDto.properties as Record<string, Schema>;
    expect(contact.phone).toMatchObject({ type: 'string', nullable: true, maxLength: 32 });
    const incident = doc.components.schemas.CreateIncidentDto.properties as Record<string, Schema>;
    expect(incident.reportDate).toMatchObject({ type: 'string', format: 'date' });
    expect(incident.narrative).toMatchObject({ type: 'string', nullable: true });
    const referral = doc.components.schemas.CreateReferralDto.properties as Record<string, Schema>;
    expect(referral.serviceId).toMatchObject({ type: 'string', format: 'uuid', nullable: true });
  });

  it('gives every operation a summary and names its roles, exactly as the authorisation matrix does', () => {
    const wrong: string[] = [];
    for (const { key, op } of ops) {
      if (!op.summary?.trim()) wrong.push(`${key}: no summary`);
      const row = MATRIX[key];
      if (!row) {
        wrong.push(`${key}: not in the authorisation matrix`);
        continue;
      }
      const expected =
        'public' in row
          ? { 'x-public': true, 'x-roles': [], 'x-mfa-pending': false, security: [] }
          : {
              'x-public': false,
              'x-roles': [...row.roles].sort(),
              'x-mfa-pending': row.mfaPending === true,
              security: [{ bearer: [] }],
            };
      const actual = {
        'x-public': op['x-public'],
        'x-roles': [...(op['x-roles'] ?? ['(missing)'])].sort(),
        'x-mfa-pending': op['x-mfa-pending'],
        security: op.security,
      };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        wrong.push(`${key}: document says ${JSON.stringify(actual)}, matrix says ${JSON.stringify(expected)}`);
      }
      if (!/Access: (public|every staff role|roles [a-z_, ]+)/.test(op.description ?? '')) wrong.push(`${key}: no access sentence`);
    }
    expect(wrong).toEqual([]);
    // Every documented role is a real one.
    const named = new Set(ops.flatMap(({ op }) => op['x-roles'] ?? []));
    expect([...named].filter((r) => !(ROLES as readonly string[]).includes(r))).toEqual([]);
  });

  it('declares the problem responses of every operation with the shared ProblemDetails schema', () => {
    const wrong: string[] = [];
    for (const { key, op } of ops) {
      const codes = Object.keys(op.responses);
      const required = ['500', '503'];
      if (!op['x-public']) required.push('401');
      if (/:\w+/.test(key)) required.push('404');
      if (op.operationId && (op as { requestBody?: unknown }).requestBody) required.push('400', '413', '415');
      for (const c of required) if (!codes.includes(c)) wrong.push(`${key}: no ${c}`);
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) < 400 || key === 'GET /health/ready') continue;
        const schema = r.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== '#/components/schemas/ProblemDetails') wrong.push(`${key} ${status}: not a ProblemDetails`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the e2e response check', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('checks the responses of every test app against the document', async () => {
    const before = checkedResponseCount();
    const res = await t.http().get('/cases');
    expect(res.status).toBe(401);
    expect(checkedResponseCount()).toBe(before + 1);
    expect(drainContractMismatches()).toEqual([]);
  });

  it('finds undeclared statuses, fields and nulls, and wrong media types', async () => {
    const doc = (await t.http().get('/docs-json')).body as OpenAPIObject;
    const contract = new ResponseContract(doc);
    const json = 'application/json; charset=utf-8';
    const problem = JSON.stringify({ type: 'https://amani.example/problems/x', title: 'Conflict', status: 409 });
    expect(contract.check('GET', '/me', 409, 'application/problem+json', problem)).toEqual(['GET /me → 409: status not declared']);
    expect(contract.check('GET', '/me', 401, json, problem)).toEqual([
      'GET /me → 401: sent application/json, declared application/problem+json',
    ]);
    expect(contract.check('GET', '/me', 401, 'application/problem+json', JSON.stringify({ ...JSON.parse(problem), extra: 1 }))).toEqual([
      'GET /me → 401: body must NOT have additional properties (additionalProperty="extra")',
    ]);
    const agency = { id: '5d1f9a2e-8c4b-4e61-9f3a-2b7c0d9e1a44', name: 'A', type: 'ngo', createdAt: new Date().toISOString() };
    const schema = (doc.components?.schemas?.AgencyDto ?? {}) as { required?: string[] };
    const complete = Object.fromEntries((schema.required ?? []).map((k) => [k, (agency as Record<string, unknown>)[k] ?? null]));
    const nulled = Object.fromEntries(Object.keys(complete).map((k) => [k, null]));
    expect(contract.check('GET', '/agencies/:id', 200, json, JSON.stringify(nulled)).length).toBeGreaterThan(0);
    expect(contract.check('GET', '/agencies/:id', 200, json, JSON.stringify({})).some((m) => m.includes('missingProperty'))).toBe(true);
  });
});
