import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, MaxLength } from 'class-validator';
import { ROLES, type Role } from '@amani/auth';

export class AgencyKeyMemberDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ description: "Holds a grant of the agency's current key." }) holdsKey: boolean;
  @ApiProperty({ description: 'Has a personal key (made when the holder chose their password).' }) hasPersonalKey: boolean;
}

export class AgencyKeyStatusDto {
  @ApiProperty({ type: Number, nullable: true, description: "The agency key's current version; null until a supervisor sets it up." })
  version: number | null;

  @ApiProperty({ description: 'You hold a grant of the current version.' })
  holdsKey: boolean;

  @ApiProperty({ description: 'The X-Amani-Unlock value sent opens your grant in this session.' })
  unlocked: boolean;

  @ApiProperty({ type: [AgencyKeyMemberDto], nullable: true, description: 'Supervisors: who in the agency holds the key. Null for other roles.' })
  members: AgencyKeyMemberDto[] | null;
}

export class AgencyKeySetUpDto {
  @ApiProperty() version: number;

  @ApiProperty({ description: 'Shown once: write it down and keep it offline, away from the server. It alone re-grants the agency key if every member lost their password. Never stored.' })
  recoveryKey: string;
}

export class GrantAgencyKeyDto {
  @ApiProperty({ format: 'uuid', description: 'An active caseworker, supervisor or provider of your agency.' })
  @IsUUID()
  userId: string;
}

export class RecoverAgencyKeyDto {
  @ApiProperty({ example: 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567' })
  @IsString()
  @MaxLength(64)
  recoveryKey: string;
}

export class AgencyKeyVersionDto {
  @ApiProperty() version: number;
}

export class AgencyKeyRotatedDto extends AgencyKeySetUpDto {
  @ApiProperty({ description: 'How many members received the new version.' }) members: number;
}
