/// <reference types="chrome" />
// The voice loop end to end, as two people and a process owner live it: two browser profiles
// with the extension, the reference endpoint on PostgreSQL, and the triage page.
// A suggests (signed and anonymously); B sees both on the page, supports and replies, and is
// offered A's suggestion while writing a near-duplicate; the owner plans it and replies; A hears
// back (popup, badge, one notification, none again after a restart); and the anonymous
// suggestion carries no identity anywhere on the server, rows and logs alike.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from '../../demo/static-server';
import type { LogEntry } from '../../server/logging';
import { type RunningServer, startServer } from '../../server/start-server';
import { startTestPostgres, type TestPostgres } from '../server/helpers/postgres-cluster';
import { TOKENS } from '../server/helpers/test-endpoint';
import {
  accessibleTexts,
  clickAccessibleButton,
  clickLauncher,
  type ExtensionBrowser,
  editorFrame,
  launchWithExtension,
  waitFor,
} from './support/browser';
import { DEMO_SITE_DIR } from './support/paths';

const ANNA = 'Anna Berg';
const BRAM = 'Bram Kok';
const SIGNED_TEXT = 'Let managers sign form PO-7 in the portal instead of on paper';
const ANONYMOUS_TEXT = 'Nobody reads the procurement mailbox on Fridays';
const NEAR_DUPLICATE = 'Managers should sign the PO-7 form in the portal, not on paper';
const COLLEAGUE_REPLY = 'Yes, and contractors need it too';
const OWNER_REPLY = 'We will move PO-7 signing to the portal in January';

let postgres: TestPostgres;
let server: RunningServer;
let site: StaticServer;
let anna: ExtensionBrowser;
let bram: ExtensionBrowser;
let annaProfile: string;
const logs: LogEntry[] = [];

beforeAll(async () => {
  site = await startStaticServer({ '/': DEMO_SITE_DIR });
  postgres = await startTestPostgres();
  server = await startServer({
    port: 0,
    databaseUrl: postgres.databaseUrl,
    log: (entry) => logs.push(entry),
    tokens: [
      { token: TOKENS.write, role: 'write' },
      { token: TOKENS.owner, role: 'owner' },
    ],
  });
  annaProfile = await mkdtemp(join(tmpdir(), 'flywheel-voice-anna-'));
  anna = await launchWithExtension({ profile: annaProfile });
  bram = await launchWithExtension();
}, 90_000);

afterAll(async () => {
  await anna?.close();
  await bram?.close();
  await server?.close();
  await postgres?.stop();
  await site?.close();
  if (annaProfile) await rm(annaProfile, { recursive: true, force: true });
});

/** The options page, filled in as an employee would with what IT gave them. */
async function connect(browser: ExtensionBrowser, displayName: string): Promise<void> {
  const options = await browser.context.newPage();
  await options.goto(browser.extensionUrl('options.html'));
  await options.getByRole('textbox', { name: 'Endpoint URL' }).fill(server.containerUrl);
  await options.getByRole('textbox', { name: 'Access token' }).fill(TOKENS.write);
  await options.getByRole('textbox', { name: 'Display name' }).fill(displayName);
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await options.close();
}

/** Picks a category as a person does. */
async function chooseCategory(editor: Frame, label: string): Promise<void> {
  await editor.getByRole('combobox', { name: 'Category' }).selectOption({ label });
}

async function suggestOnStep(
  page: Page,
  step: string,
  text: string,
  anonymously: boolean,
): Promise<void> {
  await page.getByText(step).click({ clickCount: 3 });
  await clickLauncher(page);
  const editor = await editorFrame(page);
  await page.keyboard.type(text);
  await chooseCategory(editor, 'Could be simpler');
  if (anonymously) await editor.getByRole('checkbox', { name: 'Submit anonymously' }).check();
  await editor.getByRole('button', { name: 'Submit' }).click();
  await editor.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
  await page.keyboard.press('Escape');
}

interface Row {
  id: string;
  kind: string;
  document: { creator?: { name?: string }; body?: { value?: string }[] };
  status: string | null;
}

async function rows(): Promise<Row[]> {
  return server.database.query<Row>(
    'SELECT id::text AS id, kind, document, status FROM annotations ORDER BY seq',
  );
}
const bodyOf = (row: Row) => row.document.body?.[0]?.value ?? '';

/** Every row of every table of the endpoint's database, as text. */
async function everyRowAsText(): Promise<{ table: string; text: string }[]> {
  const tables = await server.database.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`,
  );
  const all: { table: string; text: string }[] = [];
  for (const { name } of tables) {
    const found = await server.database.query<{ text: string }>(
      `SELECT row_to_json(t)::text AS text FROM "${name.replaceAll('"', '')}" t`,
    );
    for (const row of found) all.push({ table: name, text: row.text });
  }
  return all;
}

async function openCardOf(page: Page, wanted: string): Promise<Frame> {
  // The navigator walks every suggestion on the page; open them in turn until A's is shown.
  for (let tries = 0; tries < 4; tries++) {
    await clickAccessibleButton(page, 'Next suggestion');
    await clickAccessibleButton(page, 'Open this suggestion');
    const card = await editorFrame(page);
    await card.getByRole('heading').first().waitFor();
    await waitFor(
      async () => ((await card.locator('body').textContent()) ?? '').length > 0,
      'the card',
    );
    if (((await card.locator('body').textContent()) ?? '').includes(wanted)) return card;
    await page.keyboard.press('Escape');
    await waitFor(
      async () => (await page.locator('[data-flywheel-ui="editor"]').count()) === 0,
      'the card to close',
    );
  }
  throw new Error(`No card shows ${wanted}`);
}

async function supportState(card: Frame): Promise<string | null> {
  return card.getByRole('button', { name: 'Support', exact: true }).getAttribute('aria-pressed');
}

async function serverVotes(suggestionId: string): Promise<number> {
  const found = await server.database.query<{ n: string | number }>(
    'SELECT count(*) AS n FROM votes WHERE annotation_id = $1',
    [suggestionId],
  );
  return Number(found[0]?.n ?? 0);
}

describe('the voice loop, two people and an owner', () => {
  it('carries a suggestion from A to B to the owner and back to A', async () => {
    await connect(anna, ANNA);
    await connect(bram, BRAM);
    const pageUrl = site.url('/purchase-order.html');

    // A suggests twice: once signed, once anonymously.
    const annaPage = await anna.context.newPage();
    await annaPage.goto(pageUrl);
    await suggestOnStep(
      annaPage,
      'Print the form and ask your manager to sign it.',
      SIGNED_TEXT,
      false,
    );
    await suggestOnStep(
      annaPage,
      'Scan the signed form and send it to procurement by email.',
      ANONYMOUS_TEXT,
      true,
    );
    await waitFor(
      async () => (await rows()).length === 2,
      'both suggestions at the endpoint',
      30_000,
    );
    const stored = await rows();
    const signed = stored.find((row) => bodyOf(row) === SIGNED_TEXT) as Row;
    const anonymous = stored.find((row) => bodyOf(row) === ANONYMOUS_TEXT) as Row;
    expect(signed.document.creator?.name).toBe(ANNA);
    expect(anonymous.document.creator).toBeUndefined();

    // B opens the page and sees both, counted as everyone's.
    const bramPage = await bram.context.newPage();
    await bramPage.goto(pageUrl);
    await waitFor(
      async () => (await accessibleTexts(bramPage)).includes('2 suggestions on this page'),
      "the count of A's suggestions on B's page",
      20_000,
    );
    const card = await openCardOf(bramPage, SIGNED_TEXT);
    expect(await card.locator('body').textContent()).toContain(ANNA);

    // Support, take it back, support again: one vote at the endpoint in the end.
    expect(await supportState(card)).toBe('false');
    await card.getByRole('button', { name: 'Support', exact: true }).click();
    await waitFor(async () => (await supportState(card)) === 'true', 'support pressed');
    await waitFor(
      async () => (await serverVotes(signed.id)) === 1,
      'the vote at the endpoint',
      20_000,
    );
    await card.getByRole('button', { name: 'Support', exact: true }).click();
    await waitFor(async () => (await supportState(card)) === 'false', 'support taken back');
    await waitFor(async () => (await serverVotes(signed.id)) === 0, 'the vote withdrawn', 20_000);
    await card.getByRole('button', { name: 'Support', exact: true }).click();
    await waitFor(async () => (await supportState(card)) === 'true', 'support pressed again');
    await waitFor(async () => (await serverVotes(signed.id)) === 1, 'the vote again', 20_000);
    expect(await card.locator('#support-count').textContent()).toBe('1');

    // B replies, signed with B's name.
    await card.getByRole('textbox', { name: 'Reply' }).fill(COLLEAGUE_REPLY);
    await card.getByRole('button', { name: 'Post reply' }).click();
    await card.getByRole('list', { name: 'Replies' }).getByText(COLLEAGUE_REPLY).waitFor();
    await waitFor(
      async () =>
        (await rows()).some((row) => row.kind === 'reply' && bodyOf(row) === COLLEAGUE_REPLY),
      'the reply at the endpoint',
      20_000,
    );
    const bramsReply = (await rows()).find((row) => bodyOf(row) === COLLEAGUE_REPLY) as Row;
    expect(bramsReply.document.creator?.name).toBe(BRAM);
    await bramPage.keyboard.press('Escape');
    await waitFor(
      async () => (await bramPage.locator('[data-flywheel-ui="editor"]').count()) === 0,
      'the card to close',
    );

    // B starts writing a near-duplicate and is offered A's suggestion, with Support.
    await bramPage.getByText('Fill in form PO-7 with the supplier').click({ clickCount: 3 });
    await clickLauncher(bramPage);
    const editor = await editorFrame(bramPage);
    await bramPage.keyboard.type(NEAR_DUPLICATE);
    const similar = editor.getByRole('list', { name: 'Similar suggestions' });
    const offered = similar.getByRole('listitem').filter({ hasText: SIGNED_TEXT });
    await offered.waitFor();
    expect(await offered.getByRole('button', { name: 'Support' }).count()).toBe(1);
    await bramPage.keyboard.press('Escape');

    // The owner signs in on the triage page, plans it and replies.
    const triage = await bram.context.newPage();
    await triage.goto(`${server.url}/triage`);
    await triage.getByLabel('Access token').fill(TOKENS.owner);
    await triage.getByRole('button', { name: 'Sign in' }).click();
    const article = triage.getByRole('article').filter({ hasText: SIGNED_TEXT });
    await article.waitFor();
    await article.getByRole('combobox', { name: 'Status' }).selectOption('planned');
    await article.getByRole('button', { name: 'Set status' }).click();
    await triage.waitForLoadState();
    const again = triage.getByRole('article').filter({ hasText: SIGNED_TEXT });
    await again.getByRole('textbox', { name: 'Reply' }).fill(OWNER_REPLY);
    await again.getByRole('button', { name: 'Post reply' }).click();
    await waitFor(
      async () => (await rows()).some((row) => bodyOf(row) === OWNER_REPLY),
      "the owner's reply",
    );
    await triage.close();

    // A hears back: the popup shows Planned and the reply, the badge counts it, one notification.
    // The popup page in a tab of its own (the toolbar popup's DevTools link can hang when it closes).
    const popup = await anna.context.newPage();
    await popup.goto(anna.extensionUrl('popup.html'));
    await waitFor(
      async () => {
        const text = (await popup.locator('body').textContent()) ?? '';
        return text.includes('Planned') && text.includes(OWNER_REPLY);
      },
      "Planned and the owner's reply in A's popup",
      75_000,
    );
    const annaWorker = await anna.currentWorker();
    expect(await annaWorker.evaluate(() => chrome.action.getBadgeText({}))).toBe('1');
    await waitFor(
      async () =>
        Object.keys(
          await (await anna.currentWorker()).evaluate(() => chrome.notifications.getAll()),
        ).length === 1,
      'one notification',
    );
    await popup.close();

    // After a browser restart, nothing is told twice.
    await anna.close();
    anna = await launchWithExtension({ profile: annaProfile });
    const popupAgain = await anna.context.newPage();
    await popupAgain.goto(anna.extensionUrl('popup.html'));
    await waitFor(
      async () => ((await popupAgain.locator('body').textContent()) ?? '').includes('Planned'),
      'the popup after restart',
      20_000,
    );
    await popupAgain.getByRole('button', { name: 'Sync now' }).click();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(
      Object.keys(await (await anna.currentWorker()).evaluate(() => chrome.notifications.getAll())),
    ).toEqual([]);
    await popupAgain.close();

    // The anonymous suggestion carries no identity anywhere on the server.
    const everything = await everyRowAsText();
    const anonymousRows = everything.filter((row) => row.text.includes(anonymous.id));
    expect(anonymousRows.length).toBeGreaterThan(0);
    for (const row of anonymousRows) {
      expect(row.text).not.toContain(ANNA);
      expect(row.text).not.toContain('Anna');
    }
    // Nothing it holds of its own (keys, hashes) appears beside A's signed suggestion.
    const own = (
      await server.database.query<{ key: string | null; hash: string | null }>(
        'SELECT idempotency_key AS key, author_secret_hash AS hash FROM annotations WHERE id = $1',
        [anonymous.id],
      )
    )[0];
    for (const value of [own?.key, own?.hash]) {
      if (!value) continue;
      expect(everything.filter((row) => row.text.includes(value)).length).toBe(1);
    }
    // The logs hold neither a name nor the anonymous suggestion's id.
    expect(logs.length).toBeGreaterThan(0);
    const logText = logs.map((entry) => JSON.stringify(entry)).join('\n');
    expect(logText).not.toContain('Anna');
    expect(logText).not.toContain(anonymous.id);
  }, 240_000);
});
