import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { ROLES } from '@amani/auth';
import { LocationsService } from '@amani/domain/locations';
import { LocationListDto, LocationQueryDto } from './locations.dto';

/** The gazetteer (public reference data, no survivor data): every signed-in staff role. */
@ApiTags('locations')
@ApiBearerAuth()
@Roles(...ROLES)
@Controller('locations')
export class LocationsController {
  constructor(private readonly locations: LocationsService) {}

  @Get()
  @ApiOperation({ summary: 'List the location codes (P-codes) region fields accept, with their names and parents' })
  @ApiOkResponse({ type: LocationListDto })
  async list(@Query() query: LocationQueryDto): Promise<LocationListDto> {
    return { items: await this.locations.list(query.level === undefined ? undefined : [query.level]) };
  }
}
