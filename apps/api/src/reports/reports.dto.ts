import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import { REPORT_STATUSES, REPORT_TEMPLATE_IDS, ReportResult } from '@amani/domain/reporting';
import { PageDto } from '../common/page.dto';

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

  @ApiProperty({ type: 'integer', nullable: true, description: 'Threshold k: counts from 1 to k-1 are suppressed.' })
  minCellCount: number | null;

  @ApiProperty({ nullable: true, enum: ['disclosure_control', 'build_error'] })
  errorCode: string | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  startedAt: Date | null;

  @ApiProperty({ type: Date, nullable: true })
  finishedAt: Date | null;
}

const STRING_MATRIX = { type: 'array', items: { type: 'array', items: { type: 'string' } } } as const;
const COUNT = { type: 'integer', minimum: 0, nullable: true } as const;

/** The shapes of `ReportResult` in @amani/domain/reporting, for the document. */
export class ReportSectionDto {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['incidents', 'referrals', 'allegations', 'victims', 'cases', 'goals', 'caseworkers'], description: 'What the counts count.' })
  unit: string;

  @ApiProperty({ type: [String] }) rowDimensions: string[];
  @ApiProperty({ type: [String] }) columnDimensions: string[];
  @ApiProperty({ ...STRING_MATRIX, description: 'Row categories, one code per row dimension.' }) rows: string[][];
  @ApiProperty({ ...STRING_MATRIX, description: 'Column categories, one code per column dimension.' }) columns: string[][];
  @ApiProperty({ type: 'array', items: { type: 'array', items: COUNT }, description: 'Counts; null where suppressed.' })
  cells: (number | null)[][];

  @ApiProperty({ type: 'array', items: COUNT }) rowTotals: (number | null)[];
  @ApiProperty({ type: 'array', items: COUNT }) columnTotals: (number | null)[];
  @ApiProperty({ ...COUNT }) grandTotal: number | null;
}

export class ReportIndicatorTableDto {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String] }) rowDimensions: string[];
  @ApiProperty(STRING_MATRIX) rows: string[][];
  @ApiProperty({ type: [String] }) indicators: string[];
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { oneOf: [{ type: 'number' }, { type: 'string' }], nullable: true } },
    description: 'A number (a count or a whole percentage), a bucket code, or null when not publishable.',
  })
  values: (number | string | null)[][];
}

export class ReportChartRefDto {
  @ApiProperty() section: string;
  @ApiProperty() title: string;
}

export class ReportInclusionDto {
  @ApiProperty({ description: 'The population a family of sections reads (e.g. sea_complaints).' }) population: string;
  @ApiProperty({ description: 'Who counts in it, in words.' }) rule: string;
}

export class ReportResultDto {
  @ApiProperty({ enum: REPORT_TEMPLATE_IDS }) template: string;
  @ApiProperty({ type: 'integer' }) templateVersion: number;
  @ApiProperty() title: string;
  @ApiProperty() period: string;
  @ApiProperty() periodKind: string;
  @ApiProperty({ enum: ['inter_agency', 'agency'] }) scope: string;
  @ApiProperty({ type: 'integer', description: 'Counts from 1 to minCellCount-1 are never published.' }) minCellCount: number;
  @ApiProperty({ type: [ReportSectionDto] }) sections: ReportSectionDto[];
  @ApiProperty({ type: [ReportIndicatorTableDto] }) indicators: ReportIndicatorTableDto[];
  @ApiProperty({ type: ReportChartRefDto }) chart: ReportChartRefDto;
  @ApiPropertyOptional({ type: [ReportInclusionDto], description: 'Who counts in each population the report reads; absent from results stored before it existed.' })
  inclusion?: ReportInclusionDto[];
  @ApiPropertyOptional({
    type: [String],
    description:
      'Admin-1 location codes under which every sub-unit was counted, because a cell of a sub-unit would otherwise have been suppressed; absent from results stored before it existed.',
  })
  regionRollUp?: string[];
}

export class ReportDto extends ReportSummaryDto {
  @ApiProperty({
    type: ReportResultDto,
    nullable: true,
    description: 'When done: the sections, each a table with null for every suppressed count (never why).',
  })
  result: ReportResult | null;
}

export class ReportPageDto extends PageDto(ReportSummaryDto) {}
