import {
  canonicalJson,
  encodeAuditEvent,
  encodeCheckpoint,
  GENESIS_HASH,
  HashableAuditEvent,
  hashAuditEvent,
} from './audit-hash';

const base: HashableAuditEvent = {
  seq: 7n,
  prevHash: GENESIS_HASH,
  occurredAt: '2025-01-02T03:04:05.123456Z',
  actorId: '6c1a4a56-5d1b-4a8e-9f55-4a3c43cbd2a1',
  actorRole: 'admin',
  agencyId: null,
  action: 'auth.login',
  targetType: 'user',
  targetId: 'ab',
  outcome: 'success',
  details: { reason: 'ok', attempts: 1 },
  requestId: 'req-1234',
};

const hex = (e: HashableAuditEvent) => hashAuditEvent(e).toString('hex');

describe('audit event hash', () => {
  it('is a 32-byte SHA-256, stable for the same event', () => {
    expect(hashAuditEvent(base)).toHaveLength(32);
    expect(hex({ ...base })).toBe(hex(base));
  });

  it('does not depend on the key order of details, at any depth', () => {
    const a = { ...base, details: { b: 1, a: 'x', n: { z: true, y: null } } };
    const b = { ...base, details: { n: { y: null, z: true }, a: 'x', b: 1 } };
    expect(hex(a)).toBe(hex(b));
    expect(canonicalJson(b.details)).toBe('{"a":"x","b":1,"n":{"y":null,"z":true}}');
  });

  it('changes when text slides from one column into its neighbour', () => {
    const shifted = [
      base, // targetType 'user', targetId 'ab', actorRole 'admin', action 'auth.login', ...
      { ...base, targetType: 'usera', targetId: 'b' },
      { ...base, targetType: 'use', targetId: 'rab' },
      { ...base, targetType: '', targetId: 'userab' },
      { ...base, targetType: null, targetId: 'userab' },
      { ...base, targetType: 'userab', targetId: null },
      { ...base, targetType: 'userab', targetId: '' },
      { ...base, actorRole: 'adminauth.login', action: '' },
      { ...base, actorRole: 'adminauth', action: '.login' },
      { ...base, outcome: 'successreq-1234', requestId: null },
      { ...base, outcome: 'successreq-1234', requestId: '' },
    ];
    const hashes = shifted.map(hex);
    expect(new Set(hashes).size).toBe(shifted.length);
  });

  it('tells null from the empty string and from the text "null"', () => {
    const hashes = [null, '', 'null'].map((targetId) => hex({ ...base, targetId }));
    expect(new Set(hashes).size).toBe(3);
  });

  it('covers every field', () => {
    const variants: HashableAuditEvent[] = [
      { ...base, seq: 8n },
      { ...base, prevHash: Buffer.alloc(32, 1) },
      { ...base, occurredAt: '2025-01-02T03:04:05.123457Z' },
      { ...base, actorId: null },
      { ...base, actorRole: 'caseworker' },
      { ...base, agencyId: '6c1a4a56-5d1b-4a8e-9f55-4a3c43cbd2a1' },
      { ...base, action: 'auth.logout' },
      { ...base, targetType: 'case' },
      { ...base, targetId: 'ac' },
      { ...base, outcome: 'failure' },
      { ...base, details: { reason: 'ok', attempts: 2 } },
      { ...base, details: { reason: 'ok', attempts: '1' } },
      { ...base, requestId: 'req-1235' },
    ];
    for (const v of variants) expect(hex(v)).not.toBe(hex(base));
  });

  it('treats seq as a number whatever its JS type', () => {
    expect(hex({ ...base, seq: '7' })).toBe(hex(base));
    expect(hex({ ...base, seq: 7 })).toBe(hex(base));
    expect(() => encodeAuditEvent({ ...base, seq: -1n })).toThrow();
  });

  it('does not let details keys and values slide either', () => {
    expect(hex({ ...base, details: { ab: 'c' } })).not.toBe(hex({ ...base, details: { a: 'bc' } }));
    expect(hex({ ...base, details: {} })).toBe(hex({ ...base, details: null }));
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
    expect(() => canonicalJson({ f: () => 1 })).toThrow();
  });

  it('domain-separates checkpoints from events', () => {
    const h = hashAuditEvent(base);
    expect(encodeCheckpoint(7n, h).equals(encodeCheckpoint('7', h))).toBe(true);
    expect(encodeCheckpoint(7n, h).equals(encodeCheckpoint(8n, h))).toBe(false);
    expect(() => encodeCheckpoint(7n, Buffer.alloc(31))).toThrow();
  });
});
