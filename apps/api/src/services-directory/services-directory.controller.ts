import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { ServicesDirectoryService } from '@amani/domain/services-directory';
import { IdParam } from '../common/id-param';
import { CreateServiceDto, ServiceDto, ServiceListQueryDto, ServicePageDto, ServiceSearchQueryDto, UpdateServiceDto } from './services-directory.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';

/**
 * The service directory. It holds no survivor data, so every staff role that refers may
 * search it: caseworkers, supervisors, providers (onward referrals), PSEA focal points (victim
 * assistance) and administrators. Protection officers work only on aggregate reports and get
 * 403. An agency's supervisors and the administrators manage its entries.
 */
@ApiTags('services')
@ApiBearerAuth()
@Controller('services')
export class ServicesDirectoryController {
  constructor(private readonly directory: ServicesDirectoryService) {}

  @Get('search')
  @ApiOperation({ summary: 'Search the service directory' })
  @Roles('caseworker', 'supervisor', 'provider', 'psea_focal_point', 'admin')
  @ApiOkResponse({ type: ServicePageDto })
  search(@Query() query: ServiceSearchQueryDto): Promise<ServicePageDto> {
    return this.directory.search(query);
  }

  @Get()
  @ApiOperation({ summary: 'List your service directory entries' })
  @Roles('supervisor', 'admin')
  @ApiOkResponse({ type: ServicePageDto, description: "A supervisor: their agency's entries; an administrator: every entry, or one agency's." })
  list(@Query() query: ServiceListQueryDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ServicePageDto> {
    return this.directory.list({ ...user, requestId }, query);
  }

  @Post()
  @ApiOperation({ summary: 'Publish a service directory entry' })
  @ApiProblems(422)
  @Roles('supervisor', 'admin')
  @ApiCreatedResponse({ type: ServiceDto })
  create(@Body() body: CreateServiceDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ServiceDto> {
    return this.directory.create({ ...user, requestId }, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a service directory entry' })
  @ApiProblems(409, 422)
  @Roles('supervisor', 'admin')
  @ApiOkResponse({ type: ServiceDto })
  update(@IdParam() id: string, @Body() body: UpdateServiceDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ServiceDto> {
    return this.directory.update({ ...user, requestId }, id, body);
  }
}
