import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AgenciesService, AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { LocationsService } from '@amani/domain/locations';
import { IdParam } from '../common/id-param';
import { PageQueryDto } from '../common/page-query.dto';
import { AgencyDto, AgencyPageDto, CreateAgencyDto } from './agencies.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';

/** Agencies: administrators only. */
@ApiTags('agencies')
@ApiBearerAuth()
@Roles('admin')
@Controller('agencies')
export class AgenciesController {
  constructor(
    private readonly agencies: AgenciesService,
    private readonly locations: LocationsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an agency' })
  @ApiProblems(409)
  @ApiCreatedResponse({ type: AgencyDto })
  async create(@Body() body: CreateAgencyDto, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<AgencyDto> {
    // Identity sits below the domain, so the gazetteer check is made here, before it.
    await this.locations.assertKnown('regionCodes', body.regionCodes);
    return this.agencies.create(body, { actor, requestId });
  }

  @Get()
  @ApiOperation({ summary: 'List agencies' })
  @ApiOkResponse({ type: AgencyPageDto })
  list(@Query() query: PageQueryDto): Promise<AgencyPageDto> {
    return this.agencies.list(query.page, query.pageSize);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an agency' })
  @ApiOkResponse({ type: AgencyDto })
  get(@IdParam() id: string): Promise<AgencyDto> {
    return this.agencies.get(id);
  }
}
