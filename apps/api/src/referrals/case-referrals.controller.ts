import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { ReferralsService } from '@amani/domain/referrals';
import { IdParam } from '../common/id-param';
import { CreateReferralDto, ReferralDetailDto, ReferralListQueryDto, ReferralPageDto, ServiceRecordListDto } from './referrals.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

/** Referrals made from a case, and the case's service record: within the case's scope only. */
@ApiTags('referrals')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases/:id')
export class CaseReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  /** 422 `referral_consent_missing` unless an active referral consent covers the type and agency (or a supervisor overrides). */
  @Post('referrals')
  @ApiOperation({ summary: 'Refer a case to another agency\'s service', description: '422 `referral_consent_missing` unless an active referral consent covers the type and agency (or a supervisor overrides).' })
  @ApiProblems(409, 422)
  @ApiCreatedResponse({ type: ReferralDetailDto })
  create(@IdParam() id: string, @Body() body: CreateReferralDto, @CaseAuth() actor: CaseActor): Promise<ReferralDetailDto> {
    return this.referrals.create(actor, id, { ...body, followUpDueAt: new Date(body.followUpDueAt) });
  }

  @Get('referrals')
  @ApiOperation({ summary: 'List a case\'s referrals' })
  @ApiOkResponse({ type: ReferralPageDto })
  list(@IdParam() id: string, @Query() query: ReferralListQueryDto, @CaseAuth() actor: CaseActor): Promise<ReferralPageDto> {
    return this.referrals.listForCase(actor, id, query);
  }

  @Get('service-record')
  @ApiOperation({ summary: 'Read a case\'s service record' })
  @ApiOkResponse({ type: ServiceRecordListDto, description: 'GBVIMS service record: per service type, the latest outcome.' })
  async serviceRecord(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<ServiceRecordListDto> {
    return { items: await this.referrals.serviceRecord(actor, id) };
  }
}
