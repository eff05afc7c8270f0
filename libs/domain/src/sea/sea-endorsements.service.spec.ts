import { DomainException } from '@amani/http';
import type { SeaActor } from './sea-actor';
import { SeaKeyWorld, seaKeyWorld } from './testing/sea-key-fixture';

async function problem(p: Promise<unknown>): Promise<DomainException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

describe('SeaEndorsementsService', () => {
  let w: SeaKeyWorld;
  let first: SeaActor;
  let firstToken: string;
  let second: SeaActor;

  beforeEach(async () => {
    w = await seaKeyWorld();
    first = w.focalPoint();
    second = w.focalPoint();
    firstToken = await w.withKey(first);
    await w.withKey(second);
  });

  it('the bootstrap endorses only the very first focal point, audited with how it was run', async () => {
    await w.endorsements.bootstrapFirst(first.id, 'cli');
    expect(w.audit.last()).toMatchObject({ action: 'sea.keys.bootstrap_endorse', outcome: 'success', targetId: first.id, details: { via: 'cli', endorsement: w.repo.endorsementRows[0].id }, inTransaction: true });
    const e = await problem(w.endorsements.bootstrapFirst(second.id, 'cli'));
    expect([e.status, e.code]).toEqual([409, 'team_exists']);
  });

  it('the bootstrap refuses an account without a key or no longer active (422)', async () => {
    const keyless = w.focalPoint();
    expect((await problem(w.endorsements.bootstrapFirst(keyless.id, 'cli'))).code).toBe('invalid_endorsee');
    w.repo.users.get(first.id)!.active = false;
    expect((await problem(w.endorsements.bootstrapFirst(first.id, 'cli'))).code).toBe('invalid_endorsee');
  });

  it('an endorsed focal point with an unlocked key endorses a colleague, signing under their own endorsement', async () => {
    await w.endorsements.endorseWithDeploymentKey(first.id, 'test');
    expect(await w.endorsements.endorse(first, firstToken, second.id)).toEqual({ endorsed: true });
    const row = w.repo.endorsementRows[1];
    expect(row).toMatchObject({ userId: second.id, endorserId: first.id, parentId: w.repo.endorsementRows[0].id });
    expect(w.audit.last()).toMatchObject({ action: 'sea.keys.endorse', outcome: 'success', targetId: second.id, inTransaction: true });
  });

  it('refuses an endorser whose own key is not endorsed (409), self-endorsement and a keyless colleague (422), a second endorsement (409)', async () => {
    expect((await problem(w.endorsements.endorse(first, firstToken, second.id))).code).toBe('endorser_not_endorsed');
    await w.endorsements.endorseWithDeploymentKey(first.id, 'test');
    expect((await problem(w.endorsements.endorse(first, firstToken, first.id))).code).toBe('invalid_endorsee');
    expect((await problem(w.endorsements.endorse(first, firstToken, w.focalPoint().id))).code).toBe('invalid_endorsee');
    await w.endorsements.endorse(first, firstToken, second.id);
    expect((await problem(w.endorsements.endorse(first, firstToken, second.id))).code).toBe('already_endorsed');
    expect(w.repo.endorsementRows).toHaveLength(2);
  });

  it('needs the unlocked key: without it, 423 and nothing is signed', async () => {
    await w.endorsements.endorseWithDeploymentKey(first.id, 'test');
    const e = await problem(w.endorsements.endorse(first, undefined, second.id));
    expect(e.status).toBe(423);
    expect(w.repo.endorsementRows).toHaveLength(1);
    expect(w.audit.last()).toMatchObject({ action: 'sea.keys.endorse', outcome: 'denied' });
  });
});
