import { ApiProperty } from '@nestjs/swagger';
import { IsText, TEXT_LONG } from './case-validators';
import { PageDto } from '../common/page.dto';

export class CreateNoteDto {
  @ApiProperty({ maxLength: TEXT_LONG, description: 'Encrypted at rest.' })
  @IsText(TEXT_LONG)
  body: string;
}

export class NoteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty() body: string;
  @ApiProperty() createdAt: Date;
}

export class NotePageDto extends PageDto(NoteDto) {}
