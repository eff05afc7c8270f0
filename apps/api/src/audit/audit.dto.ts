import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const REASONS = [
  'hash_mismatch',
  'link_mismatch',
  'gap',
  'missing_tail',
  'bad_checkpoint_signature',
  'checkpoint_mismatch',
] as const;

export class AuditVerifyResponseDto {
  @ApiProperty({ description: 'True when every hash, link and signed checkpoint holds.' })
  ok: boolean;

  @ApiPropertyOptional({ description: 'Number of events in the chain (when ok).' })
  length?: number;

  @ApiPropertyOptional({ description: 'Hex SHA-256 of the last event (when ok).' })
  head?: string;

  @ApiPropertyOptional({ description: 'First sequence number found broken (when not ok).' })
  firstBrokenSeq?: number;

  @ApiPropertyOptional({ enum: REASONS, description: 'Why the chain is broken (when not ok).' })
  reason?: (typeof REASONS)[number];
}

export class AuditCheckpointAcceptedDto {
  @ApiProperty({ description: 'Id of the outbox row that will run the audit.checkpoint job.' })
  outboxId: string;
}
