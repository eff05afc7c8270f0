import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AgencyKeysService, AuthUser, CurrentUser, RequestId, Roles } from '@amani/auth';
import { AgencyKeyRotationService } from '@amani/domain/agency-keys';
import { StrictThrottle } from '@amani/http';
import { IdParam } from '../common/id-param';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { AgencyKeyRotatedDto, AgencyKeySetUpDto, AgencyKeyStatusDto, AgencyKeyVersionDto, GrantAgencyKeyDto, RecoverAgencyKeyDto } from './agency-keys.dto';

/**
 * The agency key group: survivor data is sealed to the agency's key, whose private half
 * exists only sealed to each member. Supervisors set it up, grant it and take it away.
 */
@ApiTags('agency keys')
@ApiBearerAuth()
@Controller('agency-keys')
export class AgencyKeysController {
  constructor(
    private readonly keys: AgencyKeysService,
    private readonly rotation: AgencyKeyRotationService,
  ) {}

  @Get()
  @Roles('caseworker', 'supervisor', 'provider')
  @ApiOperation({ summary: "Read the state of your agency's key and your membership" })
  @ApiOkResponse({ type: AgencyKeyStatusDto })
  status(@CurrentUser() actor: AuthUser): Promise<AgencyKeyStatusDto> {
    return this.keys.status(actor);
  }

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: "Set up your agency's key (once)", description: 'Creates the key pair, seals it to you, and returns the agency recovery key once.' })
  @StrictThrottle('auth')
  @ApiCreatedResponse({ type: AgencyKeySetUpDto })
  setUp(@CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<AgencyKeySetUpDto> {
    return this.keys.setUp(actor, requestId);
  }

  @Post('grants')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Grant the agency key to a member', description: 'Seals the agency key you hold (opened through your X-Amani-Unlock) to the member’s personal key. The four-eyes approval does this itself; this is for accounts approved while nobody held the key, or after a credential reset.' })
  @ApiProblems(404)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The member holds the key. 404: no such member in your agency (another agency\'s looks the same).' })
  async grant(@Body() body: GrantAgencyKeyDto, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<void> {
    await this.keys.grantByApi(actor, body.userId, requestId);
  }

  @Delete('grants/:userId')
  @Roles('supervisor')
  @ApiOperation({ summary: "Remove a member's grant", description: 'From the next request on, the member opens nothing of the agency, even in a session that is live now.' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The grant is gone.' })
  async revoke(@IdParam('userId') userId: string, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<void> {
    await this.keys.revoke(actor, userId, requestId);
  }

  @Post('rotation')
  @Roles('supervisor')
  @ApiOperation({
    summary: "Rotate your agency's key",
    description:
      'After a member left under suspicion (remove their grant first): a new key version sealed to every member who holds the current one, and a new recovery key shown once (the old one stops working). A background job then re-seals every data key of the agency under the new version, with public keys only; until it ends, members read through the chain of previous keys.',
  })
  @StrictThrottle('auth')
  @ApiCreatedResponse({ type: AgencyKeyRotatedDto })
  rotate(@CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<AgencyKeyRotatedDto> {
    return this.rotation.rotate(actor, requestId);
  }

  @Post('recovery')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Re-grant the agency key to yourself with the recovery key' })
  @ApiProblems(422)
  @StrictThrottle('auth')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AgencyKeyVersionDto })
  recover(@Body() body: RecoverAgencyKeyDto, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<AgencyKeyVersionDto> {
    return this.keys.recover(actor, body.recoveryKey, requestId);
  }
}
