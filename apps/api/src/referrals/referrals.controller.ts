import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { ReferralsService } from '@amani/domain/referrals';
import { IdParam } from '../common/id-param';
import { ApiProblems } from '../openapi/api-problems.decorator';
import {
  CompleteReferralDto,
  CreateReferralNoteDto,
  DeclineReferralDto,
  ReferralDetailDto,
  ReferralDto,
  ReferralListQueryDto,
  ReferralNoteDto,
  ReferralPacketDto,
  ReferralPageDto,
} from './referrals.dto';
import type { ReferralActor } from '@amani/domain/referrals';
import { ReferralAuth } from '../common/actor.decorators';

/**
 * One referral. A provider sees only referrals addressed to their agency; the referring side
 * only those of cases in its scope. Anything else answers 404, exactly like a missing one.
 */
@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get('incoming')
  @ApiOperation({ summary: 'List referrals addressed to your agency' })
  @Roles('provider')
  @ApiOkResponse({ type: ReferralPageDto })
  incoming(@Query() query: ReferralListQueryDto, @ReferralAuth() actor: ReferralActor): Promise<ReferralPageDto> {
    return this.referrals.incoming(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a referral' })
  @Roles('caseworker', 'supervisor', 'provider')
  @ApiOkResponse({ type: ReferralDetailDto })
  get(@IdParam() id: string, @ReferralAuth() actor: ReferralActor): Promise<ReferralDetailDto> {
    return this.referrals.get(actor, id);
  }

  /** 410 `referral_packet_gone` once the packet's key was destroyed (consent withdrawn, revoked, declined, case erased). */
  @Get(':id/packet')
  @ApiOperation({ summary: 'Read a referral\'s packet', description: '410 `referral_packet_gone` once the packet\'s key was destroyed (consent withdrawn, revoked, declined, case erased).' })
  @ApiProblems(410)
  @Roles('caseworker', 'supervisor', 'provider')
  @ApiOkResponse({ type: ReferralPacketDto })
  @ApiProblems(410)
  packet(@IdParam() id: string, @ReferralAuth() actor: ReferralActor): Promise<ReferralPacketDto> {
    return this.referrals.readPacket(actor, id);
  }

  @Post(':id/accept')
  @ApiOperation({ summary: 'Accept a referral' })
  @ApiProblems(409)
  @HttpCode(200)
  @Roles('provider')
  @ApiOkResponse({ type: ReferralDto })
  accept(@IdParam() id: string, @ReferralAuth() actor: ReferralActor): Promise<ReferralDto> {
    return this.referrals.accept(actor, id);
  }

  @Post(':id/decline')
  @ApiOperation({ summary: 'Decline a referral' })
  @ApiProblems(409)
  @HttpCode(200)
  @Roles('provider')
  @ApiOkResponse({ type: ReferralDto })
  decline(@IdParam() id: string, @Body() body: DeclineReferralDto, @ReferralAuth() actor: ReferralActor): Promise<ReferralDto> {
    return this.referrals.decline(actor, id, body);
  }

  @Post(':id/complete')
  @ApiOperation({ summary: 'Record a referral\'s outcome' })
  @ApiProblems(409)
  @HttpCode(200)
  @Roles('provider')
  @ApiOkResponse({ type: ReferralDto })
  complete(@IdParam() id: string, @Body() body: CompleteReferralDto, @ReferralAuth() actor: ReferralActor): Promise<ReferralDto> {
    return this.referrals.complete(actor, id, body);
  }

  @Post(':id/revoke')
  @ApiOperation({ summary: 'Revoke a referral' })
  @ApiProblems(409)
  @HttpCode(200)
  @Roles('caseworker', 'supervisor')
  @ApiOkResponse({ type: ReferralDto })
  revoke(@IdParam() id: string, @ReferralAuth() actor: ReferralActor): Promise<ReferralDto> {
    return this.referrals.revoke(actor, id);
  }

  @Post(':id/notes')
  @ApiOperation({ summary: 'Add a provider note to a referral' })
  @ApiProblems(409)
  @Roles('provider')
  @ApiCreatedResponse({ type: ReferralNoteDto })
  addNote(@IdParam() id: string, @Body() body: CreateReferralNoteDto, @ReferralAuth() actor: ReferralActor): Promise<ReferralNoteDto> {
    return this.referrals.addNote(actor, id, body.body);
  }
}
