import { createHash } from 'node:crypto';
import { isAnonymousIntake } from '@amani/http';
import { questionnaire } from '@amani/domain/sea';
import { confirmPage, followUpPage, formPage, newReceiptPage, receiptPage, REPORT_PAGE_CSP, statusPage, withdrawnPage } from './report-page.views';

describe('complainant pages', () => {
  const pages = [
    formPage(questionnaire('ar', ['DEMO-NORTH'])),
    receiptPage('fr', '0123-4567-8901-2345-6789'),
    followUpPage('es'),
    statusPage('en', '0123-4567-8901-2345-6789', { status: 'assessment', outcome: null, receivedOn: '2025-11-28', language: 'en', messages: [{ from: 'focal_point', body: '<b>hi</b>', sentOn: '2025-11-28' }], contactOnFile: true, messagesDeclined: false }),
  ];

  const controlPages = [confirmPage('ar', '0123-4567-8901-2345-6789', 'withdraw'), withdrawnPage('fr'), newReceiptPage('es', '1111-2222-3333-4444-5555')];

  it('carry no script and only the inline style the CSP allows by hash', () => {
    for (const html of [...pages, ...controlPages]) {
      expect(html).not.toMatch(/<script|\son[a-z]+=|javascript:/i);
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
      expect(REPORT_PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
    expect(REPORT_PAGE_CSP).toMatch(/^default-src 'none';/);
  });

  it('offer the control forms the complaint still allows, each posting to its own confirmation step', () => {
    const withContact = pages[3];
    for (const action of ['change-receipt', 'erase-contact', 'decline-messages', 'withdraw']) expect(withContact).toContain(`action="/report/follow-up/${action}"`);
    const declined = statusPage('en', '0123-4567-8901-2345-6789', { status: 'received', outcome: null, receivedOn: '2025-11-28', language: 'en', messages: [], contactOnFile: false, messagesDeclined: true });
    expect(declined).not.toContain('action="/report/follow-up/erase-contact"');
    expect(declined).not.toContain('action="/report/follow-up/decline-messages"');
    expect(declined).toContain('id="messages-declined"');
    expect(controlPages[0]).toContain('name="confirm" value="yes"');
    expect(controlPages[0]).toContain('<html lang="ar" dir="rtl">');
    expect(controlPages[1]).toContain('<dd id="status">Retiré</dd>');
  });

  it('sets language and direction, Arabic right to left', () => {
    expect(pages[0]).toContain('<html lang="ar" dir="rtl">');
    expect(pages[1]).toContain('<html lang="fr" dir="ltr">');
  });

  it('escapes what people wrote, in text and in attributes', () => {
    expect(pages[3]).toContain('&lt;b>hi&lt;/b>');
    expect(pages[3]).not.toContain('<b>hi');
    const attr = statusPage('en', `"><script>x</script>`, { status: 'received', outcome: null, receivedOn: '2025-11-28', language: 'en', messages: [], contactOnFile: false, messagesDeclined: false });
    expect(attr).toContain('value="&quot;>&lt;script>x&lt;/script>"');
    expect(attr).not.toMatch(/<script/i);
  });
});

describe('request log exclusion of the anonymous intake', () => {
  it('covers the complainant routes and pages, not the focal point workspace', () => {
    for (const [method, url] of [
      ['GET', '/report?lang=ar'],
      ['POST', '/report'],
      ['POST', '/report/follow-up/messages'],
      ['GET', '/sea/questionnaire?lang=fr'],
      ['POST', '/sea/complaints'],
      ['POST', '/SEA/Complaints/'],
      ['POST', '/sea/complaints/access'],
      ['POST', '/sea/complaints/messages'],
      ['POST', '/sea/complaints/withdraw'],
      ['POST', '/sea/complaints/erase-contact'],
      ['POST', '/sea/complaints/decline-messages'],
      ['POST', '/sea/complaints/change-receipt'],
      ['POST', '/report/follow-up/withdraw'],
    ]) {
      expect([method, url, isAnonymousIntake(method, url)]).toEqual([method, url, true]);
    }
    for (const [method, url] of [
      ['GET', '/sea/complaints'],
      ['GET', '/sea/complaints/5d1f9a2e-8c4b-4e61-9f3a-2b7c0d9e1a44'],
      ['POST', '/sea/complaints/5d1f9a2e-8c4b-4e61-9f3a-2b7c0d9e1a44/messages'],
      ['POST', '/auth/login'],
      ['POST', '/sea/complaints/assisted'],
      ['GET', '/reports'],
    ]) {
      expect([method, url, isAnonymousIntake(method, url)]).toEqual([method, url, false]);
    }
  });
});
