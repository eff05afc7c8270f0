import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { ROLES, Role } from '@amani/domain';
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
    description: 'Per-session secrets for the client only, returned once (e.g. `sea`: the X-Sea-Unlock value of a PSEA focal point).',
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
}
