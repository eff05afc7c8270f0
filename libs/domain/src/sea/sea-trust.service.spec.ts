import { randomUUID } from 'node:crypto';
import type { SeaActor } from './sea-actor';
import { SeaKeyWorld, seaKeyWorld } from './testing/sea-key-fixture';

describe('SeaTrustService', () => {
  let w: SeaKeyWorld;
  let first: SeaActor;
  let firstToken: string;

  beforeEach(async () => {
    w = await seaKeyWorld();
    first = w.focalPoint();
    firstToken = await w.withKey(first);
  });

  it('trusts no key until the deployment key endorses the first one', async () => {
    expect(await w.trust.trusted()).toEqual([]);
    await w.endorsements.endorseWithDeploymentKey(first.id, 'test');
    expect((await w.trust.trusted()).map((k) => k.userId)).toEqual([first.id]);
  });

  it('trusts a colleague through a chain of signatures back to the bootstrap key', async () => {
    const second = w.focalPoint();
    const third = w.focalPoint();
    await w.withKey(second);
    await w.withKey(third);
    await w.endorsements.endorseWithDeploymentKey(first.id, 'test');
    await w.endorsements.endorse(first, firstToken, second.id);
    expect((await w.trust.trusted()).map((k) => k.userId).sort()).toEqual([first.id, second.id].sort());
  });

  it('does not trust an endorsement row the server wrote without a signing key', async () => {
    const intruder = w.focalPoint();
    await w.withKey(intruder);
    await w.endorsements.endorseWithDeploymentKey(first.id, 'test');
    const k = w.repo.keys.get(intruder.id)!;
    const parent = w.repo.endorsementRows[0];
    w.repo.endorsementRows.push({ id: randomUUID(), userId: intruder.id, publicKey: k.publicKey, signingPublicKey: k.signingPublicKey!, endorserId: first.id, parentId: parent.id, signature: Buffer.alloc(64, 1) });
    expect((await w.trust.trusted()).map((t) => t.userId)).toEqual([first.id]);
  });

  it('a replaced key loses its trust, and so does a disabled account', async () => {
    await w.endorsements.endorseWithDeploymentKey(first.id, 'test');
    w.repo.users.get(first.id)!.active = false;
    expect(await w.trust.trusted()).toEqual([]);
    w.repo.users.get(first.id)!.active = true;
    await w.keys.setup({ ...first, sessionId: randomUUID() }, 'correct horse battery staple on a long walk', true);
    expect(await w.trust.trusted()).toEqual([]);
  });

  it('an endorsement whose parent is the subject itself or another user than the endorser does not verify', async () => {
    const second = w.focalPoint();
    await w.withKey(second);
    await w.endorsements.endorseWithDeploymentKey(first.id, 'test');
    await w.endorsements.endorse(first, firstToken, second.id);
    const row = w.repo.endorsementRows[1];
    row.endorserId = second.id;
    expect((await w.trust.trusted()).map((k) => k.userId)).toEqual([first.id]);
  });
});
