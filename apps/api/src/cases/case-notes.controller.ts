import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { CaseNotesService } from '@amani/domain/cases';
import { IdParam } from '../common/id-param';
import { PageQueryDto } from '../common/page-query.dto';
import { CreateNoteDto, NoteDto, NotePageDto } from './case-notes.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';
import type { CaseActor } from '@amani/domain/cases';
import { CaseAuth } from '../common/actor.decorators';

@ApiTags('cases')
@ApiBearerAuth()
@Roles('caseworker', 'supervisor')
@Controller('cases/:id/notes')
export class CaseNotesController {
  constructor(private readonly notes: CaseNotesService) {}

  @Post()
  @ApiOperation({ summary: 'Add a case note' })
  @ApiProblems(409, 410)
  @ApiCreatedResponse({ type: NoteDto })
  create(@IdParam() id: string, @Body() body: CreateNoteDto, @CaseAuth() actor: CaseActor): Promise<NoteDto> {
    return this.notes.create(actor, id, body.body);
  }

  @Get()
  @ApiOperation({ summary: 'List a case\'s notes' })
  @ApiProblems(410)
  @ApiOkResponse({ type: NotePageDto, description: 'Newest first.' })
  list(@IdParam() id: string, @Query() query: PageQueryDto, @CaseAuth() actor: CaseActor): Promise<NotePageDto> {
    return this.notes.list(actor, id, query.page, query.pageSize);
  }
}
