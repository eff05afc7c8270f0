import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { ROLES, Role, USER_STATUSES, UserStatus } from '@amani/auth';
import { IsPlainText } from '../common/plain-text.validator';

export class LoginDto {
  @ApiProperty({ example: 'caseworker@agency.example' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  @IsPlainText()
  email: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from the last login, verification or refresh.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refreshToken: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The invitation token from POST /users or POST /users/:id/reset-credentials.' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'token must be an invitation token' })
  token: string;

  @ApiProperty({
    format: 'password',
    description: 'Your own password: 12 to 128 characters, common passwords refused; for PSEA focal points a passphrase (five different words, or as hard to guess).',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;
}

export class AcceptedInvitationDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({
    enum: ['awaiting_approval', 'active'],
    description: 'Log in next and enrol your second factor; `awaiting_approval` accounts see only their profile until a second person approves them.',
  })
  status: 'awaiting_approval' | 'active';
}

export class MfaVerifyDto {
  @ApiProperty({ example: '123456', description: 'Six-digit TOTP code.' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be six digits' })
  code: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'Short-lived JWT (HS256) for the Authorization: Bearer header.' })
  accessToken: string;

  @ApiProperty({ description: 'Single-use refresh token; a reused one revokes the session.' })
  refreshToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Access token lifetime in seconds.' })
  expiresIn: number;

  @ApiProperty({ enum: ['mfa_pending', 'full'] })
  stage: 'mfa_pending' | 'full';
}

export class LoginResponseDto extends TokenPairDto {
  @ApiPropertyOptional({
    enum: ['enrol', 'verify'],
    description: 'Present when the second factor is still needed: enrol one, or verify a code.',
  })
  mfa?: 'enrol' | 'verify';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Per-session secrets for the client only, returned once: `keys` is the X-Amani-Unlock value of a caseworker, supervisor or provider (opens their agency key for this session); `sea` the X-Sea-Unlock value of a PSEA focal point.',
  })
  sessionSecrets?: Record<string, string>;
}

export class MfaEnrolmentDto {
  @ApiProperty({ description: 'Base32 TOTP secret; shown once.' })
  secret: string;

  @ApiProperty({ description: 'otpauth:// URI for an authenticator app (QR code).' })
  otpauthUrl: string;
}

export class ProfileDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  agencyId: string | null;

  @ApiProperty()
  mfaEnabled: boolean;

  @ApiProperty({ enum: USER_STATUSES, description: '`awaiting_approval`: only this profile is reachable until a second person approves the account.' })
  status: UserStatus;
}
