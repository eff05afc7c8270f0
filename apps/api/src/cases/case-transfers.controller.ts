import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { CaseTransfersService } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { DecideTransferDto, ProposeTransferDto, TransferDto } from './case-transfers.dto';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

/** The sending side: propose a transfer of a case the caller holds, and see its transfers. */
@ApiTags('cases')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases/:id/transfers')
export class CaseTransfersController {
  constructor(private readonly transfers: CaseTransfersService) {}

  @Post()
  @ApiOperation({ summary: 'Propose moving a case to another agency under a transfer consent' })
  @ApiProblems(409, 422)
  @ApiCreatedResponse({ type: TransferDto })
  propose(@IdParam() id: string, @Body() body: ProposeTransferDto, @CaseAuth() actor: CaseActor): Promise<TransferDto> {
    return this.transfers.propose(actor, id, body);
  }

  @Get()
  @ApiOperation({ summary: "List a case's transfers" })
  @ApiOkResponse({ type: [TransferDto] })
  list(@IdParam() id: string, @CaseAuth() actor: CaseActor): Promise<TransferDto[]> {
    return this.transfers.listForCase(actor, id);
  }
}

/** The receiving side: a supervisor's incoming transfers and decisions. */
@ApiTags('cases')
@ApiBearerAuth()
@Roles('supervisor')
@Controller('transfers')
export class TransfersController {
  constructor(private readonly transfers: CaseTransfersService) {}

  @Get()
  @ApiOperation({ summary: 'List transfers waiting for your agency' })
  @ApiOkResponse({ type: [TransferDto], description: 'Pending transfers into your agency, oldest first.' })
  incoming(@CaseAuth() actor: CaseActor): Promise<TransferDto[]> {
    return this.transfers.incoming(actor);
  }

  @Post(':id/decision')
  @ApiOperation({ summary: 'Accept or decline a transfer into your agency' })
  @ApiProblems(409, 422)
  @HttpCode(200)
  @ApiOkResponse({ type: TransferDto, description: 'On acceptance the case is re-keyed for your agency and the sending agency loses access.' })
  decide(@IdParam() id: string, @Body() body: DecideTransferDto, @CaseAuth() actor: CaseActor): Promise<TransferDto> {
    return this.transfers.decide(actor, id, body);
  }
}
