import { Body, Controller, Get, Header, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { ReportsService } from '@amani/domain/reporting';
import { IdParam } from '../common/id-param';
import { PageQueryDto } from '../common/page-query.dto';
import { CreateReportDto, ReportDto, ReportPageDto } from './reports.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';

/**
 * De-identified aggregate reports. Protection officers request and read inter-agency
 * reports; supervisors the GBVIMS and referral templates over their own agency (SEA statistics
 * are for protection officers only); every other role gets 403.
 * A report outside the caller's scope is a 404, audited.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Roles('protection_officer', 'supervisor')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** Idempotent: 202 when a build was queued, 200 with the existing report otherwise. */
  @Post()
  @ApiOperation({ summary: 'Request a de-identified report', description: 'Idempotent: 202 when a build was queued, 200 with the existing report otherwise.' })
  @ApiProblems(422)
  @ApiAcceptedResponse({ type: ReportDto })
  @ApiOkResponse({ type: ReportDto })
  async create(
    @Body() body: CreateReportDto,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) res: Response,
    @RequestId() requestId?: string,
  ): Promise<ReportDto> {
    const { report, queued } = await this.reports.request(user, body, requestId);
    res.status(queued ? HttpStatus.ACCEPTED : HttpStatus.OK);
    return report;
  }

  @Get()
  @ApiOperation({ summary: 'List reports' })
  @ApiOkResponse({ type: ReportPageDto })
  list(@Query() query: PageQueryDto, @CurrentUser() user: AuthUser): Promise<ReportPageDto> {
    return this.reports.list(user, query.page, query.pageSize);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a report' })
  @ApiOkResponse({ type: ReportDto })
  get(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ReportDto> {
    return this.reports.get(user, id, requestId);
  }

  @Get(':id/export.csv')
  @ApiOperation({ summary: 'Download a report as CSV (HXL-tagged)' })
  @ApiProblems(409)
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV, one line per published count, with an HXL hashtag row under the header.' })
  @Header('Cache-Control', 'no-store')
  async exportCsv(
    @IdParam() id: string,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) res: Response,
    @RequestId() requestId?: string,
  ): Promise<string> {
    const file = await this.reports.exportCsv(user, id, requestId);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    return file.body;
  }

  @Get(':id/chart.svg')
  @ApiOperation({ summary: 'Download a report\'s chart as SVG' })
  @ApiProblems(409)
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: "SVG bar chart of the template's main breakdown (published figures only)." })
  @Header('Cache-Control', 'no-store')
  async chart(
    @IdParam() id: string,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) res: Response,
    @RequestId() requestId?: string,
  ): Promise<string> {
    const file = await this.reports.chartSvg(user, id, requestId);
    res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
    // An SVG opened directly must not run anything.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    res.setHeader('Content-Disposition', `inline; filename="${file.filename}"`);
    return file.body;
  }
}
