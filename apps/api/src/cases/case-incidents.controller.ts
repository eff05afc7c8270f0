import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { CaseIncidentsService, toCaseActor } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import { CreateIncidentDto, IncidentDto } from './case-incidents.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';

@ApiTags('cases')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases/:id/incidents')
export class CaseIncidentsController {
  constructor(private readonly incidents: CaseIncidentsService) {}

  @Post()
  @ApiOperation({ summary: 'Record an incident' })
  @ApiProblems(409, 410)
  @ApiCreatedResponse({ type: IncidentDto, description: 'Classified on the server (GBVIMS).' })
  create(@IdParam() id: string, @Body() body: CreateIncidentDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<IncidentDto> {
    return this.incidents.create(toCaseActor(user, requestId), id, body);
  }

  @Get()
  @ApiOperation({ summary: 'List a case\'s incidents' })
  @ApiProblems(410)
  @ApiOkResponse({ type: [IncidentDto] })
  list(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<IncidentDto[]> {
    return this.incidents.list(toCaseActor(user, requestId), id);
  }
}
