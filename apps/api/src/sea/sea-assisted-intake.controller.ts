import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@amani/auth';
import { SeaAssistedIntakeService } from '@amani/domain/sea';
import type { SeaActor } from '@amani/domain/sea';
import { SeaAuth } from '../common/actor.decorators';
import { AssistedComplaintDto, ReceiptIssuedDto, toSubmitCommand } from './sea-public.dto';

/**
 * Assisted intake: a focal point enters a complaint received by hotline, on paper, through a
 * community focal point or in person. Sealed like a self-submitted complaint; the receipt is
 * answered once, for the complainant's slip.
 */
@ApiTags('sea (focal points)')
@ApiBearerAuth()
@Roles('psea_focal_point')
@Controller('sea/complaints')
export class SeaAssistedIntakeController {
  constructor(private readonly assisted: SeaAssistedIntakeService) {}

  @Post('assisted')
  @ApiOperation({ summary: 'Enter a complaint received by hotline, paper form, community focal point or in person' })
  @ApiCreatedResponse({ type: ReceiptIssuedDto, description: 'The complainant’s receipt, shown once: give it to them (the console prints a slip).' })
  submit(@Body() body: AssistedComplaintDto, @SeaAuth() actor: SeaActor): Promise<ReceiptIssuedDto> {
    return this.assisted.submit(actor, { ...toSubmitCommand(body), channel: body.channel });
  }
}
