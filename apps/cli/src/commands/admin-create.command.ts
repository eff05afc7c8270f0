import { Command, CommandRunner, Option } from 'nest-commander';
import { UsersService } from '@amani/auth';
import { DomainException } from '@amani/http';
import { readSecret } from './read-secret';

interface AdminCreateOptions {
  email?: string;
  name?: string;
}

/**
 * `npm run cli -- admin:create --email x --name y`, password on standard input:
 *   printf '%s\n' "$PASSWORD" | npm run cli -- admin:create --email a@b.org --name "A. Admin"
 * The administrator enrols a second factor at first login.
 */
@Command({ name: 'admin:create', description: 'Create an administrator (password read from standard input)' })
export class AdminCreateCommand extends CommandRunner {
  constructor(private readonly users: UsersService) {
    super();
  }

  async run(_params: string[], options: AdminCreateOptions): Promise<void> {
    if (!options.email || !options.name) {
      process.stderr.write('admin:create needs --email and --name; the password is read from standard input\n');
      process.exitCode = 2;
      return;
    }
    const password = await readSecret('Password: ');
    if (process.stdin.isTTY && (await readSecret('Repeat password: ')) !== password) {
      process.stderr.write('The passwords differ.\n');
      process.exitCode = 1;
      return;
    }
    try {
      const user = await this.users.provision(
        { email: options.email, displayName: options.name, password, role: 'admin', agencyId: null },
        { actor: null, via: 'cli' },
      );
      process.stdout.write(`created admin ${user.id}\n`);
    } catch (e) {
      if (!(e instanceof DomainException)) throw e;
      const fields = (e.errors ?? []).map((f) => `${f.field} ${f.message}`).join('; ');
      process.stderr.write(`${e.message}${fields ? ` (${fields})` : ''}\n`);
      process.exitCode = 1;
    }
  }

  @Option({ flags: '--email <email>', description: 'Login email of the administrator', required: true })
  parseEmail(value: string): string {
    return value;
  }

  @Option({ flags: '--name <name>', description: 'Display name', required: true })
  parseName(value: string): string {
    return value;
  }
}
