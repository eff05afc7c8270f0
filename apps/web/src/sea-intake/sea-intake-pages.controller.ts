import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  AssistedComplaintCommand,
  CONTACT_MAX,
  NARRATIVE_MAX,
  questionnaire,
  SEA_ASSISTED_CHANNELS,
  SEA_CATEGORIES,
  SEA_DATE_BANDS,
  SEA_ENTITY_TYPES,
  SEA_LANGUAGES,
  SEA_VICTIM_AGE_BANDS,
  SEA_VICTIM_SEXES,
  SeaAssistedIntakeService,
  SeaIntakeService,
  toSeaActor,
} from '@amani/domain/sea';
import { actorOf, requestIdOf } from '../common/page-helpers';
import { PageRoles, Session } from '../common/decorators';
import { sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { codeOf, domainFieldErrors, FormErrors, formValues, FormValues, one } from '../views/forms';
import { pageContext } from '../views/page';
import { intakePage } from './sea-intake.views';

const FIELDS = ['channel', 'language', 'category', 'entityType', 'complainantIsVictim', 'victimSex', 'victimAgeBand', 'dateBand', 'regionCode', 'narrative', 'contact', 'wantsAssistance'] as const;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const BOOLEAN = ['true', 'false'] as const;

/**
 * Assisted SEA intake in the console (issue 16 item 1): a focal point enters a complaint taken
 * by hotline, on paper, through a community focal point or in person, and hands the
 * complainant the receipt slip. The save answers the slip and a fresh form in the same
 * response instead of redirecting: the receipt must not travel in a URL or wait in storage
 * for a GET to fetch it. Focal points only (no other role can enter complaints).
 */
@Controller('sea/intake')
@PageRoles('psea_focal_point')
export class SeaIntakePagesController {
  constructor(
    private readonly intake: SeaIntakeService,
    private readonly assisted: SeaAssistedIntakeService,
  ) {}

  @Get()
  async form(@Session() session: WebSession, @Res() res: Response): Promise<void> {
    sendPage(res, 200, await this.page(session, { values: {}, errors: {} }, null));
  }

  @Post()
  async submit(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const all = formValues(body);
    const values: FormValues = Object.fromEntries(FIELDS.map((f) => [f, one(all, f)]));
    const errors: FormErrors = {};
    const v = (name: (typeof FIELDS)[number]) => one(values, name);
    const pick = <T extends string>(name: (typeof FIELDS)[number], allowed: readonly T[]): T | undefined => {
      const code = codeOf(allowed, v(name));
      if (!code) errors[name] = v(name) ? t('common.fieldInvalid') : t('common.fieldRequired');
      return code;
    };
    const written = (name: 'narrative' | 'contact', max: number, required: boolean): string | null => {
      const text = v(name);
      if (!text.trim()) {
        if (required) errors[name] = t('common.fieldRequired');
        return null;
      }
      if (text.length > max) errors[name] = t('common.fieldTooLong', { max });
      else if (CONTROL.test(text)) errors[name] = t('common.fieldRejected');
      return text;
    };
    const regionCodes = await this.intake.regionCodes();
    const cmd = {
      channel: pick('channel', SEA_ASSISTED_CHANNELS),
      language: pick('language', SEA_LANGUAGES),
      category: pick('category', SEA_CATEGORIES),
      entityType: pick('entityType', SEA_ENTITY_TYPES),
      complainantIsVictim: pick('complainantIsVictim', BOOLEAN) === 'true',
      victimSex: pick('victimSex', SEA_VICTIM_SEXES),
      victimAgeBand: pick('victimAgeBand', SEA_VICTIM_AGE_BANDS),
      dateBand: pick('dateBand', SEA_DATE_BANDS),
      regionCode: v('regionCode') || null,
      narrative: written('narrative', NARRATIVE_MAX, true),
      contact: written('contact', CONTACT_MAX, false),
      wantsAssistance: pick('wantsAssistance', BOOLEAN) === 'true',
    };
    if (cmd.regionCode && !regionCodes.includes(cmd.regionCode)) errors.regionCode = t('common.fieldInvalid');
    if (Object.keys(errors).length === 0) {
      try {
        const { receipt } = await this.assisted.submit(toSeaActor(actorOf(session), requestIdOf(req)), cmd as AssistedComplaintCommand);
        return sendPage(res, 200, await this.page(session, { values: {}, errors: {} }, receipt));
      } catch (e) {
        const fieldErrors = domainFieldErrors(e, t, FIELDS);
        if (!fieldErrors) throw e;
        Object.assign(errors, fieldErrors);
      }
    }
    sendPage(res, 400, await this.page(session, { values, errors }, null));
  }

  private async page(session: WebSession, form: { values: FormValues; errors: FormErrors }, receipt: string | null): Promise<string> {
    return intakePage(pageContext(session.lang, session), questionnaire(session.lang, await this.intake.regionCodes()), form, receipt);
  }
}
