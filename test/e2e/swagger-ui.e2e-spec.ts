import * as fs from 'node:fs';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { newProduct } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * The staff flow as a person does it: Swagger UI at /docs in Debian's Chromium, logging in through the
 * Authorize dialog (OAuth2 password grant), then "Try it out" on the delivery and renewal operations, all under
 * the page's Content-Security-Policy: the browser must refuse nothing the page needs. Screenshots of the results
 * go to test-artifacts/swagger-ui/.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/swagger-ui');
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

if (!fs.existsSync(CHROMIUM)) {
  if (process.env.CI) {
    describe('Swagger UI in a real browser (e2e)', () => {
      it('needs Chromium', () => {
        throw new Error(`${CHROMIUM} is missing: .ci/run installs it with "apt-get install -y chromium".`);
      });
    });
  } else {
    console.warn(`Skipping the Swagger UI browser test: ${CHROMIUM} is missing (apt-get install chromium).`);
    describe.skip('Swagger UI in a real browser (e2e)', () => {
      it('needs Chromium', () => undefined);
    });
  }
} else {
  describe('Swagger UI in a real browser (e2e)', () => {
    let t: TestApp;
    let baseUrl: string;
    let profileDir: string;
    let context: BrowserContext;
    let page: Page;
    let storefront: string;
    /** What the browser reported the Content-Security-Policy refused: nothing, or Swagger UI misses a part. */
    const refused: string[] = [];
    const staffUser = { email: 'desk@licensor.test', password: 'staff-password-for-the-browser' };

    beforeAll(async () => {
      t = await createTestApp();
      await t.app.listen(0, '127.0.0.1');
      baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
      const admin = await t.adminAuth();
      await t
        .http()
        .post('/v1/staff-users')
        .set('Authorization', admin)
        .send({ ...staffUser, role: 'staff' })
        .expect(201);
      storefront = await t.storefrontAuth('Browser shop');
      await t
        .http()
        .post('/v1/products')
        .set('Authorization', admin)
        .send(newProduct({ sku: 'cs-cart-ultimate', vendor: 'cs-cart', renewalPrice: 12500 }))
        .expect(201);

      fs.mkdirSync(ARTIFACTS, { recursive: true });
      profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-chromium-'));
      context = await chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: LAUNCH_ARGS,
        viewport: { width: 1280, height: 900 },
      });
      // Only the service under test: nothing the page loads may leave the machine.
      await context.route('**/*', (route) =>
        route.request().url().startsWith(baseUrl) ? route.continue() : route.abort(),
      );
      page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(10_000);
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
      });
    });

    afterEach(() => {
      expect(refused).toEqual([]);
    });

    afterAll(async () => {
      await context?.close();
      if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
      await t?.close();
    });

    /** A pending CS-Cart license, placed by the storefront as a paid order would be. */
    const pendingLicense = async (orderId: string): Promise<string> => {
      const response = await t
        .http()
        .post('/v1/orders')
        .set('Authorization', storefront)
        .send({
          orderId,
          customer: { email: 'buyer@shop.example' },
          items: [{ lineId: '1', sku: 'cs-cart-ultimate', domain: 'shop.example.com' }],
        })
        .expect(201);
      const license = response.body.licenses[0] as { id: string; status: string };
      expect(license.status).toBe('pending');
      return license.id;
    };

    /** Expands an operation, presses "Try it out", fills the parameters and the JSON body, and executes it. */
    const tryItOut = async (
      method: string,
      route: string,
      parameters: Record<string, string>,
      body: object,
    ): Promise<{ operation: Locator; status: number; response: Record<string, unknown> }> => {
      const operation = page.locator(`.opblock.opblock-${method}`, {
        has: page.locator(`.opblock-summary-path[data-path="${route}"]`),
      });
      await operation.locator('.opblock-summary').first().click();
      await operation.locator('button.try-out__btn').click();
      for (const [name, value] of Object.entries(parameters)) {
        await operation.locator(`tr[data-param-name="${name}"] input`).fill(value);
      }
      await operation.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
      await operation.locator('button.execute').click();
      const live = operation.locator('.live-responses-table');
      const status = await live.locator('.response .response-col_status').first().textContent();
      const text = await live.locator('.response-col_description .highlight-code pre').first().textContent();
      await operation.scrollIntoViewIfNeeded();
      return { operation, status: Number(status?.trim()), response: JSON.parse(text ?? '') as Record<string, unknown> };
    };

    it('logs a staff user in from the Authorize dialog and delivers a pending license', async () => {
      const licenseId = await pendingLicense('browser-1');

      const docs = await page.goto(`${baseUrl}/docs`);
      expect(docs?.headers()['content-security-policy']).toContain("script-src 'self';");
      expect(docs?.headers()['content-security-policy']).not.toContain('unsafe-inline');
      await page.locator('button.authorize').first().click();
      const login = page.locator('.modal-ux .auth-container', { hasText: 'staffLogin' });
      await login.locator('#oauth_username').fill(staffUser.email);
      await login.locator('#oauth_password').fill(staffUser.password);
      await login.locator('button.authorize').click();
      // Swagger UI shows "Authorized" and a Logout button only once the token endpoint answered a token.
      await login.locator('button.authorize', { hasText: 'Logout' }).waitFor();
      await expectVisibleText(login, 'Authorized');
      await screenshot(page.locator('.modal-ux'), 'authorized.png');
      await page.locator('.modal-ux button.btn-done').first().click();
      await page.locator('button.authorize.locked').first().waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'overview.png'), fullPage: true });

      const key = 'CSC-4F2A-99AA-1C0D';
      const { operation, status, response } = await tryItOut(
        'post',
        '/v1/licenses/{id}/delivery',
        { id: licenseId },
        { key },
      );
      await screenshot(operation, 'delivery.png');
      expect({ status, response }).toMatchObject({ status: 200, response: { id: licenseId, status: 'active', key } });
      await expectVisibleText(operation, '"status": "active"');
      // The request Swagger UI sent carried the staff token from the login, as its curl line shows.
      await expectVisibleText(operation.locator('.curl-command'), 'Authorization: Bearer ey');
    });

    it('keeps the login across a reload and renews the subscription of a license', async () => {
      const licenseId = await pendingLicense('browser-2');
      const staff = await login();
      await t
        .http()
        .post(`/v1/licenses/${licenseId}/delivery`)
        .set('Authorization', staff)
        .send({ key: 'CSC-77B1-0D3E-AA90' })
        .expect(200);
      const quote = (
        await t
          .http()
          .get(`/v1/licenses/${licenseId}/renewal-quote`)
          .query({ months: 12 })
          .set('Authorization', staff)
          .expect(200)
      ).body as { amount: number; currency: string; newUpdatesUntil: string; updatesUntil: string };

      await page.reload();
      await page.locator('button.authorize.locked').first().waitFor();
      const { operation, status, response } = await tryItOut(
        'post',
        '/v1/licenses/{id}/renewals',
        { id: licenseId },
        { months: 12, payment: { reference: 'PAY-BROWSER-2', amount: quote.amount, currency: quote.currency } },
      );
      await screenshot(operation, 'renewal.png');
      expect(status).toBe(201);
      expect(response.license).toMatchObject({ id: licenseId, updatesUntil: quote.newUpdatesUntil });
      expect(quote.newUpdatesUntil > quote.updatesUntil).toBe(true);
      await expectVisibleText(operation, `"updatesUntil": "${quote.newUpdatesUntil}"`);
    });

    const login = async () => {
      const response = await t
        .http()
        .post('/v1/auth/login')
        .send({ email: staffUser.email, password: staffUser.password })
        .expect(200);
      return `Bearer ${response.body.accessToken as string}`;
    };
  });
}

/**
 * Saves a test artifact: the live answer in full, the operation's documented answers left out. The styles are set
 * on the elements (a `<style>` added to the page would be refused by its Content-Security-Policy) and undone.
 */
async function screenshot(locator: Locator, name: string): Promise<void> {
  const restyle = (hide: boolean) =>
    locator.evaluate((element, hidden) => {
      for (const table of element.querySelectorAll('.responses-wrapper .responses-table:not(.live-responses-table)')) {
        table.style.display = hidden ? 'none' : '';
      }
      for (const pre of element.querySelectorAll('.live-responses-table .highlight-code pre')) {
        pre.style.maxHeight = hidden ? 'none' : '';
      }
    }, hide);
  await restyle(true);
  try {
    await locator.screenshot({ path: path.join(ARTIFACTS, name) });
  } finally {
    await restyle(false);
  }
}

async function expectVisibleText(locator: Locator, text: string): Promise<void> {
  await locator.getByText(text, { exact: false }).first().waitFor();
}
