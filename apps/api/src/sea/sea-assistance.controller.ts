import { Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { SeaAssistanceService } from '@amani/domain/sea';
import { IdParam } from '../common/id-param';
import { AssistanceRequestDto, IncomingAssistanceDto } from './sea-workspace.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

/** The receiving GBV agency's side of victim assistance: it never sees the complaint itself. */
@ApiTags('sea (assistance)')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('sea/assistance-requests')
export class SeaAssistanceController {
  constructor(private readonly assistance: SeaAssistanceService) {}

  @Get()
  @ApiOperation({ summary: 'List victim assistance requests addressed to your agency' })
  @ApiOkResponse({ type: [IncomingAssistanceDto], description: 'Pending requests addressed to your agency.' })
  list(@CaseAuth() actor: CaseActor): Promise<IncomingAssistanceDto[]> {
    return this.assistance.listIncoming(actor);
  }

  @Post(':id/accept')
  @ApiOperation({ summary: 'Accept a victim assistance request' })
  @ApiProblems(409)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AssistanceRequestDto, description: 'Opens an intake case at your agency with the shared fields.' })
  accept(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<AssistanceRequestDto> {
    return this.assistance.accept(actor, id);
  }
}
