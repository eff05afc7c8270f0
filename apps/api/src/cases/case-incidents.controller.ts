import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { CaseIncidentsService } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import { CreateIncidentDto, IncidentDto } from './case-incidents.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

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
  create(@IdParam() id: string, @Body() body: CreateIncidentDto, @CaseAuth() actor: CaseActor): Promise<IncidentDto> {
    return this.incidents.create(actor, id, body);
  }

  @Get()
  @ApiOperation({ summary: 'List a case\'s incidents' })
  @ApiProblems(410)
  @ApiOkResponse({ type: [IncidentDto] })
  list(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<IncidentDto[]> {
    return this.incidents.list(actor, id);
  }
}
