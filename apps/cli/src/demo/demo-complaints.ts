import type { SubmitComplaintCommand } from '@amani/domain/sea';
import { SeaIntakeService } from '@amani/domain/sea';
import { SeaEndorsementsService } from '@amani/domain/sea';
import { SeaKeysService } from '@amani/domain/sea';

/** Synthetic complaints for `npm run seed:demo`: coded fields vary, texts are plainly fictitious. */
const DEMO_COMPLAINTS: (SubmitComplaintCommand & { followUp?: string })[] = [
  {
    category: 'sexual_exploitation',
    entityType: 'implementing_partner',
    victimSex: 'female',
    victimAgeBand: '18_25',
    complainantIsVictim: true,
    dateBand: 'last_month',
    regionCode: 'DEMO-NORTH',
    narrative: '[DEMO] Fictitious: a distribution volunteer asked for a date in exchange for an extra ration card.',
    contact: null,
    wantsAssistance: true,
    language: 'en',
    followUp: '[DEMO] Fictitious follow-up: is anyone reading this?',
  },
  {
    category: 'sexual_abuse',
    entityType: 'peacekeeping',
    victimSex: 'female',
    victimAgeBand: '12_17',
    complainantIsVictim: false,
    dateBand: 'one_to_six_months',
    regionCode: 'DEMO-SOUTH',
    narrative: '[DEMO] Fictif : signalement inventé pour la démonstration, concernant une patrouille.',
    contact: '[DEMO] fictitious contact: via the community centre on Tuesdays',
    wantsAssistance: true,
    language: 'fr',
  },
  {
    category: 'unknown',
    entityType: 'unknown',
    victimSex: 'unknown',
    victimAgeBand: 'unknown',
    complainantIsVictim: false,
    dateBand: 'over_a_year',
    regionCode: null,
    narrative: '[DEMO] بلاغ وهمي لأغراض العرض فقط.',
    contact: null,
    wantsAssistance: false,
    language: 'ar',
  },
];

/**
 * Gives the demo focal point a fresh key (the seed has just reset their password, so an old
 * key could no longer be opened) and submits the demo complaints through the real intake.
 * Complaints from earlier runs stay, sealed to the replaced key: listed, but unreadable.
 */
export async function seedDemoSea(
  services: { keys: SeaKeysService; intake: SeaIntakeService; endorsements: SeaEndorsementsService },
  focalPoint: { id: string; agencyId: string | null; password: string },
): Promise<string[]> {
  const recoveryKey = await services.keys.provisionForSeed(focalPoint, focalPoint.password);
  // The demo focal point's fresh key is endorsed as sea:bootstrap-focal-point would (development only).
  await services.endorsements.endorseWithDeploymentKey(focalPoint.id, 'seed');
  const out = [`PSEA focal point recovery key (shown once): ${recoveryKey}`, 'SEA demo complaints (receipts for /report/follow-up):'];
  for (const { followUp, ...complaint } of DEMO_COMPLAINTS) {
    const { receipt } = await services.intake.submit(complaint);
    if (followUp) await services.intake.sendMessage(receipt, followUp, 'demo-seed');
    out.push(`  ${receipt}  ${complaint.category} / ${complaint.entityType} (${complaint.language})`);
  }
  return out;
}
