import { randomBytes } from 'node:crypto';
import { Command, CommandRunner } from 'nest-commander';
import { LocationsService, ParsedLocation } from '@amani/domain/locations';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { AGENCY_KEY_ROLES, AgencyKeysService, Keyring, type KeyPair } from '@amani/auth';
import { AgenciesService, InvitationsService, passwordPolicyViolation, UsersService, AgencyType, Role, ROLES, SERVICE_TYPES, ServiceType } from '@amani/auth';
import { AppConfig, InjectConfig } from '@amani/config';
import { CaseActor, CaseConsentsService, CaseIncidentsService, CasesService } from '@amani/domain/cases';
import { ReferralActor, ReferralsService } from '@amani/domain/referrals';
import { ServicesDirectoryService } from '@amani/domain/services-directory';
import { SeaEndorsementsService, SeaIntakeService, SeaKeysService } from '@amani/domain/sea';
import { seedDemoCases } from '../demo/demo-cases';
import { seedDemoSea } from '../demo/demo-complaints';
import { DemoReferralRoute, seedDemoReferrals, seedDemoServices } from '../demo/demo-referrals';

interface DemoAgency {
  key: string;
  name: string;
  type: AgencyType;
  serviceTypes: ServiceType[];
  regionCodes: string[];
}

/** Together the demo agencies offer every service type (checked at run time). */
const DEMO_AGENCIES: DemoAgency[] = [
  { key: 'safe_space', name: 'Demo Women and Girls Safe Space', type: 'international_ngo', serviceTypes: ['psychosocial', 'legal', 'economic', 'safety_shelter'], regionCodes: ['DEMO-NORTH'] },
  { key: 'clinic', name: 'Demo Health Clinic', type: 'national_ngo', serviceTypes: ['medical', 'reproductive_health'], regionCodes: ['DEMO-NORTH', 'DEMO-SOUTH'] },
  { key: 'protection', name: 'Demo Protection Desk', type: 'government', serviceTypes: ['police_justice', 'child_protection'], regionCodes: ['DEMO-SOUTH'] },
  { key: 'psea', name: 'Demo PSEA Network', type: 'un_agency', serviceTypes: [], regionCodes: ['DEMO-NORTH', 'DEMO-SOUTH'] },
];

const DEMO_USERS: { role: Role; agency: string | null; name: string }[] = [
  { role: 'admin', agency: null, name: 'Demo Administrator' },
  { role: 'caseworker', agency: 'safe_space', name: 'Demo Caseworker' },
  { role: 'supervisor', agency: 'safe_space', name: 'Demo Supervisor' },
  { role: 'provider', agency: 'clinic', name: 'Demo Provider' },
  { role: 'protection_officer', agency: null, name: 'Demo Protection Officer' },
  { role: 'psea_focal_point', agency: 'psea', name: 'Demo PSEA Focal Point' },
];

/**
 * Seed-only staff, so demo cases span agencies and every referral route has a provider at its
 * end. Their passwords are random and never printed, and the accounts are disabled: they only
 * own synthetic records (log in as the demo users above to see them from the other side).
 */
const SEED_ONLY_STAFF: { role: 'caseworker' | 'provider'; agency: string; name: string }[] = [
  { role: 'caseworker', agency: 'clinic', name: 'Demo Clinic Caseworker' },
  { role: 'caseworker', agency: 'protection', name: 'Demo Protection Caseworker' },
  { role: 'provider', agency: 'safe_space', name: 'Demo Safe Space Provider' },
  { role: 'provider', agency: 'protection', name: 'Demo Protection Provider' },
];

const DEMO_CASE_COUNT = 200;
const DEMO_REGIONS = ['DEMO-NORTH', 'DEMO-SOUTH'];
const DEMO_LOCATIONS: ParsedLocation[] = [
  { pCode: 'DEMO', adminLevel: 0, parentPCode: null, names: { en: 'Demo country', fr: 'Pays de démonstration', ar: 'بلد تجريبي', es: 'País de demostración' } },
  { pCode: 'DEMO-NORTH', adminLevel: 1, parentPCode: 'DEMO', names: { en: 'North', fr: 'Nord', ar: 'الشمال', es: 'Norte' } },
  { pCode: 'DEMO-SOUTH', adminLevel: 1, parentPCode: 'DEMO', names: { en: 'South', fr: 'Sud', ar: 'الجنوب', es: 'Sur' } },
];

export function demoEmail(role: Role): string {
  return `${role.replace(/_/g, '-')}@demo.amani.test`;
}

function seedOnlyEmail(role: Role, agencyKey: string): string {
  return `seed-${role.replace(/_/g, '-')}-${agencyKey.replace(/_/g, '-')}@demo.amani.test`;
}

/**
 * `npm run seed:demo` (development only): demo agencies covering every service type, one user
 * of every role with MFA already enrolled (plus disabled seed-only staff), a directory entry
 * for every service type, a few hundred synthetic cases with incidents across agencies, and
 * referrals in every state. Safe to run again: existing demo agencies, services and cases are kept, and
 * the demo users get fresh credentials (old sessions end). This is the only place Amani
 * prints passwords or TOTP secrets.
 */
@Command({ name: 'seed:demo', description: 'Create demo agencies, one user per role, services, cases and referrals (never in production)' })
export class SeedDemoCommand extends CommandRunner {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly agencies: AgenciesService,
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly directory: ServicesDirectoryService,
    private readonly cases: CasesService,
    private readonly incidents: CaseIncidentsService,
    private readonly consents: CaseConsentsService,
    private readonly referrals: ReferralsService,
    private readonly sequencer: AuditSequencer,
    private readonly seaKeys: SeaKeysService,
    private readonly seaIntake: SeaIntakeService,
    private readonly seaEndorsements: SeaEndorsementsService,
    private readonly locations: LocationsService,
    private readonly agencyKeys: AgencyKeysService,
    private readonly keyring: Keyring,
  ) {
    super();
  }

  async run(): Promise<void> {
    if (this.config.isProduction || process.env.NODE_ENV === 'production') {
      process.stderr.write('seed:demo refuses to run with NODE_ENV=production\n');
      process.exitCode = 1;
      return;
    }
    const covered = new Set(DEMO_AGENCIES.flatMap((a) => a.serviceTypes));
    const missing = SERVICE_TYPES.filter((s) => !covered.has(s));
    if (missing.length || DEMO_USERS.length !== ROLES.length) throw new Error('demo data does not cover every service type and role');

    // A demo gazetteer, so region codes are checked and have names as in a real deployment.
    await this.locations.import(DEMO_LOCATIONS);

    const ctx = { actor: null, via: 'seed' };
    const agencyIds = new Map<string, string>();
    for (const a of DEMO_AGENCIES) {
      const existing = await this.agencies.findByName(a.name);
      const agency = existing ?? (await this.agencies.create(a, ctx));
      agencyIds.set(a.key, agency.id);
    }

    const lines: string[] = [];
    let seaFocalPoint: { id: string; agencyId: string | null; password: string } | undefined;
    const staff = new Map<string, { id: string; role: Role; agencyId: string | null }>();
    const members: { userId: string; key: KeyPair; agencyId: string }[] = [];
    const recoveryLines: string[] = [];
    const toDisable: string[] = [];
    for (const u of DEMO_USERS) {
      const email = demoEmail(u.role);
      const password = demoPassword(email);
      const agencyId = u.agency ? (agencyIds.get(u.agency) ?? null) : null;
      const existing = await this.users.findByEmail(email);
      // Invited like any account; the seed then plays the invitee (password and TOTP) and
      // activates it, which only an operator on the server can do.
      const id = existing?.id ?? (await this.invitations.invite({ email, displayName: u.name, role: u.role, agencyId }, ctx)).user.id;
      const totpSecret = await this.users.resetCredentialsWithMfa(id, password, ctx);
      staff.set(`${u.role}@${u.agency ?? ''}`, { id, role: u.role, agencyId });
      if (u.role === 'psea_focal_point') seaFocalPoint = { id, agencyId, password };
      const key = agencyId && AGENCY_KEY_ROLES.includes(u.role) ? await this.agencyKeys.openPersonalKey(id, password) : null;
      if (key && agencyId) members.push({ userId: id, key, agencyId });
      lines.push([u.role.padEnd(19), email.padEnd(38), password.padEnd(26), totpSecret].join(' '));
    }
    for (const u of SEED_ONLY_STAFF) {
      const email = seedOnlyEmail(u.role, u.agency);
      const agencyId = agencyIds.get(u.agency)!;
      const existing = await this.users.findByEmail(email);
      const id = existing?.id ?? (await this.invitations.invite({ email, displayName: u.name, role: u.role, agencyId }, ctx)).user.id;
      // Seed-only staff never sign in; the seed acts as them with a throwaway personal key
      // (its password is never kept), and disables them once the demo data is written.
      if (!existing) {
        const key = await this.dataSource.transaction((em) => this.agencyKeys.createPersonalKey(em, id, randomBytes(24).toString('base64url')));
        members.push({ userId: id, key, agencyId });
        toDisable.push(id);
      }
      staff.set(`${u.role}@${u.agency}`, { id, role: u.role, agencyId });
    }
    // Each demo agency's key, sealed to its demo staff (operator set-up; a real agency's
    // supervisor sets it up and receives the recovery key). Recovery keys are not printed:
    // the seed re-grants with the staff's own personal keys on a later run.
    for (const agencyId of agencyIds.values()) {
      const own = members.filter((m) => m.agencyId === agencyId).map((m) => m.userId);
      const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM agency_keys WHERE agency_id = $1`, [agencyId]);
      if (n === 0) {
        const setUp = await this.agencyKeys.setUpByOperator(agencyId, own, 'seed', { includeInactive: true });
        recoveryLines.push(`agency ${agencyId}  recovery key ${setUp.recoveryKey}`);
      } else {
        // A re-run gave the demo staff new passwords and so new personal keys: only the agency's
        // recovery key (printed by the first run) re-grants the agency key to them.
        recoveryLines.push(`agency ${agencyId}  kept its key: re-grant it with the recovery key the first run printed (POST /agency-keys/recovery)`);
      }
    }
    // The seed acts as its demo staff, with their personal keys opened by their passwords.
    const seeded = await this.keyring.withPersonalKeys(members, () => this.seedCasesAndReferrals(agencyIds, staff));
    for (const id of toDisable) await this.users.disable(id, ctx);
    seeded.push('', ...(await seedDemoSea({ keys: this.seaKeys, intake: this.seaIntake, endorsements: this.seaEndorsements }, seaFocalPoint!)));

    process.stdout.write(
      [
        'Demo data ready (development only; these credentials are printed nowhere else).',
        `Staff console: http://${this.config.web.host}:${this.config.web.port}/sign-in (caseworkers, supervisors and providers below; password, then the TOTP code)`,
        '',
        ...DEMO_AGENCIES.map((a) => `agency ${agencyIds.get(a.key)}  ${a.name}: ${a.serviceTypes.join(', ') || '(PSEA)'}`),
        '',
        `${'role'.padEnd(19)} ${'email'.padEnd(38)} ${'password'.padEnd(26)} TOTP secret (base32, add to an authenticator app)`,
        ...lines,
        '',
        'Agency recovery keys (shown once; a real agency\'s first supervisor receives theirs when they set the key up):',
        ...recoveryLines,
        '',
        ...seeded,
        '',
      ].join('\n'),
    );
  }

  /**
   * Directory entries, cases with incidents, and referrals in every state, through the real
   * services (encrypted, audited). Each part is skipped when the demo agencies already have it.
   */
  private async seedCasesAndReferrals(
    agencyIds: Map<string, string>,
    staff: Map<string, { id: string; role: Role; agencyId: string | null }>,
  ): Promise<string[]> {
    const agency = (key: string) => agencyIds.get(key)!;
    const user = (role: Role, agencyKey = '') => staff.get(`${role}@${agencyKey}`)!;
    const caseActor = (role: 'caseworker' | 'supervisor', agencyKey: string): CaseActor => ({ id: user(role, agencyKey).id, role, agencyId: agency(agencyKey) });
    const provider = (agencyKey: string): ReferralActor => ({ id: user('provider', agencyKey).id, role: 'provider', agencyId: agency(agencyKey) });
    const demoAgencyIds = [...agencyIds.values()];
    const out: string[] = [];

    const [{ services }] = await this.dataSource.query(`SELECT count(*)::int AS services FROM services WHERE agency_id = ANY($1)`, [demoAgencyIds]);
    if (services === 0) {
      const admin = user('admin');
      const offering = DEMO_AGENCIES.filter((a) => a.serviceTypes.length).map((a) => ({ agencyId: agency(a.key), serviceTypes: a.serviceTypes, regionCodes: a.regionCodes }));
      out.push(`service directory: ${await seedDemoServices(this.directory, { id: admin.id, role: 'admin', agencyId: null }, offering)} entries`);
    } else {
      out.push(`service directory: kept ${services} existing entries`);
    }

    const [{ cases }] = await this.dataSource.query(`SELECT count(*)::int AS cases FROM cases WHERE agency_id = ANY($1)`, [demoAgencyIds]);
    if (cases > 0) {
      out.push(`cases: kept ${cases} existing demo cases (and their referrals)`);
      return out;
    }
    const actors = [caseActor('caseworker', 'safe_space'), caseActor('supervisor', 'safe_space'), caseActor('caseworker', 'clinic'), caseActor('caseworker', 'protection')];
    const ids = await seedDemoCases({ cases: this.cases, incidents: this.incidents, consents: this.consents }, actors, DEMO_CASE_COUNT, DEMO_REGIONS);
    out.push(`cases: ${ids.length} synthetic cases with incidents across ${new Set(actors.map((a) => a.agencyId)).size} agencies`);
    const casesOf = (actorIndex: number) => ids.filter((_, n) => n % actors.length === actorIndex).slice(0, 12);
    const routes: DemoReferralRoute[] = [
      { referrer: actors[0], supervisor: actors[1], provider: provider('clinic'), recipientAgencyId: agency('clinic'), serviceTypes: ['medical', 'reproductive_health'], caseIds: casesOf(0) },
      { referrer: actors[1], supervisor: actors[1], provider: provider('protection'), recipientAgencyId: agency('protection'), serviceTypes: ['police_justice', 'child_protection'], caseIds: casesOf(1) },
      { referrer: actors[3], supervisor: null, provider: provider('safe_space'), recipientAgencyId: agency('safe_space'), serviceTypes: ['psychosocial', 'legal', 'economic'], caseIds: casesOf(3) },
    ];
    for (const route of routes) {
      const counts = await seedDemoReferrals({ referrals: this.referrals, consents: this.consents }, route);
      out.push(`referrals to ${route.serviceTypes.join('/')}: ${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')}`);
    }
    await this.sequencer.flush();
    return out;
  }
}

function demoPassword(email: string): string {
  for (;;) {
    const candidate = `demo-${randomBytes(15).toString('base64url')}`;
    if (!passwordPolicyViolation(candidate, { email })) return candidate;
  }
}
