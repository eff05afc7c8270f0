import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { CaseActionPlanService } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import { ActionPlanItemDto, CreateActionPlanItemDto, UpdateActionPlanItemDto } from './case-action-plan.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

@ApiTags('cases')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases/:id/action-plan')
export class CaseActionPlanController {
  constructor(private readonly plan: CaseActionPlanService) {}

  @Post()
  @ApiOperation({ summary: 'Add an action plan item' })
  @ApiProblems(409, 410)
  @ApiCreatedResponse({ type: ActionPlanItemDto })
  create(@IdParam() id: string, @Body() body: CreateActionPlanItemDto, @CaseAuth() actor: CaseActor): Promise<ActionPlanItemDto> {
    return this.plan.create(actor, id, body);
  }

  @Get()
  @ApiOperation({ summary: 'List a case\'s action plan' })
  @ApiProblems(410)
  @ApiOkResponse({ type: [ActionPlanItemDto] })
  list(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<ActionPlanItemDto[]> {
    return this.plan.list(actor, id);
  }

  @Patch(':itemId')
  @ApiOperation({ summary: 'Update an action plan item' })
  @ApiProblems(409, 410)
  @ApiOkResponse({ type: ActionPlanItemDto })
  update(
    @IdParam() id: string,
    @IdParam('itemId') itemId: string,
    @Body() body: UpdateActionPlanItemDto,
    @CaseAuth() actor: CaseActor,
  ): Promise<ActionPlanItemDto> {
    return this.plan.update(actor, id, itemId, body);
  }
}
