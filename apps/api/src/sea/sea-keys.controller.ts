import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { parseRecoveryKey, SeaEndorsementsService, SeaKeysService } from '@amani/domain/sea';
import { IdParam } from '../common/id-param';
import { StrictThrottle } from '@amani/http';
import { ApiSeaUnlock, SeaUnlock } from './sea-unlock.decorator';
import { EndorsementResultDto, FocalPointDto, GrantDto, GrantResultDto, KeyIssueDto, KeyStatusDto, RecoverKeysDto, SetupKeysDto } from './sea-workspace.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { SeaActor } from '@amani/domain/sea';
import { SeaAuth } from '../common/actor.decorators';

/** A focal point's complaint key: set-up, status, recovery, and granting colleagues access. */
@ApiTags('sea (focal points)')
@ApiBearerAuth()
@Roles('psea_focal_point')
@Controller('sea')
export class SeaKeysController {
  constructor(
    private readonly keys: SeaKeysService,
    private readonly endorsements: SeaEndorsementsService,
  ) {}

  @Get('keys')
  @ApiOperation({ summary: 'Read the state of your complaint key' })
  @ApiSeaUnlock()
  @ApiOkResponse({ type: KeyStatusDto })
  status(@SeaUnlock() unlock: string | undefined, @SeaAuth() actor: SeaActor): Promise<KeyStatusDto> {
    return this.keys.status(actor, unlock);
  }

  @Post('keys')
  @ApiOperation({ summary: 'Set up your complaint key' })
  @ApiProblems(409, 422)
  @StrictThrottle('auth')
  @ApiCreatedResponse({ type: KeyIssueDto, description: 'Creates your key pair; the recovery key is shown once.' })
  setup(@Body() body: SetupKeysDto, @SeaAuth() actor: SeaActor): Promise<KeyIssueDto> {
    return this.keys.setup(actor, body.password, body.replace ?? false);
  }

  @Post('keys/recover')
  @ApiOperation({ summary: 'Recover your complaint key with your recovery key' })
  @ApiProblems(409, 422)
  @StrictThrottle('auth')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: KeyIssueDto, description: 'After a password reset: re-wraps your key under the new password; a new recovery key is shown once.' })
  recover(@Body() body: RecoverKeysDto, @SeaAuth() actor: SeaActor): Promise<KeyIssueDto> {
    return this.keys.recover(actor, parseRecoveryKey(body.recoveryKey), body.password);
  }

  @Get('focal-points')
  @ApiOperation({ summary: 'List the focal points' })
  @ApiOkResponse({ type: [FocalPointDto] })
  focalPoints(@SeaAuth() actor: SeaActor): Promise<FocalPointDto[]> {
    return this.keys.focalPoints(actor);
  }

  @Post('focal-points/:userId/grants')
  @ApiOperation({ summary: 'Grant another focal point access to complaints' })
  @ApiProblems(409, 422, 423)
  @HttpCode(HttpStatus.OK)
  @ApiSeaUnlock()
  @ApiOkResponse({ type: GrantResultDto, description: 'Re-seals the complaint keys you hold to a colleague’s public key.' })
  grant(
    @IdParam('userId') userId: string,
    @Body() body: GrantDto,
    @SeaUnlock() unlock: string | undefined,
    @SeaAuth() actor: SeaActor,
  ): Promise<GrantResultDto> {
    return this.keys.grant(actor, unlock, userId, body.complaintId);
  }

  /**
   * Vouches for a colleague's current key with your signing key (derived from your unlocked
   * complaint key): from then on intake seals new complaints to it. Your own key must be endorsed.
   */
  @Post('focal-points/:userId/endorsement')
  @ApiOperation({ summary: 'Endorse a colleague\'s complaint key' })
  @ApiProblems(409, 422, 423)
  @HttpCode(HttpStatus.OK)
  @ApiSeaUnlock()
  @ApiOkResponse({ type: EndorsementResultDto })
  endorse(
    @IdParam('userId') userId: string,
    @SeaUnlock() unlock: string | undefined,
    @SeaAuth() actor: SeaActor,
  ): Promise<EndorsementResultDto> {
    return this.endorsements.endorse(actor, unlock, userId);
  }
}
