import { Command, CommandRunner } from 'nest-commander';
import { AuditSequencer, AuditService, AuditVerifier } from '@amani/audit';

/**
 * `npm run cli -- audit:verify`: sequences whatever is queued, then checks the whole chain.
 * Prints `OK <n> events, head <hex>` or `BROKEN at seq <n>: <reason>` (exit code 1).
 */
@Command({ name: 'audit:verify', description: 'Verify the audit hash chain and its signed checkpoints' })
export class AuditVerifyCommand extends CommandRunner {
  constructor(
    private readonly sequencer: AuditSequencer,
    private readonly verifier: AuditVerifier,
    private readonly audit: AuditService,
  ) {
    super();
  }

  async run(): Promise<void> {
    await this.sequencer.flush();
    const result = await this.verifier.verify();
    if (result.ok) {
      process.stdout.write(`OK ${result.length} events, head ${result.head}\n`);
    } else {
      process.stdout.write(`BROKEN at seq ${result.firstBrokenSeq}: ${result.reason}\n`);
      process.exitCode = 1;
    }
    // Queued, not sequenced: the next API or worker pass links it.
    await this.audit.record({
      action: 'audit.verify',
      outcome: result.ok ? 'success' : 'failure',
      details: result.ok
        ? { via: 'cli', length: result.length }
        : { via: 'cli', firstBrokenSeq: result.firstBrokenSeq, reason: result.reason },
    });
  }
}
