import { Body, Controller, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@amani/auth';
import { SeaComplainantControlService } from '@amani/domain/sea';
import { StrictThrottle } from '@amani/http';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { ComplainantViewDto, ReceiptDto, ReceiptIssuedDto, WithdrawnDto } from './sea-public.dto';

/**
 * The complainant's control over their complaint, with the receipt alone (the JSON
 * equivalents of the forms on /report/follow-up). Same rules as the other complainant routes:
 * anonymous, throttled per source and by the failed-receipt budgets, never logged.
 */
@ApiTags('sea (complainants)')
@Public()
@StrictThrottle('public')
@Controller('sea/complaints')
export class SeaPublicControlController {
  constructor(private readonly control: SeaComplainantControlService) {}

  @Post('withdraw')
  @ApiOperation({ summary: 'Withdraw a complaint with its receipt (destroys its content)' })
  @ApiProblems(404, 410)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: WithdrawnDto,
    description: 'Narrative, contact, messages, notes and every key to them are destroyed; only an assessed complaint keeps its coded row, for statistics.',
  })
  withdraw(@Body() body: ReceiptDto, @Ip() source: string): Promise<WithdrawnDto> {
    return this.control.withdraw(body.receipt, source);
  }

  @Post('erase-contact')
  @ApiOperation({ summary: 'Erase the contact details given with a complaint' })
  @ApiProblems(404, 410)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ComplainantViewDto })
  eraseContact(@Body() body: ReceiptDto, @Ip() source: string): Promise<ComplainantViewDto> {
    return this.control.eraseContact(body.receipt, source);
  }

  @Post('decline-messages')
  @ApiOperation({ summary: 'Ask for no further messages about a complaint' })
  @ApiProblems(404, 410)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ComplainantViewDto, description: 'Focal points can no longer write; you still can.' })
  declineMessages(@Body() body: ReceiptDto, @Ip() source: string): Promise<ComplainantViewDto> {
    return this.control.declineMessages(body.receipt, source);
  }

  @Post('change-receipt')
  @ApiOperation({ summary: 'Replace a complaint’s receipt with a new one' })
  @ApiProblems(404, 410)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ReceiptIssuedDto, description: 'The new receipt, shown once; the old one stops working.' })
  changeReceipt(@Body() body: ReceiptDto, @Ip() source: string): Promise<ReceiptIssuedDto> {
    return this.control.changeReceipt(body.receipt, source);
  }
}
