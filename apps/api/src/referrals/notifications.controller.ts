import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@amani/auth';
import { ROLES } from '@amani/auth';
import { NotificationsService } from '@amani/domain/referrals';
import { IdParam } from '../common/id-param';
import { MarkedReadDto, NotificationDto, NotificationPageDto, NotificationQueryDto } from './referrals.dto';

/** The caller's own notifications: kinds, record ids and counts, never content. */
@ApiTags('notifications')
@ApiBearerAuth()
@Roles(...ROLES)
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'List your notifications' })
  @ApiOkResponse({ type: NotificationPageDto })
  list(@Query() query: NotificationQueryDto, @CurrentUser() user: AuthUser): Promise<NotificationPageDto> {
    return this.notifications.listOwn(user.id, query.page, query.pageSize, query.unread === true);
  }

  @Post('read-all')
  @ApiOperation({ summary: 'Mark all your notifications read' })
  @HttpCode(200)
  @ApiOkResponse({ type: MarkedReadDto })
  async markAllRead(@CurrentUser() user: AuthUser): Promise<MarkedReadDto> {
    return { updated: await this.notifications.markAllRead(user.id) };
  }

  @Post(':id/read')
  @ApiOperation({ summary: 'Mark a notification read' })
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationDto, description: "Someone else's notification answers 404, like a missing one." })
  markRead(@IdParam() id: string, @CurrentUser() user: AuthUser): Promise<NotificationDto> {
    return this.notifications.markRead(user.id, id);
  }
}
