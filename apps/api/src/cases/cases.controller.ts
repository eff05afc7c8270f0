import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { CasesService } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import {
  AssignCaseDto,
  CaseDetailDto,
  CaseListQueryDto,
  CasePageDto,
  CaseSummaryDto,
  CaseSummaryListDto,
  ChangeStageDto,
  CreateCaseDto,
  LookupCaseDto,
  PhoneLookupDto,
  ShareCaseDto,
  ShareDto,
  UpdateCaseDto,
} from './cases.dto';
import { ReopenCaseDto } from './case-care.dto';
import { EraseCaseQueryDto } from './cases.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

/**
 * Survivor cases. Caseworkers and supervisors only; a case outside the caller's scope answers
 * 404 exactly like a missing one.
 */
@ApiTags('cases')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @ApiOperation({ summary: 'Open a case' })
  @ApiProblems(422)
  @ApiCreatedResponse({ type: CaseDetailDto })
  create(@Body() body: CreateCaseDto, @CaseAuth() actor: CaseActor): Promise<CaseDetailDto> {
    return this.cases.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the cases in your scope' })
  @ApiOkResponse({ type: CasePageDto, description: 'Coded fields only; never identifying data.' })
  list(@Query() query: CaseListQueryDto, @CaseAuth() actor: CaseActor): Promise<CasePageDto> {
    return this.cases.list(actor, query);
  }

  /** The survivor code travels in the body, never in a URL. */
  @Post('lookup')
  @ApiOperation({ summary: 'Find a case by survivor code', description: 'The survivor code travels in the body, never in a URL.' })
  @ApiProblems(404, 410)
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryDto })
  lookup(@Body() body: LookupCaseDto, @CaseAuth() actor: CaseActor): Promise<CaseSummaryDto> {
    return this.cases.lookupBySurvivorCode(actor, body.survivorCode);
  }

  /** Intake de-duplication by contact phone (blind index), within the caller's scope. */
  @Post('lookup-phone')
  @ApiOperation({ summary: 'Find cases by contact phone', description: 'Intake de-duplication by contact phone (blind index), within the caller\'s scope.' })
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryListDto })
  async lookupPhone(@Body() body: PhoneLookupDto, @CaseAuth() actor: CaseActor): Promise<CaseSummaryListDto> {
    return { items: await this.cases.findByPhone(actor, body.phone) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a case' })
  @ApiProblems(410)
  @ApiOkResponse({ type: CaseDetailDto })
  get(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<CaseDetailDto> {
    return this.cases.get(actor, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a case\'s identifying and intake fields' })
  @ApiProblems(409, 410)
  @ApiOkResponse({ type: CaseDetailDto })
  update(@IdParam() id: string, @Body() body: UpdateCaseDto, @CaseAuth() actor: CaseActor): Promise<CaseDetailDto> {
    return this.cases.update(actor, id, body);
  }

  @Post(':id/stage')
  @ApiOperation({ summary: 'Move a case to another stage' })
  @ApiProblems(409, 422)
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryDto })
  changeStage(@IdParam() id: string, @Body() body: ChangeStageDto, @CaseAuth() actor: CaseActor): Promise<CaseSummaryDto> {
    return this.cases.changeStage(actor, id, body);
  }

  @Post(':id/reopen')
  @ApiOperation({ summary: 'Reopen a closed case' })
  @ApiProblems(409)
  @Roles('supervisor')
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryDto, description: 'A closed case resumes at assessment; the reason is coded and audited.' })
  reopen(@IdParam() id: string, @Body() body: ReopenCaseDto, @CaseAuth() actor: CaseActor): Promise<CaseSummaryDto> {
    return this.cases.reopen(actor, id, body);
  }

  @Post(':id/assign')
  @ApiOperation({ summary: 'Assign a case to a caseworker' })
  @ApiProblems(409, 422)
  @Roles('supervisor')
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryDto })
  assign(@IdParam() id: string, @Body() body: AssignCaseDto, @CaseAuth() actor: CaseActor): Promise<CaseSummaryDto> {
    return this.cases.assign(actor, id, body);
  }

  @Get(':id/shares')
  @ApiOperation({ summary: 'List who a case is shared with' })
  @ApiOkResponse({ type: [ShareDto] })
  listShares(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<ShareDto[]> {
    return this.cases.listShares(actor, id);
  }

  @Post(':id/shares')
  @ApiOperation({ summary: 'Share a case with a caseworker' })
  @ApiProblems(409, 422)
  @ApiCreatedResponse({ type: ShareDto })
  share(@IdParam() id: string, @Body() body: ShareCaseDto, @CaseAuth() actor: CaseActor): Promise<ShareDto> {
    return this.cases.share(actor, id, body.userId);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Erase a case',
    description:
      'Crypto-shreds the case: its data key, blind indexes, identifying fields, notes, attachments and referral packets are destroyed and open referrals revoked; only its coded statistics remain. Afterwards the case answers 410 to its agency and 404 to everyone else. Supervisors of the owning agency only.',
  })
  @ApiProblems(404, 410)
  @Roles('supervisor')
  @HttpCode(204)
  @ApiNoContentResponse()
  erase(@IdParam() id: string, @Query() q: EraseCaseQueryDto, @CaseAuth() actor: CaseActor): Promise<void> {
    return this.cases.erase(actor, id, q.reason);
  }

  @Delete(':id/shares/:userId')
  @ApiOperation({ summary: 'Stop sharing a case with a caseworker' })
  @HttpCode(204)
  @ApiNoContentResponse()
  unshare(@IdParam() id: string, @IdParam('userId') userId: string, @CaseAuth() actor: CaseActor): Promise<void> {
    return this.cases.unshare(actor, id, userId);
  }
}
