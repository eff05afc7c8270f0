import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { SeaAssistanceService, SeaWorkspaceService } from '@amani/domain/sea';
import { IdParam } from '../common/id-param';
import { ApiSeaUnlock, SeaUnlock } from './sea-unlock.decorator';
import {
  AssistanceRequestDto,
  ComplaintDetailDto,
  ComplaintListQueryDto,
  ComplaintMessageDto,
  ComplaintNoteDto,
  ComplaintPageDto,
  ComplaintSummaryDto,
  CreateAssistanceDto,
  OutcomeDto,
  StatusChangeDto,
  WrittenBodyDto,
} from './sea-workspace.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { SeaActor } from '@amani/domain/sea';
import { SeaAuth } from '../common/actor.decorators';

/** The PSEA focal point workspace. No other role reaches a complaint. */
@ApiTags('sea (focal points)')
@ApiBearerAuth()
@Roles('psea_focal_point')
@Controller('sea/complaints')
export class SeaWorkspaceController {
  constructor(
    private readonly workspace: SeaWorkspaceService,
    private readonly assistance: SeaAssistanceService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List complaints' })
  @ApiProblems(409)
  @ApiOkResponse({ type: ComplaintPageDto, description: 'Coded fields only.' })
  list(@Query() q: ComplaintListQueryDto, @SeaAuth() actor: SeaActor): Promise<ComplaintPageDto> {
    return this.workspace.list(actor, { page: q.page, pageSize: q.pageSize, status: q.status });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a complaint' })
  @ApiProblems(409, 410, 423)
  @ApiSeaUnlock()
  @ApiOkResponse({ type: ComplaintDetailDto, description: '423 while your key is locked; 403 until a colleague grants you this complaint.' })
  get(@IdParam() id: string, @SeaUnlock() unlock: string | undefined, @SeaAuth() actor: SeaActor): Promise<ComplaintDetailDto> {
    return this.workspace.get(actor, id, unlock);
  }

  @Post(':id/messages')
  @ApiOperation({ summary: 'Reply to the complainant' })
  @ApiProblems(409, 410, 423)
  @ApiSeaUnlock()
  @ApiCreatedResponse({ type: ComplaintMessageDto, description: 'A message the complainant sees with their receipt.' })
  reply(
    @IdParam() id: string,
    @Body() body: WrittenBodyDto,
    @SeaUnlock() unlock: string | undefined,
    @SeaAuth() actor: SeaActor,
  ): Promise<ComplaintMessageDto> {
    return this.workspace.reply(actor, id, unlock, body.body);
  }

  @Post(':id/notes')
  @ApiOperation({ summary: 'Add an internal note to a complaint' })
  @ApiProblems(409, 410, 423)
  @ApiSeaUnlock()
  @ApiCreatedResponse({ type: ComplaintNoteDto, description: 'Internal; never shown to the complainant.' })
  note(
    @IdParam() id: string,
    @Body() body: WrittenBodyDto,
    @SeaUnlock() unlock: string | undefined,
    @SeaAuth() actor: SeaActor,
  ): Promise<ComplaintNoteDto> {
    return this.workspace.addNote(actor, id, unlock, body.body);
  }

  @Post(':id/status')
  @ApiOperation({ summary: 'Change a complaint\'s status' })
  @ApiProblems(409, 410, 422, 423)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ComplaintSummaryDto })
  status(@IdParam() id: string, @Body() body: StatusChangeDto, @SeaAuth() actor: SeaActor): Promise<ComplaintSummaryDto> {
    return this.workspace.changeStatus(actor, id, body.to, body.outcome, body.coded);
  }

  @Post(':id/outcome')
  @ApiOperation({ summary: 'Record a complaint\'s outcome' })
  @ApiProblems(409, 410, 423)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ComplaintSummaryDto })
  outcome(@IdParam() id: string, @Body() body: OutcomeDto, @SeaAuth() actor: SeaActor): Promise<ComplaintSummaryDto> {
    return this.workspace.setOutcome(actor, id, body.outcome);
  }

  @Post(':id/assistance')
  @ApiOperation({ summary: 'Ask an agency to assist the victim' })
  @ApiProblems(409, 410, 422, 423)
  @ApiCreatedResponse({ type: AssistanceRequestDto, description: 'With the victim’s consent: asks a GBV agency to open an intake case with the shared fields only.' })
  requestAssistance(
    @IdParam() id: string,
    @Body() body: CreateAssistanceDto,
    @SeaAuth() actor: SeaActor,
  ): Promise<AssistanceRequestDto> {
    return this.assistance.create(actor, id, {
      agencyId: body.agencyId,
      serviceType: body.serviceType,
      survivorName: body.survivorName,
      contact: body.contact ?? null,
      summary: body.summary ?? null,
      ...(body.victimId !== undefined ? { victimId: body.victimId } : {}),
    });
  }
}
