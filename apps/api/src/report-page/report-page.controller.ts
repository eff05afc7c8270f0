import { Controller, Get, Post, Query, Req, Res, UploadedFile, UseFilters, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { AppConfig, InjectConfig } from '@amani/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import { Public } from '@amani/auth';
import { DomainException, StrictThrottle } from '@amani/http';
import { MESSAGE_MAX, normaliseReceipt, questionnaire, Question, SeaComplainantControlService, SeaIntakeService } from '@amani/domain/sea';
import { SubmitComplaintDto, toSubmitCommand } from '../sea/sea-public.dto';
import { ReportPageFilter } from './report-page.filter';
import { pageLanguage, sendPage } from './report-page.response';
import {
  confirmPage,
  ControlAction,
  FieldErrors,
  FormValues,
  followUpPage,
  formPage,
  newReceiptPage,
  receiptPage,
  statusPage,
  textsFor,
  withdrawnPage,
} from './report-page.views';
import type { UploadedMemoryFile } from '../common/attachment-file';

type FormBody = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (v === 'true' ? true : v === 'false' ? false : undefined);

/** The uploaded file's bytes (memory only); an empty file input sends nothing. */
function evidenceOf(file: UploadedMemoryFile | undefined): { content: Buffer } | undefined {
  return file && Buffer.isBuffer(file.buffer) && file.buffer.length > 0 ? { content: file.buffer } : undefined;
}

/** Only the pages' own forms post here (with or without a file); anything else (JSON, …) is a 415 problem. */
function assertForm(req: Request): FormBody {
  if (!req.is('application/x-www-form-urlencoded') && !req.is('multipart/form-data')) {
    throw new DomainException(415, 'unsupported_media_type', 'These pages accept only their own HTML forms.');
  }
  return (req.body ?? {}) as FormBody;
}

/**
 * The complainant pages under /report: a form, a receipt page, a follow-up page. They work
 * without JavaScript (SecureDrop advises sources to disable it), set no cookie and load
 * nothing from elsewhere. The receipt travels only in POST bodies, never in a URL.
 */
@ApiExcludeController()
@Public()
@StrictThrottle('public')
@UseFilters(ReportPageFilter)
@Controller('report')
export class ReportPageController {
  private readonly evidenceMaxBytes: number;

  constructor(
    private readonly intake: SeaIntakeService,
    private readonly control: SeaComplainantControlService,
    @InjectConfig() config: AppConfig,
  ) {
    this.evidenceMaxBytes = config.attachments.maxBytes;
  }

  @Get()
  async form(@Query('lang') lang: unknown, @Res() res: Response): Promise<void> {
    sendPage(res, 200, formPage(questionnaire(pageLanguage(lang), await this.intake.regionCodes()), {}, {}, this.evidenceMaxBytes));
  }

  /**
   * The report, with at most one file (`evidence`): multer keeps it in memory (never on disk)
   * and stops reading past the cap (413); the intake service recognises and cleans it, then
   * seals it under the complaint key before anything is written.
   */
  @Post()
  @UseInterceptors(FileInterceptor('evidence'))
  async submit(@Req() req: Request, @Res() res: Response, @UploadedFile() file: UploadedMemoryFile | undefined): Promise<void> {
    const body = assertForm(req);
    const lang = pageLanguage(body.lang);
    const q = questionnaire(lang, await this.intake.regionCodes());
    const values: FormValues = {};
    for (const question of q.questions) values[question.name] = str(body[question.name]);
    const dto = plainToInstance(SubmitComplaintDto, {
      category: values.category,
      entityType: values.entityType,
      victimSex: values.victimSex,
      victimAgeBand: values.victimAgeBand,
      dateBand: values.dateBand,
      complainantIsVictim: bool(values.complainantIsVictim),
      wantsAssistance: bool(values.wantsAssistance),
      regionCode: values.regionCode || null,
      narrative: values.narrative ?? '',
      contact: values.contact?.trim() ? values.contact : null,
      language: lang,
    });
    const errors: FieldErrors = {};
    const t = textsFor(lang);
    for (const e of await validate(dto, { forbidUnknownValues: true })) {
      const name = e.property as Question['name'];
      const value = values[name];
      errors[name] = value === undefined || value.trim() === '' ? t.fieldRequired : e.constraints?.maxLength ? t.fieldTooLong : t.fieldInvalid;
    }
    if (Object.keys(errors).length > 0) return sendPage(res, 400, formPage(q, values, errors, this.evidenceMaxBytes));
    const { receipt } = await this.intake.submit(toSubmitCommand(dto), evidenceOf(file));
    sendPage(res, 200, receiptPage(lang, receipt));
  }

  @Get('follow-up')
  followUp(@Query('lang') lang: unknown, @Res() res: Response): void {
    sendPage(res, 200, followUpPage(pageLanguage(lang)));
  }

  @Post('follow-up')
  async status(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = assertForm(req);
    const lang = pageLanguage(body.lang);
    const receipt = str(body.receipt) ?? '';
    sendPage(res, 200, statusPage(lang, receipt, await this.intake.access(receipt, req.ip), undefined, { evidenceMaxBytes: this.evidenceMaxBytes }));
  }

  /** A complainant's message, with at most one file (as for the report). */
  @Post('follow-up/messages')
  @UseInterceptors(FileInterceptor('evidence'))
  async message(@Req() req: Request, @Res() res: Response, @UploadedFile() file: UploadedMemoryFile | undefined): Promise<void> {
    const body = assertForm(req);
    const lang = pageLanguage(body.lang);
    const receipt = str(body.receipt) ?? '';
    const text = str(body.body) ?? '';
    // eslint-disable-next-line no-control-regex
    const valid = /\S/.test(text) && text.length <= MESSAGE_MAX && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
    if (!valid) {
      const t = textsFor(lang);
      const error = text.length > MESSAGE_MAX ? t.fieldTooLong : t.fieldRequired;
      return sendPage(res, 400, statusPage(lang, receipt, await this.intake.access(receipt, req.ip), error, { evidenceMaxBytes: this.evidenceMaxBytes }));
    }
    sendPage(res, 200, statusPage(lang, receipt, await this.intake.sendMessage(receipt, text, req.ip, evidenceOf(file)), undefined, { evidenceMaxBytes: this.evidenceMaxBytes }));
  }

  // The complainant's control. Each form first answers a confirmation page (no receipt check,
  // no Argon2id run: it only repeats the receipt it was posted); `confirm=yes` then acts,
  // through the same receipt check and budgets as the follow-up itself.

  @Post('follow-up/withdraw')
  async withdraw(@Req() req: Request, @Res() res: Response): Promise<void> {
    const step = this.controlStep(req, res, 'withdraw');
    if (!step) return;
    await this.control.withdraw(step.receipt, req.ip);
    sendPage(res, 200, withdrawnPage(step.lang));
  }

  @Post('follow-up/erase-contact')
  async eraseContact(@Req() req: Request, @Res() res: Response): Promise<void> {
    const step = this.controlStep(req, res, 'erase-contact');
    if (!step) return;
    const view = await this.control.eraseContact(step.receipt, req.ip);
    sendPage(res, 200, statusPage(step.lang, step.receipt, view, undefined, { notice: textsFor(step.lang).contactErased, evidenceMaxBytes: this.evidenceMaxBytes }));
  }

  @Post('follow-up/decline-messages')
  async declineMessages(@Req() req: Request, @Res() res: Response): Promise<void> {
    const step = this.controlStep(req, res, 'decline-messages');
    if (!step) return;
    const view = await this.control.declineMessages(step.receipt, req.ip);
    sendPage(res, 200, statusPage(step.lang, step.receipt, view, undefined, { notice: textsFor(step.lang).messagesDeclinedNote, evidenceMaxBytes: this.evidenceMaxBytes }));
  }

  @Post('follow-up/change-receipt')
  async changeReceipt(@Req() req: Request, @Res() res: Response): Promise<void> {
    const step = this.controlStep(req, res, 'change-receipt');
    if (!step) return;
    const { receipt } = await this.control.changeReceipt(step.receipt, req.ip);
    sendPage(res, 200, newReceiptPage(step.lang, receipt));
  }

  /** The form's language and receipt when the action is confirmed; otherwise answers the confirmation page (or the follow-up form for a malformed receipt). */
  private controlStep(req: Request, res: Response, action: ControlAction): { lang: ReturnType<typeof pageLanguage>; receipt: string } | null {
    const body = assertForm(req);
    const lang = pageLanguage(body.lang);
    const receipt = str(body.receipt) ?? '';
    if (!normaliseReceipt(receipt)) {
      sendPage(res, 400, followUpPage(lang, textsFor(lang).unknownReceipt));
      return null;
    }
    if (body.confirm !== 'yes') {
      sendPage(res, 200, confirmPage(lang, receipt, action));
      return null;
    }
    return { lang, receipt };
  }
}
