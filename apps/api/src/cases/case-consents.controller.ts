import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { CaseConsentsService, toCaseActor } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import { ConsentDto, CreateConsentDto } from './case-consents.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';

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
  create(@IdParam() id: string, @Body() body: CreateConsentDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ConsentDto> {
    return this.consents.create(toCaseActor(user, requestId), id, body);
  }

  @Get()
  @ApiOperation({ summary: 'List a case\'s consents' })
  @ApiOkResponse({ type: [ConsentDto] })
  list(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ConsentDto[]> {
    return this.consents.list(toCaseActor(user, requestId), id);
  }

  @Post(':consentId/withdraw')
  @ApiOperation({ summary: 'Withdraw a consent' })
  @ApiProblems(409)
  @HttpCode(200)
  @ApiOkResponse({ type: ConsentDto })
  withdraw(
    @IdParam() id: string,
    @IdParam('consentId') consentId: string,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId?: string,
  ): Promise<ConsentDto> {
    return this.consents.withdraw(toCaseActor(user, requestId), id, consentId);
  }
}
