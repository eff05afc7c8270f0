import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { DirectoryActor, ServicesDirectoryService } from '@amani/domain/services-directory';
import { DirectoryAuth } from '../common/actor.decorators';
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
  list(@Query() query: ServiceListQueryDto, @DirectoryAuth() actor: DirectoryActor): Promise<ServicePageDto> {
    return this.directory.list(actor, query);
  }

  @Post()
  @ApiOperation({ summary: 'Publish a service directory entry' })
  @ApiProblems(422)
  @Roles('supervisor', 'admin')
  @ApiCreatedResponse({ type: ServiceDto })
  create(@Body() body: CreateServiceDto, @DirectoryAuth() actor: DirectoryActor): Promise<ServiceDto> {
    return this.directory.create(actor, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a service directory entry' })
  @ApiProblems(409, 422)
  @Roles('supervisor', 'admin')
  @ApiOkResponse({ type: ServiceDto })
  update(@IdParam() id: string, @Body() body: UpdateServiceDto, @DirectoryAuth() actor: DirectoryActor): Promise<ServiceDto> {
    return this.directory.update(actor, id, body);
  }
}
