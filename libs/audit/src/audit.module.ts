import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditBrowser } from './audit-browser.service';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AUDIT_MODULE_OPTIONS, AuditModuleOptions, AuditSequencer } from './audit-sequencer.service';
import { AuditSigner } from './audit-signer';
import { AuditVerifier } from './audit-verifier.service';
import { AUDIT_ENTITIES } from './audit.entities';
import { AuditService } from './audit.service';

const PROVIDERS = [AuditService, AuditSequencer, AuditSigner, AuditCheckpointService, AuditVerifier, AuditBrowser];

/**
 * Audit recording, sequencing, checkpoints and verification. Imported as is, every process
 * (API, worker) runs the sequencer on a timer; the advisory lock lets one pass run at a time.
 */
@Global()
@Module({ imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)], providers: PROVIDERS, exports: PROVIDERS })
export class AuditModule {
  /** For short-lived processes (the CLI): no timer; call AuditSequencer.flush() instead. */
  static forCli(): DynamicModule {
    const options: AuditModuleOptions = { sequencerTimer: false };
    return {
      module: AuditModule,
      providers: [{ provide: AUDIT_MODULE_OPTIONS, useValue: options }],
    };
  }
}
