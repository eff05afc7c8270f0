import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { CasesService, toCaseActor } from '@amani/domain/cases';
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
import { ApiProblems } from '../openapi/api-problems.decorator';

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
  create(@Body() body: CreateCaseDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<CaseDetailDto> {
    return this.cases.create(toCaseActor(user, requestId), body);
  }

  @Get()
  @ApiOperation({ summary: 'List the cases in your scope' })
  @ApiOkResponse({ type: CasePageDto, description: 'Coded fields only; never identifying data.' })
  list(@Query() query: CaseListQueryDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<CasePageDto> {
    return this.cases.list(toCaseActor(user, requestId), query);
  }

  /** The survivor code travels in the body, never in a URL. */
  @Post('lookup')
  @ApiOperation({ summary: 'Find a case by survivor code', description: 'The survivor code travels in the body, never in a URL.' })
  @ApiProblems(410)
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryDto })
  lookup(@Body() body: LookupCaseDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<CaseSummaryDto> {
    return this.cases.lookupBySurvivorCode(toCaseActor(user, requestId), body.survivorCode);
  }

  /** Intake de-duplication by contact phone (blind index), within the caller's scope. */
  @Post('lookup-phone')
  @ApiOperation({ summary: 'Find cases by contact phone', description: 'Intake de-duplication by contact phone (blind index), within the caller\'s scope.' })
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryListDto })
  async lookupPhone(@Body() body: PhoneLookupDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<CaseSummaryListDto> {
    return { items: await this.cases.findByPhone(toCaseActor(user, requestId), body.phone) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a case' })
  @ApiProblems(410)
  @ApiOkResponse({ type: CaseDetailDto })
  get(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<CaseDetailDto> {
    return this.cases.get(toCaseActor(user, requestId), id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a case\'s identifying and intake fields' })
  @ApiProblems(409, 410)
  @ApiOkResponse({ type: CaseDetailDto })
  update(@IdParam() id: string, @Body() body: UpdateCaseDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<CaseDetailDto> {
    return this.cases.update(toCaseActor(user, requestId), id, body);
  }

  @Post(':id/stage')
  @ApiOperation({ summary: 'Move a case to another stage' })
  @ApiProblems(409, 422)
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryDto })
  changeStage(@IdParam() id: string, @Body() body: ChangeStageDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<CaseSummaryDto> {
    return this.cases.changeStage(toCaseActor(user, requestId), id, body);
  }

  @Post(':id/reopen')
  @ApiOperation({ summary: 'Reopen a closed case' })
  @ApiProblems(409)
  @Roles('supervisor')
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryDto, description: 'A closed case resumes at assessment; the reason is coded and audited.' })
  reopen(@IdParam() id: string, @Body() body: ReopenCaseDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<CaseSummaryDto> {
    return this.cases.reopen(toCaseActor(user, requestId), id, body);
  }

  @Post(':id/assign')
  @ApiOperation({ summary: 'Assign a case to a caseworker' })
  @ApiProblems(409, 422)
  @Roles('supervisor')
  @HttpCode(200)
  @ApiOkResponse({ type: CaseSummaryDto })
  assign(@IdParam() id: string, @Body() body: AssignCaseDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<CaseSummaryDto> {
    return this.cases.assign(toCaseActor(user, requestId), id, body);
  }

  @Get(':id/shares')
  @ApiOperation({ summary: 'List who a case is shared with' })
  @ApiOkResponse({ type: [ShareDto] })
  listShares(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ShareDto[]> {
    return this.cases.listShares(toCaseActor(user, requestId), id);
  }

  @Post(':id/shares')
  @ApiOperation({ summary: 'Share a case with a caseworker' })
  @ApiProblems(409, 422)
  @ApiCreatedResponse({ type: ShareDto })
  share(@IdParam() id: string, @Body() body: ShareCaseDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ShareDto> {
    return this.cases.share(toCaseActor(user, requestId), id, body.userId);
  }

  @Delete(':id/shares/:userId')
  @ApiOperation({ summary: 'Stop sharing a case with a caseworker' })
  @HttpCode(204)
  @ApiNoContentResponse()
  unshare(@IdParam() id: string, @IdParam('userId') userId: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<void> {
    return this.cases.unshare(toCaseActor(user, requestId), id, userId);
  }
}
