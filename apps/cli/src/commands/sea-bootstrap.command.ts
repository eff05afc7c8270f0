import { Command, CommandRunner, Option } from 'nest-commander';
import { InvitationsService, UsersService } from '@amani/auth';
import { SeaEndorsementsService } from '@amani/domain/sea';
import { DomainException } from '@amani/http';

interface BootstrapOptions {
  email?: string;
}

/**
 * `npm run cli -- sea:bootstrap-focal-point --email fp@example.org`: the one step an operator
 * on the server takes for the very first PSEA focal point, in two runs:
 *  1. after the focal point accepted their invitation and enrolled TOTP: approves the account
 *     (no active focal point exists who could);
 *  2. after they signed in and set up their complaint key: endorses it with the deployment's
 *     bootstrap key, so intake starts sealing complaints to it.
 * Both are audited (via `cli`); both are refused once the team exists, and from then on
 * focal points approve and endorse each other.
 */
@Command({ name: 'sea:bootstrap-focal-point', description: 'Approve, then endorse the key of, the very first PSEA focal point' })
export class SeaBootstrapCommand extends CommandRunner {
  constructor(
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
    private readonly endorsements: SeaEndorsementsService,
  ) {
    super();
  }

  async run(_params: string[], options: BootstrapOptions): Promise<void> {
    if (!options.email) {
      process.stderr.write('sea:bootstrap-focal-point needs --email\n');
      process.exitCode = 2;
      return;
    }
    const user = await this.users.findByEmail(options.email);
    if (!user || user.role !== 'psea_focal_point' || user.disabledAt !== null) {
      process.stderr.write('No enabled PSEA focal point has this email.\n');
      process.exitCode = 1;
      return;
    }
    try {
      if (user.status === 'awaiting_approval') {
        if (await this.users.anyActiveWithRole('psea_focal_point')) {
          process.stderr.write('An active focal point exists: they approve new focal points (POST /users/:id/approval).\n');
          process.exitCode = 1;
          return;
        }
        await this.invitations.activateByOperator(user.id, 'cli');
        process.stdout.write(`approved focal point ${user.id}; next: they sign in, set up their complaint key (POST /sea/keys), then run this again\n`);
        return;
      }
      if (user.status !== 'active') {
        process.stderr.write(`The account is ${user.status}: it must accept its invitation first.\n`);
        process.exitCode = 1;
        return;
      }
      await this.endorsements.bootstrapFirst(user.id, 'cli');
      process.stdout.write(`endorsed the complaint key of focal point ${user.id}; complaints are now sealed to it\n`);
    } catch (e) {
      if (!(e instanceof DomainException)) throw e;
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
    }
  }

  @Option({ flags: '--email <email>', description: 'Login email of the first focal point', required: true })
  parseEmail(value: string): string {
    return value;
  }
}
