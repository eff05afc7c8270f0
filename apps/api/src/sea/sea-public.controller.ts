import { Body, Controller, Get, HttpCode, HttpStatus, Ip, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@amani/auth';
import { questionnaire, Questionnaire, SeaIntakeService } from '@amani/domain/sea';
import { StrictThrottle } from '@amani/http';
import {
  ComplainantMessageDto,
  ComplainantViewDto,
  QuestionnaireDto,
  QuestionnaireQueryDto,
  ReceiptDto,
  ReceiptIssuedDto,
  SubmitComplaintDto,
  toSubmitCommand,
} from './sea-public.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';

/**
 * Anonymous complainants: no account, no cookie. Nothing about the caller is read: the
 * throttler keys on a keyed hash of the address, and these routes are left out of the
 * request log (see libs/http logging).
 */
@ApiTags('sea (complainants)')
@Public()
@StrictThrottle('public')
@Controller('sea')
export class SeaPublicController {
  constructor(private readonly intake: SeaIntakeService) {}

  @Get('questionnaire')
  @ApiOperation({ summary: 'Read the complaint questionnaire' })
  @ApiOkResponse({ type: QuestionnaireDto, description: 'Labels and options in en, fr, ar (dir rtl) or es.' })
  async questionnaire(@Query() query: QuestionnaireQueryDto): Promise<Questionnaire> {
    return questionnaire(query.lang ?? 'en', await this.intake.regionCodes());
  }

  @Post('complaints')
  @ApiOperation({ summary: 'Submit a complaint (anonymous)' })
  @ApiCreatedResponse({ type: ReceiptIssuedDto })
  submit(@Body() body: SubmitComplaintDto): Promise<ReceiptIssuedDto> {
    return this.intake.submit(toSubmitCommand(body));
  }

  @Post('complaints/access')
  @ApiOperation({ summary: 'Follow up a complaint with its receipt' })
  @ApiProblems(404, 410)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ComplainantViewDto, description: 'A wrong receipt answers 404 after the same work as a right one; a withdrawn one 410 complaint_withdrawn.' })
  access(@Body() body: ReceiptDto, @Ip() source: string): Promise<ComplainantViewDto> {
    return this.intake.access(body.receipt, source);
  }

  @Post('complaints/messages')
  @ApiOperation({ summary: 'Send a message about a complaint with its receipt' })
  @ApiProblems(404, 410)
  @ApiCreatedResponse({ type: ComplainantViewDto })
  message(@Body() body: ComplainantMessageDto, @Ip() source: string): Promise<ComplainantViewDto> {
    return this.intake.sendMessage(body.receipt, body.body, source);
  }
}
