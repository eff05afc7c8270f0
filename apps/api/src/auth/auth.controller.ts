import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AllowAwaitingApproval,
  AllowMfaPending,
  AuthUser,
  CurrentUser,
  InvitationsService,
  LoginService,
  MfaService,
  Public,
  RequestId,
  SessionService,
  UsersService,
} from '@amani/auth';
import { AuditService } from '@amani/audit';
import { StrictThrottle } from '@amani/http';
import { AcceptedInvitationDto, AcceptInvitationDto, LoginDto, LoginResponseDto, MfaEnrolmentDto, MfaVerifyDto, ProfileDto, RefreshDto, TokenPairDto } from './auth.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly login: LoginService,
    private readonly mfa: MfaService,
    private readonly sessions: SessionService,
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
    private readonly audit: AuditService,
  ) {}

  /** The invitee sets their own password with the single-use token; then logs in and enrols TOTP. */
  @Post('auth/invitations/accept')
  @ApiOperation({ summary: 'Accept an invitation and set your own password' })
  @ApiProblems(401, 422)
  @Public()
  @StrictThrottle('auth')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AcceptedInvitationDto })
  async acceptInvitation(@Body() body: AcceptInvitationDto, @RequestId() requestId?: string): Promise<AcceptedInvitationDto> {
    return this.invitations.accept(body.token, body.password, requestId);
  }

  /** Password login. Roles that need MFA get a session limited to enrolment/verification. */
  @Post('auth/login')
  @ApiOperation({ summary: 'Log in with email and password', description: 'Password login. Roles that need MFA get a session limited to enrolment/verification.' })
  @ApiProblems(401)
  @Public()
  @StrictThrottle('auth')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: LoginResponseDto })
  signIn(@Body() body: LoginDto, @RequestId() requestId?: string): Promise<LoginResponseDto> {
    return this.login.login(body.email, body.password, requestId);
  }

  /** Rotates the refresh token. Presenting a used token revokes the whole session. */
  @Post('auth/refresh')
  @ApiOperation({ summary: 'Exchange a refresh token for a new token pair', description: 'Rotates the refresh token. Presenting a used token revokes the whole session.' })
  @ApiProblems(401)
  @Public()
  @StrictThrottle('auth')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() body: RefreshDto, @RequestId() requestId?: string): Promise<TokenPairDto> {
    return this.sessions.refresh(body.refreshToken, requestId);
  }

  @Post('auth/logout')
  @ApiOperation({ summary: 'Log out (end this session)' })
  @AllowMfaPending()
  @AllowAwaitingApproval()
  @ApiBearerAuth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  async logout(@CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<void> {
    await this.sessions.revoke(user.sessionId, 'logout');
    await this.audit.record({
      action: 'auth.logout',
      outcome: 'success',
      actorId: user.id,
      actorRole: user.role,
      agencyId: user.agencyId,
      targetType: 'session',
      targetId: user.sessionId,
      requestId: requestId ?? null,
    });
  }

  /** Starts TOTP enrolment; the secret is shown once. Refused once MFA is active. */
  @Post('auth/mfa/enrol')
  @ApiOperation({ summary: 'Start TOTP enrolment', description: 'Starts TOTP enrolment; the secret is shown once. Refused once MFA is active.' })
  @ApiProblems(409)
  @AllowMfaPending()
  @AllowAwaitingApproval()
  @StrictThrottle('auth')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: MfaEnrolmentDto })
  enrol(@CurrentUser() user: AuthUser, @RequestId() requestId?: string): Promise<MfaEnrolmentDto> {
    return this.mfa.enrol(user, requestId);
  }

  /** Checks a TOTP code (the first activates MFA) and returns a full-stage token pair. */
  @Post('auth/mfa/verify')
  @ApiOperation({ summary: 'Verify a TOTP code', description: 'Checks a TOTP code (the first activates MFA) and returns a full-stage token pair.' })
  @ApiProblems(409, 422)
  @AllowMfaPending()
  @AllowAwaitingApproval()
  @StrictThrottle('auth')
  @ApiBearerAuth()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokenPairDto })
  verify(@CurrentUser() user: AuthUser, @Body() body: MfaVerifyDto, @RequestId() requestId?: string): Promise<TokenPairDto> {
    return this.mfa.verify(user, body.code, requestId);
  }

  @Get('me')
  @ApiOperation({ summary: 'Read your own profile' })
  @AllowMfaPending()
  @AllowAwaitingApproval()
  @ApiBearerAuth()
  @ApiOkResponse({ type: ProfileDto })
  me(@CurrentUser() user: AuthUser): Promise<ProfileDto> {
    return this.users.profile(user.id);
  }
}
