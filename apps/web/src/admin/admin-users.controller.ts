import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AgenciesService, AgencyView, agencyRuleViolation, InvitationsService, Invitation, ROLES, UsersService, UserView } from '@amani/auth';
import type { Role } from '@amani/auth';
import { AppConfig, InjectConfig } from '@amani/config';
import { DomainException } from '@amani/http';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { actorOf, pageNumber, PAGE_SIZE, requestIdOf, UUID } from '../common/page-helpers';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { invitationPage, invitePage, userPage, usersPage } from '../views/admin';
import { codeOf, FormErrors, formValues, one } from '../views/forms';
import { pageContext } from '../views/page';

const ALL_AGENCIES = 500;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Staff accounts: list, invite, disable, enable, and new invitations (which also reset the
 * password and the authenticator app). The invitation code is shown once, in the answer to
 * the post that made it: never in a URL, never kept anywhere in clear.
 */
@Controller('admin/users')
@PageRoles('admin')
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
    private readonly agencies: AgenciesService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private async allAgencies(): Promise<AgencyView[]> {
    return (await this.agencies.list(1, ALL_AGENCIES)).items;
  }

  @Get()
  async list(@Session() session: WebSession, @Query('page') page: unknown, @Query('role') role: unknown, @Query('agency') agency: unknown, @Res() res: Response): Promise<void> {
    const r = typeof role === 'string' ? codeOf(ROLES, role) : undefined;
    const a = typeof agency === 'string' && UUID.test(agency) ? agency : undefined;
    const result = await this.users.list({ page: pageNumber(page), pageSize: PAGE_SIZE, role: r, agencyId: a });
    sendPage(res, 200, usersPage(pageContext(session.lang, session), result, await this.allAgencies(), { role: r ?? '', agency: a ?? '' }));
  }

  @Get('new')
  async inviteForm(@Session() session: WebSession, @Res() res: Response): Promise<void> {
    sendPage(res, 200, invitePage(pageContext(session.lang, session), await this.allAgencies(), {}, {}));
  }

  @Post()
  async invite(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const { t } = ctx;
    const values = formValues(body);
    const errors: FormErrors = {};
    const email = one(values, 'email').trim();
    if (!email || email.length > 320 || !EMAIL.test(email) || CONTROL.test(email)) errors.email = t('admin.users.emailInvalid');
    const displayName = one(values, 'displayName').trim();
    if (!displayName || CONTROL.test(displayName)) errors.displayName = t('common.fieldRequired');
    else if (displayName.length > 200) errors.displayName = t('common.fieldTooLong', { max: 200 });
    const role = codeOf(ROLES, one(values, 'role'));
    if (!role) errors.role = t('common.fieldInvalid');
    const agencyId = one(values, 'agencyId');
    if (agencyId && !UUID.test(agencyId)) errors.agencyId = t('common.fieldInvalid');
    else if (role && agencyRuleViolation(role, agencyId || null)) errors.agencyId = t('admin.users.agencyRule');
    const again = async (errs: FormErrors) => sendPage(res, 400, invitePage(ctx, await this.allAgencies(), values, errs));
    if (Object.keys(errors).length) return again(errors);
    let invitation: Invitation;
    try {
      invitation = await this.invitations.invite({ email, displayName, role: role as Role, agencyId: agencyId || null }, { actor: actorOf(session), requestId: requestIdOf(req) });
    } catch (e) {
      if (e instanceof DomainException && e.code === 'email_taken') return again({ email: t('admin.users.emailTaken') });
      if (e instanceof DomainException && (e.status === 400 || e.status === 422 || e.status === 404)) {
        const out: FormErrors = {};
        for (const f of e.errors ?? [{ field: 'agencyId' }]) out[['email', 'displayName', 'role', 'agencyId'].includes(f.field) ? f.field : '_form'] = t('common.fieldRejected');
        return again(out);
      }
      throw e;
    }
    this.showInvitation(res, session, invitation, 201);
  }

  @Get(':id')
  async view(@Session() session: WebSession, @Param('id') id: string, @Query('done') done: unknown, @Res() res: Response): Promise<void> {
    const u = await this.one(id);
    const agency = u.agencyId ? await this.agencies.get(u.agencyId) : null;
    const ctx = pageContext(session.lang, session);
    const notice = done === 'disabled' ? ctx.t('admin.users.disabledDone') : done === 'enabled' ? ctx.t('admin.users.enabledDone') : undefined;
    sendPage(res, 200, userPage({ ...ctx, notice }, u, agency, u.id === session.userId));
  }

  @Post(':id/disable')
  async disable(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.one(id);
    await this.users.disable(id, { actor: actorOf(session), requestId: requestIdOf(req) });
    seeOther(res, `/admin/users/${id}?done=disabled`);
  }

  @Post(':id/enable')
  async enable(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.one(id);
    await this.users.enable(id, { actor: actorOf(session), requestId: requestIdOf(req) });
    seeOther(res, `/admin/users/${id}?done=enabled`);
  }

  /** A new invitation for one that expired or was refused. */
  @Post(':id/reinvite')
  async reinvite(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.one(id);
    this.showInvitation(res, session, await this.invitations.resetCredentials(id, { actor: actorOf(session), requestId: requestIdOf(req) }), 200);
  }

  /** Password and authenticator app reset: the same new invitation, on an account that had them. */
  @Post(':id/reset')
  async reset(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.one(id);
    this.showInvitation(res, session, await this.invitations.resetCredentials(id, { actor: actorOf(session), requestId: requestIdOf(req) }), 200);
  }

  private showInvitation(res: Response, session: WebSession, invitation: Invitation, status: number): void {
    const origin = this.config.web.origin?.replace(/\/+$/, '') ?? '';
    sendPage(res, status, invitationPage(pageContext(session.lang, session), origin, invitation));
  }

  private async one(id: string): Promise<UserView> {
    if (!UUID.test(id)) throw new PageNotFound();
    return this.users.get(id);
  }
}
