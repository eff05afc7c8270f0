import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_ADMIN_LEVEL } from '@amani/domain/locations';

export class LocationQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_ADMIN_LEVEL, description: 'Only units of this administrative level (0 = country).' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(0)
  @Max(MAX_ADMIN_LEVEL)
  level?: number;
}

export class LocationDto {
  @ApiProperty({ description: 'P-code: the value region code fields take.', example: 'SO1101' })
  pCode: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_ADMIN_LEVEL })
  adminLevel: number;

  @ApiProperty({ type: String, nullable: true, description: 'P-code of the unit it lies in; null at the top of the gazetteer.' })
  parentPCode: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Names by language code (en, fr, ar, es, …); a language the gazetteer has no name in is absent.',
    example: { en: 'Borama', ar: 'بورامو' },
  })
  names: Record<string, string>;
}

export class LocationListDto {
  @ApiProperty({ type: [LocationDto], description: 'Every unit (of the level asked), parents first, then by P-code.' })
  items: LocationDto[];
}
