import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { CaseActionPlanService, toCaseActor } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import { ActionPlanItemDto, CreateActionPlanItemDto, UpdateActionPlanItemDto } from './case-action-plan.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases/:id/action-plan')
export class CaseActionPlanController {
  constructor(private readonly plan: CaseActionPlanService) {}

  @Post()
  @ApiCreatedResponse({ type: ActionPlanItemDto })
  create(@IdParam() id: string, @Body() body: CreateActionPlanItemDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ActionPlanItemDto> {
    return this.plan.create(toCaseActor(user, requestId), id, body);
  }

  @Get()
  @ApiOkResponse({ type: [ActionPlanItemDto] })
  list(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ActionPlanItemDto[]> {
    return this.plan.list(toCaseActor(user, requestId), id);
  }

  @Patch(':itemId')
  @ApiOkResponse({ type: ActionPlanItemDto })
  update(
    @IdParam() id: string,
    @IdParam('itemId') itemId: string,
    @Body() body: UpdateActionPlanItemDto,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId?: string,
  ): Promise<ActionPlanItemDto> {
    return this.plan.update(toCaseActor(user, requestId), id, itemId, body);
  }
}
