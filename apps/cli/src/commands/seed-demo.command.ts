import { randomBytes } from 'node:crypto';
import { Command, CommandRunner } from 'nest-commander';
import { AgenciesService, passwordPolicyViolation, UsersService } from '@amani/auth';
import { AppConfig, InjectConfig } from '@amani/config';
import { AgencyType, Role, ROLES, SERVICE_TYPES, ServiceType } from '@amani/domain';

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

export function demoEmail(role: Role): string {
  return `${role.replace(/_/g, '-')}@demo.amani.test`;
}

/**
 * `npm run seed:demo` (development only): demo agencies covering every service type and one
 * user of every role with MFA already enrolled. Safe to run again: existing demo agencies
 * are kept, and the demo users get fresh credentials (old sessions end). This is the only
 * place Amani prints passwords or TOTP secrets.
 */
@Command({ name: 'seed:demo', description: 'Create demo agencies and one user per role (never in production)' })
export class SeedDemoCommand extends CommandRunner {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly agencies: AgenciesService,
    private readonly users: UsersService,
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

    const ctx = { actor: null, via: 'seed' };
    const agencyIds = new Map<string, string>();
    for (const a of DEMO_AGENCIES) {
      const existing = await this.agencies.findByName(a.name);
      const agency = existing ?? (await this.agencies.create(a, ctx));
      agencyIds.set(a.key, agency.id);
    }

    const lines: string[] = [];
    for (const u of DEMO_USERS) {
      const email = demoEmail(u.role);
      const password = demoPassword(email);
      const agencyId = u.agency ? (agencyIds.get(u.agency) ?? null) : null;
      const existing = await this.users.findByEmail(email);
      const id =
        existing?.id ?? (await this.users.create({ email, displayName: u.name, password, role: u.role, agencyId }, ctx)).id;
      const totpSecret = await this.users.resetCredentialsWithMfa(id, password, ctx);
      lines.push([u.role.padEnd(19), email.padEnd(38), password.padEnd(26), totpSecret].join(' '));
    }

    process.stdout.write(
      [
        'Demo data ready (development only; these credentials are printed nowhere else).',
        '',
        ...DEMO_AGENCIES.map((a) => `agency ${agencyIds.get(a.key)}  ${a.name}: ${a.serviceTypes.join(', ') || '(PSEA)'}`),
        '',
        `${'role'.padEnd(19)} ${'email'.padEnd(38)} ${'password'.padEnd(26)} TOTP secret (base32, add to an authenticator app)`,
        ...lines,
        '',
      ].join('\n'),
    );
  }
}

function demoPassword(email: string): string {
  for (;;) {
    const candidate = `demo-${randomBytes(15).toString('base64url')}`;
    if (!passwordPolicyViolation(candidate, { email })) return candidate;
  }
}
