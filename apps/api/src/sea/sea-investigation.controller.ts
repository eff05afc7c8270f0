import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { SeaInvestigationService } from '@amani/domain/sea';
import type { SeaActor } from '@amani/domain/sea';
import { SeaAuth } from '../common/actor.decorators';
import { IdParam } from '../common/id-param';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { ApiSeaUnlock, SeaUnlock } from './sea-unlock.decorator';
import {
  CreateSeaEntityDto,
  CreateVictimDto,
  EntityListQueryDto,
  EntityReferralDto,
  EntityReferralViewDto,
  SeaEntityDto,
  SeaEntityListDto,
  UpdateSeaEntityDto,
  UpdateVictimDto,
  VictimDto,
} from './sea-investigation.dto';

/**
 * After triage: the directory of entities a complaint may concern, the complaint's referral to
 * the entity concerned, and its victims. PSEA focal points only; other roles get 403.
 */
@ApiTags('sea (focal points)')
@ApiBearerAuth()
@Roles('psea_focal_point')
@Controller('sea')
export class SeaInvestigationController {
  constructor(private readonly investigation: SeaInvestigationService) {}

  @Get('entities')
  @ApiOperation({ summary: 'List the directory of entities and their PSEA contacts' })
  @ApiOkResponse({ type: SeaEntityListDto })
  async entities(@Query() q: EntityListQueryDto, @SeaAuth() actor: SeaActor): Promise<SeaEntityListDto> {
    return { items: await this.investigation.listEntities(actor, q.includeInactive ?? false) };
  }

  @Post('entities')
  @ApiOperation({ summary: 'Add an entity to the directory' })
  @ApiProblems(409)
  @ApiCreatedResponse({ type: SeaEntityDto })
  createEntity(@Body() body: CreateSeaEntityDto, @SeaAuth() actor: SeaActor): Promise<SeaEntityDto> {
    return this.investigation.createEntity(actor, { name: body.name, entityType: body.entityType, pseaContact: body.pseaContact });
  }

  @Patch('entities/:id')
  @ApiOperation({ summary: 'Edit or retire a directory entry' })
  @ApiProblems(404, 409)
  @ApiOkResponse({ type: SeaEntityDto })
  updateEntity(@IdParam() id: string, @Body() body: UpdateSeaEntityDto, @SeaAuth() actor: SeaActor): Promise<SeaEntityDto> {
    const { name, entityType, pseaContact, active } = body;
    return this.investigation.updateEntity(actor, id, {
      ...(name !== undefined ? { name } : {}),
      ...(entityType !== undefined ? { entityType } : {}),
      ...(pseaContact !== undefined ? { pseaContact } : {}),
      ...(active !== undefined ? { active } : {}),
    });
  }

  @Put('complaints/:id/entity-referral')
  @ApiOperation({ summary: 'Record the referral of a complaint to the entity concerned' })
  @ApiProblems(404, 409, 410, 422, 423)
  @ApiSeaUnlock()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: EntityReferralViewDto, description: 'Writing the note needs X-Sea-Unlock (423 without); coded facts need only your grant (403 without).' })
  entityReferral(
    @IdParam() id: string,
    @Body() body: EntityReferralDto,
    @SeaUnlock() unlock: string | undefined,
    @SeaAuth() actor: SeaActor,
  ): Promise<EntityReferralViewDto> {
    return this.investigation.recordEntityReferral(actor, id, unlock, {
      entityId: body.entityId,
      referredOn: body.referredOn,
      acknowledgedOn: body.acknowledgedOn ?? null,
      interimMeasures: body.interimMeasures ?? [],
      ...(body.interimNote !== undefined ? { interimNote: body.interimNote } : {}),
    });
  }

  @Post('complaints/:id/victims')
  @ApiOperation({ summary: 'Add a victim to a complaint' })
  @ApiProblems(404, 409, 410, 423)
  @ApiSeaUnlock()
  @ApiCreatedResponse({ type: VictimDto })
  addVictim(@IdParam() id: string, @Body() body: CreateVictimDto, @SeaUnlock() unlock: string | undefined, @SeaAuth() actor: SeaActor): Promise<VictimDto> {
    return this.investigation.addVictim(actor, id, unlock, {
      sex: body.sex,
      ageBand: body.ageBand,
      assistanceStatus: body.assistanceStatus ?? 'not_assessed',
      ...(body.description !== undefined ? { description: body.description } : {}),
    });
  }

  @Patch('complaints/:id/victims/:victimId')
  @ApiOperation({ summary: 'Correct a victim or update their assistance status' })
  @ApiProblems(404, 409, 410, 423)
  @ApiSeaUnlock()
  @ApiOkResponse({ type: VictimDto })
  updateVictim(
    @IdParam() id: string,
    @IdParam('victimId') victimId: string,
    @Body() body: UpdateVictimDto,
    @SeaUnlock() unlock: string | undefined,
    @SeaAuth() actor: SeaActor,
  ): Promise<VictimDto> {
    const { sex, ageBand, assistanceStatus, description } = body;
    return this.investigation.updateVictim(actor, id, victimId, unlock, {
      ...(sex !== undefined ? { sex } : {}),
      ...(ageBand !== undefined ? { ageBand } : {}),
      ...(assistanceStatus !== undefined ? { assistanceStatus } : {}),
      ...(description !== undefined ? { description } : {}),
    });
  }
}
