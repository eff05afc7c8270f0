import { PacketGoneProblem, ReferralPacketView, ReferralsService, toReferralActor } from '@amani/domain/referrals';
import { PageNotFound } from '../common/page-errors';
import { actorFor, requestIdOf, UUID } from '../common/page-helpers';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { pageContext } from '../views/page';
import { referralPage, ReferralForms } from '../views/referrals';

/** A referral's page for either side; the packet is read (and audited) only where the receiving provider can act on it. */
export async function renderReferral(referrals: ReferralsService, req: WebRequest, session: WebSession, id: string, opts: ReferralForms, notice?: string): Promise<string> {
  if (!UUID.test(id)) throw new PageNotFound();
  const actor = toReferralActor(actorFor(session), requestIdOf(req));
  const referral = await referrals.get(actor, id);
  let packet: ReferralPacketView | null = null;
  // The packet is read (and audited) only where the receiving provider can act on it.
  if (session.role === 'provider' && referral.packetAvailable && (referral.state === 'pending' || referral.state === 'accepted')) {
    try {
      packet = await referrals.readPacket(actor, id);
    } catch (e) {
      if (!(e instanceof PacketGoneProblem)) throw e;
    }
  }
  return referralPage(pageContext(session.lang, session, notice), referral, packet, session.role === 'provider', opts);
}
