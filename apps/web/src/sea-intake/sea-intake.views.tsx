import { renderDocument } from '@amani/html';
import { SEA_ASSISTED_CHANNELS, SEA_LANGUAGES, Questionnaire } from '@amani/domain/sea';
import { FormAlert, FormErrors, FormValues, SelectField, TextArea, TextField, Section } from '../views/forms';
import { Csrf, Page, PageContext } from '../views/page';

/** What the complainant's language is called in that language (the select shows each in its own). */
const LANGUAGE_NAMES: Record<(typeof SEA_LANGUAGES)[number], string> = { en: 'English', fr: 'Français', ar: 'العربية', es: 'Español' };

export interface IntakeForm {
  values: FormValues;
  errors: FormErrors;
}

/**
 * Assisted intake: the form, and after a save the receipt slip above a fresh form (bulk entry
 * of paper forms). The slip is only ever in this one response: never in a URL, a cookie or
 * the server's storage.
 */
export function intakePage(ctx: PageContext, q: Questionnaire, form: IntakeForm, receipt: string | null): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('seaIntake.title')}>
      {receipt && (
        <section class="slip" aria-labelledby="slip-title" id="slip">
          <h1 id="slip-title">{t('seaIntake.slipTitle')}</h1>
          <p role="status">{t('seaIntake.saved')}</p>
          <h2>{t('seaIntake.slipReceipt')}</h2>
          <p class="secret" dir="ltr">
            <bdi id="receipt">{receipt}</bdi>
          </p>
          <p>{t('seaIntake.slipKeep')}</p>
          <p>{t('seaIntake.slipFollowUp')}</p>
          <p class="help no-print">{t('seaIntake.slipPrint')}</p>
        </section>
      )}
      {receipt ? <h2 id="intake-title">{t('seaIntake.nextTitle')}</h2> : <h1 id="intake-title">{t('seaIntake.title')}</h1>}
      <p>{t('seaIntake.lead')}</p>
      <FormAlert errors={form.errors} message={t('common.checkErrors')} />
      <form method="post" action="/sea/intake" autocomplete="off" accept-charset="utf-8" id="intake" aria-labelledby="intake-title">
        <Csrf token={ctx.session!.csrf} />
        <Section id="intake-how" title={t('seaIntake.intakeTitle')}>
          <SelectField
            form="intake"
            name="channel"
            label={t('seaIntake.channel')}
            values={form.values}
            errors={form.errors}
            required
            empty=""
            options={SEA_ASSISTED_CHANNELS.map((c) => [c, t(`seaIntake.channels.${c}`)] as const)}
          />
          <SelectField
            form="intake"
            name="language"
            label={t('seaIntake.language')}
            values={form.values.language ? form.values : { ...form.values, language: ctx.lang }}
            errors={form.errors}
            required
            options={SEA_LANGUAGES.map((l) => [l, LANGUAGE_NAMES[l]] as const)}
          />
        </Section>
        <Section id="intake-questions" title={t('seaIntake.questionsTitle')}>
          {q.questions.map((question) =>
            question.name === 'narrative' ? (
              <TextArea form="intake" name="narrative" label={question.label} help={question.help} values={form.values} errors={form.errors} required maxlength={question.maxLength} rows={8} />
            ) : question.name === 'contact' ? (
              <TextField form="intake" name="contact" label={question.label} help={question.help} values={form.values} errors={form.errors} maxlength={question.maxLength} />
            ) : (
              <SelectField
                form="intake"
                name={question.name}
                label={question.label}
                help={question.help}
                values={form.values}
                errors={form.errors}
                required={question.required}
                empty={question.name === 'regionCode' ? undefined : ''}
                options={(question.options ?? []).map((o) => [o.value, o.label] as const)}
              />
            ),
          )}
        </Section>
        <p>
          <button type="submit">{t('seaIntake.submit')}</button>
        </p>
      </form>
    </Page>,
  );
}
