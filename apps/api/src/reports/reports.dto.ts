import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import { REPORT_STATUSES, REPORT_TEMPLATE_IDS, ReportResult } from '@amani/domain/reporting';

export class CreateReportDto {
  @ApiProperty({ enum: REPORT_TEMPLATE_IDS, description: 'A fixed template. sea_quarterly is for protection officers only (403 for supervisors).' })
  @IsString()
  @IsIn(REPORT_TEMPLATE_IDS)
  template: string;

  @ApiProperty({ example: '2025-03', description: 'A calendar month (YYYY-MM) or quarter (YYYY-Qn), as the template requires; it must have ended.' })
  @IsString()
  @Matches(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/, { message: 'must be YYYY-MM or YYYY-Qn' })
  period: string;
}

export class ReportSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: REPORT_TEMPLATE_IDS })
  template: string;

  @ApiProperty({ example: '2025-03' })
  period: string;

  @ApiProperty({ enum: ['inter_agency', 'agency'], description: "inter_agency for protection officers; agency: the supervisor's own agency." })
  scope: string;

  @ApiProperty({ enum: REPORT_STATUSES })
  status: string;

  @ApiProperty({ minimum: 0, maximum: 100 })
  progress: number;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Threshold k: counts from 1 to k-1 are suppressed.' })
  minCellCount: number | null;

  @ApiPropertyOptional({ nullable: true, enum: ['disclosure_control', 'build_error'] })
  errorCode: string | null;

  @ApiProperty()
  createdAt: Date;

  @ApiPropertyOptional({ type: Date, nullable: true })
  startedAt: Date | null;

  @ApiPropertyOptional({ type: Date, nullable: true })
  finishedAt: Date | null;
}

export class ReportDto extends ReportSummaryDto {
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'When done: the sections, each a table with null for every suppressed count (never why).',
  })
  result: ReportResult | null;
}

export class ReportPageDto {
  @ApiProperty({ type: [ReportSummaryDto] })
  items: ReportSummaryDto[];

  @ApiProperty()
  page: number;

  @ApiProperty()
  pageSize: number;

  @ApiProperty()
  total: number;
}
