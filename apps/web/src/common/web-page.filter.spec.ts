import type { ArgumentsHost } from '@nestjs/common';
import { AgencyKeyLockedProblem } from '@amani/auth';
import { DomainException } from '@amani/http';
import { WebPageFilter } from './web-page.filter';

/** A response that records what the filter sent. */
function capture(): { host: ArgumentsHost; sent: { status?: number; body?: string; headers: Record<string, string> } } {
  const sent: { status?: number; body?: string; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return res;
    },
    setHeader(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return res;
    },
    type() {
      return res;
    },
    send(body: string) {
      sent.body = body;
      return res;
    },
  };
  const req = { query: {}, headers: {}, webSession: { lang: 'ar', role: 'caseworker', csrf: 'c'.repeat(43), stage: 'full' } };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('WebPageFilter', () => {
  it('answers a locked agency key (423) with a page saying what to do, in the user’s language, never a 500', () => {
    const { host, sent } = capture();
    new WebPageFilter().catch(new AgencyKeyLockedProblem(), host);
    expect(sent.status).toBe(423);
    expect(sent.body).toContain('مفتاح وكالتك غير مفتوح في هذه الجلسة');
    expect(sent.body).toContain('id="locked-key-page"');
    expect(sent.body).toContain('action="/sign-out"');
    expect(sent.headers['content-security-policy']).toBeDefined();
  });

  it('keeps other 423s on the general "refused" page', () => {
    const { host, sent } = capture();
    new WebPageFilter().catch(new DomainException(423, 'other_lock', 'Locked.'), host);
    expect(sent.status).toBe(423);
    expect(sent.body).not.toContain('id="key-locked"');
  });
});
