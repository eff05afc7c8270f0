import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AgenciesService, AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { IdParam } from '../common/id-param';
import { PageQueryDto } from '../common/page-query.dto';
import { AgencyDto, AgencyPageDto, CreateAgencyDto } from './agencies.dto';

/** Agencies: administrators only. */
@ApiTags('agencies')
@ApiBearerAuth()
@Roles('admin')
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Post()
  @ApiCreatedResponse({ type: AgencyDto })
  create(@Body() body: CreateAgencyDto, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<AgencyDto> {
    return this.agencies.create(body, { actor, requestId });
  }

  @Get()
  @ApiOkResponse({ type: AgencyPageDto })
  list(@Query() query: PageQueryDto): Promise<AgencyPageDto> {
    return this.agencies.list(query.page, query.pageSize);
  }

  @Get(':id')
  @ApiOkResponse({ type: AgencyDto })
  get(@IdParam() id: string): Promise<AgencyDto> {
    return this.agencies.get(id);
  }
}
