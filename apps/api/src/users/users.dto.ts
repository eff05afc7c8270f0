import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { ROLES, Role } from '@amani/auth';
import { USER_STATUSES, UserStatus } from '@amani/auth';
import { PageQueryDto } from '../common/page-query.dto';
import { IsPlainText } from '../common/plain-text.validator';
import { PageDto } from '../common/page.dto';

export class CreateUserDto {
  @ApiProperty({ example: 'caseworker@agency.example' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'A. Caseworker' })
  @IsString()
  @Length(1, 200)
  @IsPlainText()
  displayName: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for every role but admin and protection_officer.' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;
}

export class UpdateUserDto {
  @ApiProperty({ description: 'The version you read; a stale one is refused with 409.' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsPlainText()
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'null removes the agency.' })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsUUID()
  agencyId?: string | null;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

export class UserDto {
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
  disabled: boolean;

  @ApiProperty()
  mfaEnabled: boolean;

  @ApiProperty({
    enum: USER_STATUSES,
    description: '`invited` until the invitee sets their password; `awaiting_approval` until a second person approves; `refused` if they did not.',
  })
  status: UserStatus;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;

  @ApiProperty()
  version: number;
}

export class UserPageDto extends PageDto(UserDto) {}

export class InvitationDto {
  @ApiProperty({ type: UserDto })
  user: UserDto;

  @ApiProperty({
    description: 'Single-use invitation token (base64url, 43 characters), shown once: hand it to the invitee, who accepts it at POST /auth/invitations/accept.',
  })
  invitationToken: string;

  @ApiProperty({ type: String, format: 'date-time' })
  invitationExpiresAt: Date;
}

export const APPROVAL_DECISIONS = ['approve', 'refuse'] as const;

export class ApprovalDto {
  @ApiProperty({ enum: APPROVAL_DECISIONS, description: '`refuse` removes the password and second factor the invitee set.' })
  @IsIn(APPROVAL_DECISIONS)
  decision: (typeof APPROVAL_DECISIONS)[number];
}
