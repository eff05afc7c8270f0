import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { CaseApprovalsService, CaseAssessmentService } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import {
  ApprovalDto,
  AssessmentDto,
  DecideApprovalDto,
  PendingApprovalDto,
  RecordAssessmentDto,
  RequestApprovalDto,
  SafetyPlanDto,
  SaveSafetyPlanDto,
} from './case-care.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

/** A case's assessment, safety plan and approval requests, within the case scope. */
@ApiTags('cases')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases/:id')
export class CaseCareController {
  constructor(
    private readonly assessment: CaseAssessmentService,
    private readonly approvals: CaseApprovalsService,
  ) {}

  @Get('assessment')
  @ApiOperation({ summary: 'Read a case\'s survivor assessment' })
  @ApiProblems(410)
  @ApiOkResponse({ type: AssessmentDto })
  getAssessment(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<AssessmentDto> {
    return this.assessment.getAssessment(actor, id);
  }

  @Put('assessment')
  @ApiOperation({ summary: 'Record a case\'s survivor assessment' })
  @ApiProblems(409, 410)
  @ApiOkResponse({ type: AssessmentDto })
  recordAssessment(@IdParam() id: string, @Body() body: RecordAssessmentDto, @CaseAuth() actor: CaseActor): Promise<AssessmentDto> {
    return this.assessment.recordAssessment(actor, id, body);
  }

  @Get('safety-plan')
  @ApiOperation({ summary: 'Read a case\'s safety plan' })
  @ApiProblems(410)
  @ApiOkResponse({ type: SafetyPlanDto })
  getSafetyPlan(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<SafetyPlanDto> {
    return this.assessment.getSafetyPlan(actor, id);
  }

  @Put('safety-plan')
  @ApiOperation({ summary: 'Save a case\'s safety plan' })
  @ApiProblems(409, 410)
  @ApiOkResponse({ type: SafetyPlanDto })
  saveSafetyPlan(@IdParam() id: string, @Body() body: SaveSafetyPlanDto, @CaseAuth() actor: CaseActor): Promise<SafetyPlanDto> {
    return this.assessment.saveSafetyPlan(actor, id, body);
  }

  @Post('approvals')
  @ApiOperation({ summary: 'Ask a supervisor to approve a case step' })
  @ApiProblems(409, 422)
  @ApiCreatedResponse({ type: ApprovalDto })
  requestApproval(@IdParam() id: string, @Body() body: RequestApprovalDto, @CaseAuth() actor: CaseActor): Promise<ApprovalDto> {
    return this.approvals.request(actor, id, body);
  }

  @Get('approvals')
  @ApiOperation({ summary: 'List a case\'s approval requests' })
  @ApiOkResponse({ type: [ApprovalDto] })
  listApprovals(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<ApprovalDto[]> {
    return this.approvals.list(actor, id);
  }
}

/** The supervisor's approval work list and decisions. */
@ApiTags('cases')
@ApiBearerAuth()
@Roles('supervisor')
@Controller('approvals')
export class ApprovalsController {
  constructor(private readonly approvals: CaseApprovalsService) {}

  @Get()
  @ApiOperation({ summary: 'List approval requests awaiting your decision' })
  @ApiOkResponse({ type: [PendingApprovalDto], description: "The agency's pending requests, oldest first (ids and codes only)." })
  pending(@CaseAuth() actor: CaseActor): Promise<PendingApprovalDto[]> {
    return this.approvals.pending(actor);
  }

  @Post(':id/decision')
  @ApiOperation({ summary: 'Approve or refuse an approval request' })
  @ApiProblems(409)
  @HttpCode(200)
  @ApiOkResponse({ type: ApprovalDto })
  decide(@IdParam() id: string, @Body() body: DecideApprovalDto, @CaseAuth() actor: CaseActor): Promise<ApprovalDto> {
    return this.approvals.decide(actor, id, body);
  }
}
