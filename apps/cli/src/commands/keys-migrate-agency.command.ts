import { Command, CommandRunner, Option } from 'nest-commander';
import { AGENCY_KEY_ROLES, AgencyKeyLockedProblem, AgencyKeyMissingProblem, AgencyKeysService, Keyring, UsersService } from '@amani/auth';
import { AuditService } from '@amani/audit';
import { IntegrityError } from '@amani/crypto';
import { AgencyKeyMigration, MigrationCounts, MigrationVerificationError } from './agency-key-migration';
import { readSecret } from './read-secret';

interface MigrateOptions {
  email?: string;
  batchSize?: number;
  maxBatches?: number;
}

const DEFAULT_BATCH_SIZE = 200;

/**
 * `npm run cli -- keys:migrate-agency --email member@agency.org`, the member's password on
 * standard input: moves the member's agency's master-wrapped case data keys and referral keys
 * (where the agency refers or receives, and the other agency has a key) to agency sealing.
 * Run once per agency by a member who holds the agency key (issue 14, item 5); resumable and
 * idempotent: a second run moves what is left, or nothing. Prints and audits counts only.
 */
@Command({ name: 'keys:migrate-agency', description: "Move an agency's master-wrapped case and referral keys to its agency key (member's password on standard input)" })
export class KeysMigrateAgencyCommand extends CommandRunner {
  constructor(
    private readonly users: UsersService,
    private readonly agencyKeys: AgencyKeysService,
    private readonly keyring: Keyring,
    private readonly migration: AgencyKeyMigration,
    private readonly audit: AuditService,
  ) {
    super();
  }

  async run(_params: string[], options: MigrateOptions): Promise<void> {
    if (!options.email) return fail('keys:migrate-agency needs --email (a member who holds the agency key); the password is read from standard input', 2);
    const password = await readSecret('Password: ');
    const user = await this.users.findByEmail(options.email);
    if (!user || !user.agencyId || !AGENCY_KEY_ROLES.includes(user.role) || user.disabledAt !== null || user.status !== 'active') {
      return fail('No active caseworker, supervisor or provider of an agency has this email.');
    }
    const agencyId = user.agencyId;
    const personal = await this.agencyKeys.openPersonalKey(user.id, password);
    if (!personal) return fail('The password does not open this account\'s personal key (wrong password, or the account has not signed in since the upgrade).');
    let counts: MigrationCounts;
    try {
      counts = await this.keyring.withPersonalKeys([{ userId: user.id, key: personal }], async () => {
        await this.migration.checkHolder(agencyId);
        return this.migration.run(agencyId, { batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE, maxBatches: options.maxBatches });
      });
    } catch (e) {
      if (e instanceof AgencyKeyMissingProblem) return fail('This agency has no key yet: a supervisor of the agency sets it up first (POST /agency-keys or the console).');
      if (e instanceof AgencyKeyLockedProblem) return fail('This account holds no grant of its agency\'s key: a member who holds it grants it first.');
      if (e instanceof MigrationVerificationError) return fail(`${e.message}; nothing of that batch was written. Run again, or report it.`);
      if (e instanceof IntegrityError) return fail('A master-wrapped key did not open with the master key (a damaged row, or a master key version missing from the secrets file); nothing of that batch was written.');
      throw e;
    } finally {
      personal.privateKey.fill(0);
    }
    const left = await this.migration.remaining(agencyId);
    await this.audit.record({
      action: 'agency_key.migrate',
      outcome: 'success',
      actorId: user.id,
      actorRole: user.role,
      agencyId,
      targetType: 'agency',
      targetId: agencyId,
      details: {
        via: 'cli',
        caseKeys: counts.caseKeys,
        packetKeys: counts.packetKeys,
        recordKeys: counts.recordKeys,
        remainingCaseKeys: left.caseKeys,
        remainingReferralKeys: left.referralKeys,
        waitingForOtherAgency: left.waitingForOtherAgency,
      },
    });
    process.stdout.write(
      [
        `moved case keys: ${counts.caseKeys}`,
        `moved referral packet keys: ${counts.packetKeys}`,
        `moved referral record keys: ${counts.recordKeys}`,
        `still master-wrapped: ${left.caseKeys} case keys, ${left.referralKeys} referral keys`,
        `referral keys waiting for the other agency's key: ${left.waitingForOtherAgency}`,
        left.caseKeys + left.referralKeys - left.waitingForOtherAgency === 0
          ? 'done for this agency'
          : 'not finished: run the command again to continue',
      ].join('\n') + '\n',
    );
  }

  @Option({ flags: '--email <email>', description: 'Login email of a member who holds the agency key', required: true })
  parseEmail(value: string): string {
    return value;
  }

  @Option({ flags: '--batch-size <n>', description: `Rows per transaction (default ${DEFAULT_BATCH_SIZE})` })
  parseBatchSize(value: string): number {
    return positive(value, '--batch-size');
  }

  @Option({ flags: '--max-batches <n>', description: 'Stop after this many batches (resume by running again)' })
  parseMaxBatches(value: string): number {
    return positive(value, '--max-batches');
  }
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`${flag} takes a whole number from 1 to 100000`);
  return n;
}

function fail(message: string, code = 1): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = code;
}
