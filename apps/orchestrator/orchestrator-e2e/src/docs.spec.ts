import SwaggerParser from '@apidevtools/swagger-parser';
import { unusedPortUrl } from '@libs/core/testing';
import { chromium, type Browser } from 'playwright-core';
import { RunningApp, stopApps } from './support/apps';
import { startOrchestratorFor } from './support/engine';

/** Debian's Chromium (`apt-get install chromium`), which `.ci/run` installs. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Swagger UI in a real browser, under the Content-Security-Policy every response carries: the
 * page draws every operation, and the browser reports no violation of the policy.
 */
describe('GET /docs in headless Chromium', () => {
  let orchestrator: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    orchestrator = await startOrchestratorFor({ url: await unusedPortUrl() });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // The flags this machine's closed network needs (no background fetches of Google's services).
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stopApps(orchestrator);
  });

  it('serves at /docs-json an OpenAPI 3.0 document that swagger-parser validates', async () => {
    const response = await fetch(`${orchestrator.url}/docs-json`);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };

    expect(document.openapi).toMatch(/^3\.0\./);
    expect(document.paths['/customers/{customer_id}/credit-risk']).toBeDefined();
    // validate() dereferences in place and throws, listing every violation, on an invalid document.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('draws every operation of the API under the CSP, with no violation reported', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(error.message));
    const response = await page.goto(`${orchestrator.url}/docs`);

    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('.opblock-summary-path', { timeout: 15_000 });
    const paths = await page.$$eval('.opblock-summary-path', (nodes) =>
      nodes.map((node) => node.getAttribute('data-path')),
    );
    expect(paths).toEqual(expect.arrayContaining(['/analyze-text', '/analyze-audio', '/health']));
    expect(paths.length).toBeGreaterThan(15);
    expect(violations).toEqual([]);
  });
});
