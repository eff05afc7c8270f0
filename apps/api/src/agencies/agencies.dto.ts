import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { AGENCY_TYPES, AgencyType, SERVICE_TYPES, ServiceType } from '@amani/auth';
import { IsPlainText } from '../common/plain-text.validator';
import { PageDto } from '../common/page.dto';

export class CreateAgencyDto {
  @ApiProperty({ example: 'Women’s Centre North' })
  @IsString()
  @Length(1, 200)
  @IsPlainText()
  name: string;

  @ApiProperty({ enum: AGENCY_TYPES })
  @IsIn(AGENCY_TYPES)
  type: AgencyType;

  @ApiPropertyOptional({ enum: SERVICE_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SERVICE_TYPES.length)
  @IsIn(SERVICE_TYPES, { each: true })
  serviceTypes?: ServiceType[];

  @ApiPropertyOptional({ type: [String], example: ['NORTH-01'], description: 'Region codes (letters, digits, _ and -).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { each: true, message: 'regionCodes must be codes of 1-32 letters, digits, _ or -' })
  regionCodes?: string[];
}

export class AgencyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: AGENCY_TYPES })
  type: AgencyType;

  @ApiProperty({ enum: SERVICE_TYPES, isArray: true })
  serviceTypes: ServiceType[];

  @ApiProperty({ type: [String] })
  regionCodes: string[];

  @ApiProperty({ nullable: true, type: String, description: 'X25519 public key, base64.' })
  publicKey: string | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

export class AgencyPageDto extends PageDto(AgencyDto) {}
