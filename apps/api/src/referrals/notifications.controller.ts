import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@amani/auth';
import { ROLES } from '@amani/domain';
import { NotificationsService } from '@amani/domain/referrals';
import { PageQueryDto } from '../common/page-query.dto';
import { NotificationPageDto } from './referrals.dto';

/** The caller's own notifications: kinds and record ids, never content. */
@ApiTags('notifications')
@ApiBearerAuth()
@Roles(...ROLES)
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOkResponse({ type: NotificationPageDto })
  list(@Query() query: PageQueryDto, @CurrentUser() user: AuthUser): Promise<NotificationPageDto> {
    return this.notifications.listOwn(user.id, query.page, query.pageSize);
  }
}
