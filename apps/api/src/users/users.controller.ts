import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, RequestId, Roles, UsersService } from '@amani/auth';
import { IdParam } from '../common/id-param';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserDto, UserPageDto } from './users.dto';
import { ApiProblems } from '../openapi/api-problems.decorator';

/** Staff accounts: administrators only. */
@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a staff account' })
  @ApiProblems(409, 422)
  @ApiCreatedResponse({ type: UserDto })
  create(@Body() body: CreateUserDto, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<UserDto> {
    return this.users.create(body, { actor, requestId });
  }

  @Get()
  @ApiOperation({ summary: 'List staff accounts' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a staff account' })
  @ApiOkResponse({ type: UserDto })
  get(@IdParam() id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a staff account' })
  @ApiProblems(409, 422)
  @ApiOkResponse({ type: UserDto })
  update(
    @IdParam() id: string,
    @Body() body: UpdateUserDto,
    @CurrentUser() actor: AuthUser,
    @RequestId() requestId?: string,
  ): Promise<UserDto> {
    return this.users.update(id, body, { actor, requestId });
  }

  /** Ends every session of the user; their live access tokens fail on the next request. */
  @Post(':id/disable')
  @ApiOperation({ summary: 'Disable a staff account', description: 'Ends every session of the user; their live access tokens fail on the next request.' })
  @ApiProblems(409)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: UserDto })
  disable(@IdParam() id: string, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<UserDto> {
    return this.users.disable(id, { actor, requestId });
  }

  @Post(':id/enable')
  @ApiOperation({ summary: 'Enable a staff account' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: UserDto })
  enable(@IdParam() id: string, @CurrentUser() actor: AuthUser, @RequestId() requestId?: string): Promise<UserDto> {
    return this.users.enable(id, { actor, requestId });
  }
}
