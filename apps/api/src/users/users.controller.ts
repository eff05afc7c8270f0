import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, InvitationsService, RequestId, Roles, UsersService } from '@amani/auth';
import { IdParam } from '../common/id-param';
import { ApprovalDto, CreateUserDto, InvitationDto, ListUsersQueryDto, UpdateUserDto, UserDto, UserPageDto } from './users.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';

/** Staff accounts: administrators invite and manage; approvals by the second person the account's role needs. */
@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
  ) {}

  /** Invites: the account has no password until the invitee accepts the returned token. */
  @Post()
  @ApiOperation({ summary: 'Invite a staff member', description: 'Creates a pending account and returns a single-use invitation token; the invitee sets their own password.' })
  @ApiProblems(409, 422)
  @ApiCreatedResponse({ type: InvitationDto })
  create(@Body() body: CreateUserDto, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<InvitationDto> {
    return this.invitations.invite(body, { actor, requestId });
  }

  /** Accounts waiting for approval that the caller may approve or refuse (never their own invitees). */
  @Get('pending')
  @ApiOperation({ summary: 'List accounts awaiting your approval' })
  @Roles('admin', 'supervisor', 'psea_focal_point')
  @ApiOkResponse({ type: [UserDto] })
  pending(@CurrentUser() actor: AuthUser): Promise<UserDto[]> {
    return this.invitations.pending(actor);
  }

  @Get()
  @ApiOperation({ summary: 'List staff accounts' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a staff account' })
  @ApiOkResponse({ type: UserDto })
  get(@IdParam() id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a staff account' })
  @ApiProblems(409, 422)
  @ApiOkResponse({ type: UserDto })
  update(
    @IdParam() id: string,
    @Body() body: UpdateUserDto,
    @CurrentUser() actor: AuthUser,
    @RequestId() requestId?: string,
  ): Promise<UserDto> {
    return this.users.update(id, body, { actor, requestId });
  }

  /** Ends every session of the user; their live access tokens fail on the next request. */
  @Post(':id/disable')
  @ApiOperation({ summary: 'Disable a staff account', description: 'Ends every session of the user; their live access tokens fail on the next request.' })
  @ApiProblems(409)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: UserDto })
  disable(@IdParam() id: string, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<UserDto> {
    return this.users.disable(id, { actor, requestId });
  }

  /**
   * A new invitation: the password, second factor and every session of the user end at
   * once; after acceptance the account needs approval again, never by the caller.
   */
  @Post(':id/reset-credentials')
  @ApiOperation({ summary: 'Reset a staff member\'s credentials with a new invitation' })
  @ApiProblems(409)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: InvitationDto })
  resetCredentials(@IdParam() id: string, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<InvitationDto> {
    return this.invitations.resetCredentials(id, { actor, requestId });
  }

  /**
   * Four eyes: an active supervisor of the account's agency (an admin for its first
   * supervisor or where it has none), an active focal point for focal points, another admin
   * for admins; never the inviter.
   */
  @Post(':id/approval')
  @ApiOperation({ summary: 'Approve or refuse an account awaiting approval' })
  @ApiProblems(409)
  @Roles('admin', 'supervisor', 'psea_focal_point')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: UserDto })
  approval(
    @IdParam() id: string,
    @Body() body: ApprovalDto,
    @CurrentUser() actor: AuthUser,
    @RequestId() requestId?: string,
  ): Promise<UserDto> {
    return this.invitations.decide(id, body.decision, actor, requestId);
  }

  @Post(':id/enable')
  @ApiOperation({ summary: 'Enable a staff account' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: UserDto })
  enable(@IdParam() id: string, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<UserDto> {
    return this.users.enable(id, { actor, requestId });
  }
}
