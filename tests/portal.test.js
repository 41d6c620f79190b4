// The portal in a real browser (Debian's Chromium driven by playwright-core), on a development
// chain with the tax bureau's delivery service beside it, the production bundle served as any
// web server would, the whole story through the pages: the enterprise grants a bank consent in
// one form; the service delivers; the bank opens the record with its key in the browser and sees
// each figure verified against the chain; the bank publishes a product with rules; the
// enterprise proves them in the browser and is approved at once, accepts; the bank disburses and
// records a repayment; the enterprise sees its schedule; the regulator sees the aggregates
// change and the council's motion; the bureau attests from a CSV sheet; the enterprise revokes
// and the bank loses access. Each role's page is saved as a screenshot (docs/screenshots/ holds
// the current ones), and the first page's load time is measured on the production bundle with a
// cold cache. (A tampered envelope marked not verified: web/test/privacy.test.ts.)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO, banktaxAsync, banktaxService, freePort, startDevNode, waitFor, workDir } from './lib/nodes.js';
import { connect, disconnectAll, finalizedNumber } from './lib/chain.js';
import { devKey } from './lib/tx.js';

const USCC = '91350100M000100Y43';
const EXAMPLE = JSON.parse(readFileSync(join(REPO, 'docs', 'examples', 'annual-summary-2025.json'), 'utf8'));
const BROWSER = process.env.BANKTAX_CHROMIUM ?? '/usr/bin/chromium';
const BUNDLE = join(REPO, 'web', 'dist');
const SHOTS = join(REPO, 'docs', 'screenshots');

describe('the portal in a browser', () => {
  let node;
  let dir;
  let service;
  let server;
  let browser;
  let page;
  let portal;
  let metricsPort;
  const at = (role) => `${portal}?rpc=${encodeURIComponent(node.url)}&role=${role}&delivery=${encodeURIComponent(`http://127.0.0.1:${metricsPort}/metrics`)}`;
  const shot = async (name) => {
    const file = join(dir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    mkdirSync(SHOTS, { recursive: true });
    copyFileSync(file, join(SHOTS, `${name}.png`));
    assert.ok(statSync(file).size > 10_000, `${name}.png was taken`);
  };
  /** Acts as the development account `name`, and waits until the portal knows who that is. */
  const actAs = async (name, identity) => {
    await page.selectOption('[data-testid=account]', devKey(`//${name}`).address);
    await page.waitForFunction(
      ([text]) => document.querySelector('[data-testid=identity]')?.textContent?.includes(text),
      [identity],
      { timeout: 30_000 },
    );
  };
  /** Clicks a transaction's button and waits for it to be final. */
  const sendAndWait = async (testId) => {
    await page.click(`[data-testid=${testId}]`);
    await page.waitForSelector(`[data-testid=${testId}-stage][data-stage=finalized]`, { timeout: 60_000 }).catch(async (e) => {
      const stage = await page.textContent(`[data-testid=${testId}-stage]`).catch(() => 'no progress shown');
      await page.screenshot({ path: join(dir, `failed-${testId}.png`), fullPage: true });
      throw new Error(`${testId}: ${stage} (screenshot: ${join(dir, `failed-${testId}.png`)})\n${e.message}`);
    });
  };

  /** Waits until the element `selector` reads `text`, a string or a pattern (a row whose buttons go as it changes). */
  const waitForText = (selector, text) => page.waitForFunction(
    ([s, source]) => new RegExp(source).test(document.querySelector(s)?.textContent ?? ''),
    [selector, text instanceof RegExp ? text.source : text],
    { timeout: 60_000 },
  ).catch(async (e) => {
    const file = join(dir, `failed-${selector.replace(/\W+/g, '')}.png`);
    await page.screenshot({ path: file, fullPage: true });
    throw new Error(`${selector} never read ${text} (screenshot: ${file})\n${e.message}`);
  });

  before(async () => {
    assert.ok(existsSync(join(BUNDLE, 'index.html')), 'the portal is built (web/dist): ./scripts/setup.sh builds it');
    dir = workDir('portal');
    node = await startDevNode('portal', dir);
    const api = await connect(node);
    await waitFor('a finalised block', async () => (await finalizedNumber(api)) >= 1, { nodes: [node] });
    metricsPort = await freePort();
    service = banktaxService(['authority', 'serve', '--keep-dir', join(dir, 'kept'), '--state-dir', join(dir, 'delivery'), '--suri', '//Alice', '--url', node.url, '--metrics-port', `${metricsPort}`]);
    const port = await freePort();
    server = spawn(process.execPath, [join(REPO, 'scripts', 'serve-portal.mjs'), `${port}`, BUNDLE], { stdio: 'ignore' });
    portal = `http://127.0.0.1:${port}/`;
    await waitFor('the portal served', async () => (await fetch(portal)).ok, {});
    // The bureau registers the enterprise and attests its summary, keeping the opening where
    // the service reads it.
    await banktaxAsync(['authority', 'register-enterprise', '--uscc', USCC, '--controller', devKey('//Eve').address, '--suri', '//Alice', '--url', node.url]);
    await banktaxAsync(['authority', 'attest', join(REPO, 'docs', 'examples', 'annual-summary-2025.json'), '--keep', join(dir, 'kept', 'summary-2025.json'), '--suri', '//Alice', '--url', node.url]);
    browser = await chromium.launch({ executablePath: BROWSER, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && console.error(`console: ${message.text()}`));
  });

  after(async () => {
    await browser?.close();
    server?.kill();
    service?.kill('SIGKILL');
    await disconnectAll();
    await node?.stop();
  });

  test('the first page is usable within the budget, median of 5 cold loads of the production bundle', async () => {
    const times = [];
    for (let i = 0; i < 5; i += 1) {
      const context = await browser.newContext();
      const fresh = await context.newPage();
      const started = Date.now();
      await fresh.goto(at('enterprise'));
      await fresh.waitForSelector('[data-testid=chain-status]');
      times.push(Date.now() - started);
      await context.close();
    }
    times.sort((a, b) => a - b);
    const assets = readdirSync(join(BUNDLE, 'assets')).map((name) => ({ name, bytes: statSync(join(BUNDLE, 'assets', name)).size }));
    const all = assets.reduce((sum, a) => sum + a.bytes, statSync(join(BUNDLE, 'index.html')).size);
    const wasm = assets.filter((a) => a.name.endsWith('.wasm')).reduce((sum, a) => sum + a.bytes, 0);
    console.log(`portal: first page usable in ${times[2]} ms (median of ${times.join(', ')} ms); bundle ${all} bytes, ${all - wasm} without the ${wasm}-byte wasm`);
    // The budget is 2 s, met alone (docs/portal.md); here two other test files and the Rust
    // tests share the two cores, so the bound that fails the suite is looser.
    assert.ok(times[2] < 3_000, `median ${times[2]} ms`);
  });

  test('the enterprise sees its record and grants a bank consent in one form', async () => {
    await page.goto(at('enterprise'));
    await page.waitForSelector('[data-testid=chain-status]');
    assert.equal(await page.textContent('h1 >> nth=0').then((t) => t.startsWith('银税互动链')), true, 'Chinese first');
    await actAs('Eve', USCC);
    await page.waitForSelector('[data-testid=records] tbody tr');
    const record = await page.textContent('[data-testid=records] tbody tr');
    assert.match(record, /年度汇总/);
    assert.match(record, /2025/);
    await page.fill('[data-testid=grant-first-year]', '2025');
    await page.fill('[data-testid=grant-last-year]', '2025');
    await page.fill('[data-testid=grant-days]', '30');
    await sendAndWait('grant');
    await page.waitForSelector('[data-testid=consent-0]');
    assert.match(await page.textContent('[data-testid=consent-0]'), /有效/);

    // A failure reads as the pallet's error, by name and in the person's language.
    await page.fill('[data-testid=grant-days]', '0');
    await page.click('[data-testid=grant]');
    await page.waitForSelector('[data-testid=grant-stage][data-stage=failed]', { timeout: 30_000 });
    const failure = await page.textContent('[data-testid=grant-stage]');
    assert.match(failure, /授权的截止时间必须晚于授权所在区块/);
    assert.match(failure, /consent\.ExpiryNotInFuture/);
  });

  test('every error of the chain\'s own pallets reads in both languages', async () => {
    const api = await connect(node);
    const keys = (language) => new Set(
      [...readFileSync(join(REPO, 'web', 'src', 'i18n', `${language}.ts`), 'utf8').matchAll(/^ {2}'([^']+)':/gm)].map((m) => m[1]),
    );
    const [zh, en] = [keys('zh'), keys('en')];
    const missing = [];
    for (const section of ['institutions', 'taxRecords', 'consent', 'loans', 'governance']) {
      const names = Object.keys(api.errors[section]);
      assert.ok(names.length > 0, section);
      for (const name of names) {
        if (!zh.has(`error.${section}.${name}`) || !en.has(`error.${section}.${name}`)) missing.push(`${section}.${name}`);
      }
    }
    assert.deepEqual(missing, [], 'errors without a translation');
  });

  test('the bank opens the delivered record in the browser, each figure verified', async () => {
    await page.click('[data-testid=nav-bank]');
    await actAs('Bob', 'Bob');
    await page.click('[data-testid=bank-key-dev]');
    await page.waitForSelector('[data-testid=bank-key-state]');
    assert.match(await page.textContent('[data-testid=bank-key-state]'), /一致/);
    // The delivery service seals the record's key to the bank within a block or two.
    await waitFor('the envelope delivered and opened', async () => {
      await page.click('[data-testid=open-0-0]');
      return page.waitForSelector('[data-testid=figures]', { timeout: 2_000 }).then(() => true, () => false);
    }, { timeoutMs: 30_000, nodes: [node] });
    const figures = await page.textContent('[data-testid=figures]');
    const taxPaid = BigInt(EXAMPLE.fields.taxPaid);
    const yuan = `¥${(taxPaid / 100n).toLocaleString('zh-CN')}.${String(taxPaid % 100n).padStart(2, '0')}`;
    assert.ok(figures.includes(yuan), `${yuan} in ${figures}`);
    const marks = await page.locator('[data-testid=verified]').count();
    assert.equal(marks, Object.keys(EXAMPLE.fields).length, 'every figure marked verified');
  });

  test('the bank publishes products with rules; the enterprise proves them in the browser, is approved at once or turned down by the bank, and repays', async () => {
    // The bank states its rules; the chain's code in the page checks them before signing.
    const rules = [
      { atLeast: { kind: 'annualSummary', field: 'revenue', threshold: 500_000_000 } },
      { loanAtMostMultiple: { kind: 'annualSummary', field: 'taxPaid', multiple: 3 } },
    ];
    await page.fill('[data-testid=publish-rules]', JSON.stringify(rules));
    await page.check('[data-testid=publish-automatic]');
    // The development chain's day is one block: an offer open 60 days lasts a minute here.
    await page.fill('[data-testid=publish-offer-days]', '60');
    await sendAndWait('publish');
    await page.waitForSelector('[data-testid=product-0-rules] li >> nth=1');
    assert.match(await page.textContent('[data-testid=product-0-rules]'), /营业收入不低于 ¥5,000,000\.00/);
    // A second product with the same rules, on which the bank decides.
    await page.uncheck('[data-testid=publish-automatic]');
    await sendAndWait('publish');
    await page.waitForSelector('[data-testid=product-1-rules] li >> nth=1');
    assert.match(await page.textContent('[data-testid=product-1-decides]'), /由银行审批/);

    // The enterprise registers its key; the service delivers its own record to it.
    await page.click('[data-testid=nav-enterprise]');
    await actAs('Eve', USCC);
    await page.click('[data-testid=enterprise-key-dev]');
    await page.waitForSelector('[data-testid=enterprise-key-state]');
    assert.match(await page.textContent('[data-testid=enterprise-key-state]'), /尚未登记/);
    // The button goes once the chain holds the key; the session's tray keeps the transaction.
    await page.click('[data-testid=enterprise-key-register]');
    await waitForText('[data-testid=enterprise-key-state]', '一致');
    const api = await connect(node);
    await waitFor('the record delivered to the enterprise', async () => (await api.query.taxRecords.ownEnvelopes(0)).isSome, { timeoutMs: 30_000, nodes: [node] });

    // More than three times the tax paid: the page names the rule and sends nothing.
    const tooMuch = (3n * BigInt(EXAMPLE.fields.taxPaid)) / 100n + 1n;
    await page.fill('[data-testid=apply-amount-0]', String(tooMuch));
    await page.click('[data-testid=apply-0]');
    await page.waitForSelector('[data-testid=apply-0-stage][data-stage=failed]', { timeout: 60_000 });
    assert.match(await page.textContent('[data-testid=apply-0-stage]'), /规则 2（申请金额不超过最新一期年度汇总已缴税额的 3 倍）在本企业的记录上不成立/);
    assert.equal((await api.query.loans.nextLoanId()).toNumber(), 0, 'nothing was sent');

    // Within the rules: proven in the page, approved in the application's own block.
    await page.fill('[data-testid=apply-amount-0]', '500000');
    await sendAndWait('apply-0');
    await page.waitForSelector('[data-testid=accept-0]');
    assert.match(await page.textContent('[data-testid=loan-0]'), /已批准/);
    const answers = await api.query.loans.answers(0);
    assert.ok(answers.isSome, 'what the proof showed is kept with the loan');
    // The buttons go with the offer; the row says what happened.
    await page.click('[data-testid=accept-0]');
    await waitForText('[data-testid=loan-0]', '已接受');
    // On the product where the bank decides, the proven application waits in its queue.
    await page.fill('[data-testid=apply-amount-1]', '100000');
    await sendAndWait('apply-1');
    await waitForText('[data-testid=loan-1]', '已申请');

    // The bank sees the second application with each rule proven, and turns it down by reason
    // code; it disburses the first and records a repayment; the enterprise sees it in its
    // schedule.
    await page.click('[data-testid=nav-bank]');
    await actAs('Bob', 'Bob');
    await page.waitForSelector('[data-testid=answers-1] li >> nth=1');
    assert.equal(await page.locator('[data-testid=answers-1] .verified').count(), rules.length, 'each rule marked proven');
    await page.selectOption('[data-testid=reject-reason-1]', 'insufficientTaxBase');
    await page.click('[data-testid=reject-1]');
    await page.waitForSelector('[data-testid=application-1]', { state: 'detached', timeout: 60_000 });
    await page.click('[data-testid=disburse-0]');
    // Disbursed; on the development chain's short days the first instalment soon falls due.
    await waitForText('[data-testid=booked-0]', /已放款|逾期/);
    await page.fill('[data-testid=repay-principal-0]', '10000');
    await page.fill('[data-testid=repay-interest-0]', '1000');
    await sendAndWait('repay-0');
    await shot('bank');
    await page.click('[data-testid=nav-enterprise]');
    await actAs('Eve', USCC);
    await page.click('[data-testid=schedule-0]');
    await page.waitForSelector('[data-testid=schedule] tbody tr');
    assert.match(await page.textContent('[data-testid=schedule]'), /¥11,000\.00/);
    assert.match(await page.textContent('[data-testid=loan-0]'), /¥490,000\.00/);
    assert.match(await page.textContent('[data-testid=loan-1]'), /已拒绝/);
    await shot('enterprise');
  });

  test('the regulator sees the aggregates and the council\'s motions; the bureau attests from a sheet and sees its service', async () => {
    // A council motion for the regulator to see: suspending the second bank, proposed, not voted.
    await banktaxAsync(['council', 'propose', 'suspend', '--institution', '2', '--suri', '//Dave', '--url', node.url]);
    await page.click('[data-testid=nav-regulator]');
    await actAs('Dave', 'Dave');
    await page.waitForSelector('[data-testid=motion-0]');
    const motion = await page.textContent('[data-testid=motion-0]');
    assert.match(motion, /institutions\.suspend/);
    assert.match(motion, /0 \/ 3/, 'no votes yet, three of the four institutions needed');
    await page.waitForSelector('[data-testid=total-consents]');
    assert.match(await page.textContent('[data-testid=total-consents]'), /1/);
    // The aggregates follow the loan: one A-rated loan, its outstanding principal.
    assert.match(await page.textContent('[data-testid=total-exposure]'), /¥490,000\.00/);
    assert.match(await page.textContent('[data-testid=loans-by-rating]'), /A.*1.*¥490,000\.00/s);
    await shot('regulator');
    await page.click('[data-testid=nav-bureau]');
    await actAs('Alice', 'Alice');
    await page.waitForSelector('[data-testid=delivery-lag]', { timeout: 15_000 });
    assert.match(await page.textContent('[data-testid=delivery-behind]'), /0|1/);

    // The bureau attests a record from a CSV sheet, sealed in the page; what delivery needs is
    // saved first, into the service's keep directory, and the service delivers the new record
    // to the enterprise's key.
    const header = ['enterprise', 'kind', 'year', 'rating', ...Object.keys(EXAMPLE.fields)].join(',');
    const row = [USCC, 'annualSummary', 2026, 'B', ...Object.values(EXAMPLE.fields).map((v) => Math.floor(Number(v) / 2))].join(',');
    await page.setInputFiles('[data-testid=attest-file]', { name: 'records.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${row}\n`) });
    await page.waitForSelector('[data-testid=attest-preview] tbody tr');
    assert.match(await page.textContent('[data-testid=attest-preview]'), /2026.*B/s);
    assert.equal(await page.isDisabled('[data-testid=attest]'), true, 'nothing is sent before what delivery needs is saved');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=attest-save]')]);
    await download.saveAs(join(dir, 'kept', 'from-portal.json'));
    await sendAndWait('attest');
    const api = await connect(node);
    await waitFor('the attested record delivered to the enterprise', async () => (await api.query.taxRecords.ownEnvelopes(1)).isSome, { timeoutMs: 30_000, nodes: [node] });
    await shot('bureau');
  });

  test('the enterprise revokes in one click and the bank loses access; English on a click', async () => {
    await page.click('[data-testid=nav-enterprise]');
    await actAs('Eve', USCC);
    await page.waitForSelector('[data-testid=revoke-0]');
    await sendAndWait('revoke-0');
    assert.match(await page.textContent('[data-testid=consent-0]'), /已撤销/);
    await page.click('[data-testid=nav-bank]');
    await actAs('Bob', 'Bob');
    await page.click('[data-testid=language]');
    assert.equal(await page.textContent('h1 >> nth=0').then((t) => t.startsWith('BankTax Chain')), true);
    assert.equal(await page.locator('[data-testid=open-0-0]').count(), 0, 'no record offered under a withdrawn consent');
    // The bank's alerts on the enterprise it lends to: the consent withdrawn, and the rating
    // the bureau's 2026 summary lowered from A to B.
    await waitForText('[data-testid=alerts]', 'withdrew consent #0');
    await waitForText('[data-testid=alerts]', 'from A to B');
  });
});
