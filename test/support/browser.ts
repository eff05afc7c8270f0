import { existsSync, readFileSync } from 'node:fs';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's chromium (scripts/ci-extra-setup.sh installs it), driven by playwright-core. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** A browser, and a script-enabled context where axe runs on copies of the pages (the pages themselves run no script). */
export async function launchChromium(): Promise<{ browser: Browser; axeContext: BrowserContext }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/ci-extra-setup.sh does)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return { browser, axeContext: await browser.newContext({ javaScriptEnabled: true }) };
}

export interface PageAudit {
  /** Pixels the page scrolls sideways at 360 px (0 when it fits). */
  overflow: number;
  /** Serious and critical axe-core violations, as "rule: targets". */
  serious: string[];
  /** Names of form controls without a label. */
  unlabelled: (string | null)[];
}

/** Checks a copy of the page at 360×740 in the script-enabled context: sideways scrolling, axe-core, labels. */
export async function auditPage(axeContext: BrowserContext, page: Page): Promise<PageAudit> {
  const copy = await axeContext.newPage();
  try {
    await copy.setViewportSize({ width: 360, height: 740 });
    await copy.setContent(await page.content());
    const overflow = await copy.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await copy.evaluate(AXE_SOURCE);
    const violations = (await copy.evaluate(
      () => (window as unknown as { axe: { run: (d: Document, o: object) => Promise<{ violations: unknown[] }> } }).axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations),
    )) as AxeViolation[];
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    const unlabelled = await copy.evaluate(() =>
      Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
        .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label'))
        .map((el) => el.getAttribute('name')),
    );
    return { overflow, serious, unlabelled };
  } finally {
    await copy.close();
  }
}

/** What a journey's pages did, for the no-leak and no-foreign-load checks after it. */
export interface PageTrail {
  visited: string[];
  foreignRequests: string[];
  cspViolations: string[];
}

/** A phone-sized page with JavaScript off, recording into `trail` every URL visited, every request off `base` and every CSP report. */
export async function openPhonePage(browser: Browser, base: string, locale: string, trail: PageTrail): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false, locale, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) trail.foreignRequests.push(r.url());
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) trail.visited.push(f.url());
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) trail.cspViolations.push(m.text());
  });
  return { context, page };
}
