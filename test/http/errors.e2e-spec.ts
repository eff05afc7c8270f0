import { Controller, Get, Module } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { loadConfig } from '@amani/config';
import { Public } from '@amani/auth';
import { configureApp } from '@amani/http';
import { ApiModule } from '../../apps/api/src/api.module';
import { createTestApp, TestApp } from '../support/app';
import { bearer, tokensByRole } from '../support/users';

const PROBLEM = /^application\/problem\+json/;

@Controller('test-only')
class BoomController {
  @Public()
  @Get('boom')
  boom(): never {
    throw new Error('Amina Haroun, 12 Rue du Marché: a sentinel that must never reach the client');
  }
}
@Module({ controllers: [BoomController] })
class BoomModule {}

describe('one error format: application/problem+json', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT: '2kb' });
    admin = (await tokensByRole(t)).admin.accessToken;
  });
  afterAll(() => t?.close());

  it('401 for a missing token', async () => {
    const res = await t.http().get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ status: 401, title: expect.any(String), type: expect.any(String) });
  });

  it('404 for an unknown route, without echoing the path', async () => {
    const res = await t.http().get('/nothing/Amina-Haroun');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(JSON.stringify(res.body)).not.toContain('Amina');
  });

  it('400 naming an unknown field', async () => {
    const res = await t.http().post('/agencies').set(bearer(admin)).send({ name: 'X agency', type: 'national_ngo', colour: 'blue' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'colour' })]));
  });

  it('400 naming a field of the wrong type, without echoing the value', async () => {
    const res = await t.http().post('/auth/login').send({ email: 'a@b.org', password: 1234567890123 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    expect(JSON.stringify(res.body)).not.toContain('1234567890123');
  });

  it('400 for malformed JSON', async () => {
    const res = await t.http().post('/auth/login').set('Content-Type', 'application/json').send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('413 for an oversized body', async () => {
    const res = await t.http().post('/auth/login').send({ email: 'a@b.org', password: 'x'.repeat(4000) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('403 for a role that may not use the route', async () => {
    const { caseworker } = await tokensByRole(t);
    const res = await t.http().get('/users').set(bearer(caseworker.accessToken));
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('security headers and no caching on every answer', async () => {
    const res = await t.http().get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('health: live and ready', async () => {
    expect((await t.http().get('/health/live')).status).toBe(200);
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('a 500 carries only a correlation id, and the log keeps no message text', async () => {
    const config = loadConfig(process.env);
    const mod = await Test.createTestingModule({ imports: [ApiModule.forRoot(config), BoomModule] }).compile();
    const app = mod.createNestApplication<NestExpressApplication>({ bodyParser: false, bufferLogs: true });
    configureApp(app, config);
    await app.init();
    try {
      const res = await request(app.getHttpServer()).get('/test-only/boom');
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(Object.keys(res.body).sort()).toEqual(['code', 'correlationId', 'detail', 'status', 'title', 'type']);
      expect(JSON.stringify(res.body)).not.toContain('Amina');
      expect(res.body.correlationId).toBe(res.headers['x-request-id']);
    } finally {
      await app.close();
    }
  });
});
