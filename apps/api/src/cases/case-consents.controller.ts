import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { CaseConsentsService } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import { ConsentDto, CreateConsentDto } from './case-consents.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

@ApiTags('cases')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases/:id/consents')
export class CaseConsentsController {
  constructor(private readonly consents: CaseConsentsService) {}

  @Post()
  @ApiOperation({ summary: 'Record a consent' })
  @ApiProblems(409, 422)
  @ApiCreatedResponse({ type: ConsentDto })
  create(@IdParam() id: string, @Body() body: CreateConsentDto, @CaseAuth() actor: CaseActor): Promise<ConsentDto> {
    return this.consents.create(actor, id, body);
  }

  @Get()
  @ApiOperation({ summary: 'List a case\'s consents' })
  @ApiOkResponse({ type: [ConsentDto] })
  list(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<ConsentDto[]> {
    return this.consents.list(actor, id);
  }

  @Post(':consentId/withdraw')
  @ApiOperation({ summary: 'Withdraw a consent' })
  @ApiProblems(409)
  @HttpCode(200)
  @ApiOkResponse({ type: ConsentDto })
  withdraw(
    @IdParam() id: string,
    @IdParam('consentId') consentId: string,
    @CaseAuth() actor: CaseActor,
  ): Promise<ConsentDto> {
    return this.consents.withdraw(actor, id, consentId);
  }
}
