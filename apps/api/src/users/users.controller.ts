import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, InvitationsService, RequestId, Roles, UsersService } from '@amani/auth';
import { IdParam } from '../common/id-param';
import { ApprovalDto, CreateUserDto, InvitationDto, ListUsersQueryDto, UpdateUserDto, UserDto, UserPageDto } from './users.dto';

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
  @ApiCreatedResponse({ type: InvitationDto })
  create(@Body() body: CreateUserDto, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<InvitationDto> {
    return this.invitations.invite(body, { actor, requestId });
  }

  /** Accounts waiting for approval that the caller may approve or refuse (never their own invitees). */
  @Get('pending')
  @Roles('admin', 'supervisor', 'psea_focal_point')
  @ApiOkResponse({ type: [UserDto] })
  pending(@CurrentUser() actor: AuthUser): Promise<UserDto[]> {
    return this.invitations.pending(actor);
  }

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserDto })
  get(@IdParam() id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
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
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: UserDto })
  enable(@IdParam() id: string, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<UserDto> {
    return this.users.enable(id, { actor, requestId });
  }
}
