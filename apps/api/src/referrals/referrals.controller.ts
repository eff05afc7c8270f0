import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiGoneResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { ReferralsService, toReferralActor } from '@amani/domain/referrals';
import { IdParam } from '../common/id-param';
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
  @Roles('provider')
  @ApiOkResponse({ type: ReferralPageDto })
  incoming(@Query() query: ReferralListQueryDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ReferralPageDto> {
    return this.referrals.incoming(toReferralActor(user, requestId), query);
  }

  @Get(':id')
  @Roles('caseworker', 'supervisor', 'provider')
  @ApiOkResponse({ type: ReferralDetailDto })
  get(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ReferralDetailDto> {
    return this.referrals.get(toReferralActor(user, requestId), id);
  }

  /** 410 `referral_packet_gone` once the packet's key was destroyed (consent withdrawn, revoked, declined, case erased). */
  @Get(':id/packet')
  @Roles('caseworker', 'supervisor', 'provider')
  @ApiOkResponse({ type: ReferralPacketDto })
  @ApiGoneResponse({ description: 'The packet was crypto-shredded.' })
  packet(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ReferralPacketDto> {
    return this.referrals.readPacket(toReferralActor(user, requestId), id);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('provider')
  @ApiOkResponse({ type: ReferralDto })
  accept(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ReferralDto> {
    return this.referrals.accept(toReferralActor(user, requestId), id);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Roles('provider')
  @ApiOkResponse({ type: ReferralDto })
  decline(@IdParam() id: string, @Body() body: DeclineReferralDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ReferralDto> {
    return this.referrals.decline(toReferralActor(user, requestId), id, body);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Roles('provider')
  @ApiOkResponse({ type: ReferralDto })
  complete(@IdParam() id: string, @Body() body: CompleteReferralDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ReferralDto> {
    return this.referrals.complete(toReferralActor(user, requestId), id, body);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles('caseworker', 'supervisor')
  @ApiOkResponse({ type: ReferralDto })
  revoke(@IdParam() id: string, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ReferralDto> {
    return this.referrals.revoke(toReferralActor(user, requestId), id);
  }

  @Post(':id/notes')
  @Roles('provider')
  @ApiCreatedResponse({ type: ReferralNoteDto })
  addNote(@IdParam() id: string, @Body() body: CreateReferralNoteDto, @CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<ReferralNoteDto> {
    return this.referrals.addNote(toReferralActor(user, requestId), id, body.body);
  }
}
