import { SERVICE_TYPES } from '@amani/auth';
import type { ServiceView } from '@amani/domain/services-directory';
import { renderDocument } from '@amani/html';
import { FormAlert, FormErrors, FormValues, one, SelectField, TextField } from './forms';
import { Csrf, Page, PageContext } from './page';

function ServiceForm({ ctx, action, values, errors, submit }: { ctx: PageContext; action: string; values: FormValues; errors: FormErrors; submit: string }) {
  const { t } = ctx;
  const f = { form: action === '/services' ? 'svc-new' : 'svc-edit', values, errors };
  return (
    <form method="post" action={action}>
      <Csrf token={ctx.session!.csrf} />
      <FormAlert errors={errors} message={t('common.checkErrors')} />
      {values.version !== undefined && <input type="hidden" name="version" value={one(values, 'version')} />}
      <TextField {...f} name="name" label={t('services.name')} maxlength={200} required />
      <SelectField {...f} name="serviceType" label={t('referrals.service')} options={SERVICE_TYPES.map((s) => [s, t(`serviceType.${s}`)] as const)} empty="—" required />
      <TextField {...f} name="regionCodes" label={t('services.regions')} help={t('services.regionsHelp')} dir="ltr" maxlength={400} required />
      <TextField {...f} name="languages" label={t('services.languages')} help={t('services.languagesHelp')} dir="ltr" maxlength={100} required />
      <TextField {...f} name="openingHours" label={t('services.hours')} maxlength={200} />
      <TextField {...f} name="contactChannel" label={t('services.contact')} help={t('services.contactHelp')} maxlength={200} />
      <button type="submit">{submit}</button>
    </form>
  );
}

export function servicesPage(ctx: PageContext, services: ServiceView[], values: FormValues, errors: FormErrors): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('services.title')}>
      <h1>{t('services.title')}</h1>
      {services.length === 0 ? (
        <p>{t('services.empty')}</p>
      ) : (
        <ul class="cards" id="own-services">
          {services.map((s) => (
            <li>
              <a href={`/services/${s.id}`}>{s.name}</a> <span class="tag">{t(`serviceType.${s.serviceType}`)}</span>{' '}
              <span class={s.acceptingReferrals ? 'tag' : 'tag overdue'}>{s.acceptingReferrals ? t('services.open') : t('services.closed')}</span>
              <form method="post" action={`/services/${s.id}/${s.acceptingReferrals ? 'close' : 'open'}`}>
                <Csrf token={ctx.session!.csrf} />
                <input type="hidden" name="version" value={String(s.version)} />
                <button type="submit" class="secondary" aria-label={`${s.acceptingReferrals ? t('services.closeIt') : t('services.openIt')}: ${s.name}`}>
                  {s.acceptingReferrals ? t('services.closeIt') : t('services.openIt')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('services.add')}</h2>
      <ServiceForm ctx={ctx} action="/services" values={values} errors={errors} submit={t('services.add')} />
    </Page>,
  );
}

export function editPage(ctx: PageContext, s: ServiceView, values: FormValues, errors: FormErrors): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('services.edit')}>
      <p>
        <a href="/services">{t('common.back')}</a>
      </p>
      <h1>{t('services.edit')}</h1>
      <ServiceForm ctx={ctx} action={`/services/${s.id}`} values={values} errors={errors} submit={t('services.save')} />
    </Page>,
  );
}

export function asValues(s: ServiceView): FormValues {
  return {
    name: s.name,
    serviceType: s.serviceType,
    regionCodes: s.regionCodes.join(', '),
    languages: s.languages.join(', '),
    openingHours: s.openingHours ?? '',
    contactChannel: s.contactChannel ?? '',
    version: String(s.version),
  };
}

