// Similar suggestions while writing: from a keystroke (the draft changed) to the ranked list,
// with 1,000 suggestions on the site. In Node, and in Chromium with the module bundled by
// esbuild as the editor bundles it. Budget: <= 200 ms per keystroke.
// Runs on its own too: `node --import tsx tests/bench/similar.ts`.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { createSimilarIndex, type SimilarCandidate } from '../../utils/ui/similar';
import { CHROMIUM } from '../e2e/support/browser';
import { REPO_ROOT } from '../e2e/support/paths';
import { seededRandom } from '../support/seeded-random';
import { round, spread } from './stats';

const SITE = 'https://intranet.example';

interface Keystroke {
  draft: string;
  pageUrl: string;
  quote: string;
}
const BUDGET_MS = 200;

interface Fixture {
  groups: {
    page: string;
    quote: string;
    existing: { id: string; text: string }[];
    drafts: { text: string }[];
  }[];
}
const fixture = JSON.parse(
  readFileSync(join(REPO_ROOT, 'tests/fixtures/similar/near-duplicates.json'), 'utf8'),
) as Fixture;

// Pieces of process suggestions as people write them, in English and Dutch.
const ASKS = [
  'Allow',
  'Please add',
  'Make it possible to use',
  'Stop requiring',
  'Simplify',
  'Automate',
  'Explain on this page',
  'Send a reminder about',
  'Laat ons',
  'Maak het mogelijk om',
  'Vereenvoudig',
  'Automatiseer',
];
const THINGS = [
  'the approval step for purchase orders',
  'the expense claim form',
  'leave requests for half days',
  'the manager signature on timesheets',
  'access requests for shared drives',
  'the paper form at reception',
  'the travel agency portal',
  'a reminder before the deadline',
  'the onboarding checklist for new hires',
  'electronic signatures on contracts',
  'the supplier registration form',
  'de goedkeuring door het afdelingshoofd',
  'het declaratieformulier',
  'de urenstaat van vorige week',
  'het aanvragen van verlof',
  'de melding bij de servicedesk',
];
const BECAUSE = [
  'because it takes two weeks now',
  'so we do not have to print and scan',
  'instead of emailing HR',
  'since most requests are the same every month',
  'for people who work part-time',
  'zodat we niet hoeven te bellen',
  'in plaats van een papieren formulier',
  'want nu duurt het te lang',
  '',
];

/** 1,000 suggestions on one site over 50 pages: the labelled set's, then generated ones. */
export function siteSuggestions(count = 1000): SimilarCandidate[] {
  const random = seededRandom(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const real = fixture.groups.flatMap((group) =>
    group.existing.map((item) => ({
      id: item.id,
      text: item.text,
      quote: group.quote,
      pageUrl: `${SITE}${group.page}`,
      supportCount: Math.floor(random() * 10),
    })),
  );
  const generated: SimilarCandidate[] = [];
  for (let i = real.length; i < count; i++) {
    const group = pick(fixture.groups);
    generated.push({
      id: `generated-${i}`,
      text: `${pick(ASKS)} ${pick(THINGS)} ${pick(BECAUSE)}`.trim(),
      quote: group.quote,
      pageUrl: `${SITE}/process/${Math.floor(random() * 50)}`,
      supportCount: Math.floor(random() * 10),
    });
  }
  return [...real, ...generated].slice(0, count);
}

/** Every prefix of 20 drafts of the labelled set: what the editor sees, keystroke by keystroke. */
function keystrokes(): Keystroke[] {
  return fixture.groups.slice(0, 20).flatMap((group) => {
    const text = group.drafts[0]?.text ?? '';
    return [...text].map((_, i) => ({
      draft: text.slice(0, i + 1),
      pageUrl: `${SITE}${group.page}`,
      quote: group.quote,
    }));
  });
}

/**
 * Which keystrokes rank the site at all: below three words that say something the module
 * answers at once, and those would flatter the median.
 */
function ranking(candidates: SimilarCandidate[], keys: Keystroke[]): boolean[] {
  const index = createSimilarIndex(candidates);
  return keys.map(
    (key) => index.similarTo(key.draft, { pageUrl: key.pageUrl, minScore: 0, limit: 1 }).length > 0,
  );
}

function inNode(candidates: SimilarCandidate[]) {
  const buildStarted = performance.now();
  const index = createSimilarIndex(candidates);
  const buildMs = performance.now() - buildStarted;
  const times: number[] = [];
  let offered = 0;
  const cpuBefore = process.cpuUsage();
  for (const key of keystrokes()) {
    const started = performance.now();
    const result = index.similarTo(key.draft, { pageUrl: key.pageUrl, quote: key.quote });
    times.push(performance.now() - started);
    if (result.length > 0) offered++;
  }
  // CPU time too: on a shared machine the wall clock also counts other people's work.
  const cpu = process.cpuUsage(cpuBefore);
  return {
    buildMs,
    times,
    offered,
    cpuMsPerKeystroke: (cpu.user + cpu.system) / 1000 / times.length,
  };
}

// Plain JavaScript, sent as text (see anchoring-chromium.ts): the same loop as inNode.
const IN_PAGE = `({ candidates, keys }) => {
  const api = globalThis.flywheelSimilar;
  const buildStarted = performance.now();
  const index = api.createSimilarIndex(candidates);
  const buildMs = performance.now() - buildStarted;
  const times = [];
  let offered = 0;
  for (const key of keys) {
    const started = performance.now();
    const result = index.similarTo(key.draft, { pageUrl: key.pageUrl, quote: key.quote });
    times.push(performance.now() - started);
    if (result.length > 0) offered++;
  }
  return { buildMs, times, offered };
}`;

async function inChromium(candidates: SimilarCandidate[]) {
  const bundle = await build({
    entryPoints: [join(REPO_ROOT, 'utils/ui/similar.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'flywheelSimilar',
    write: false,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>similar</title>');
    await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
    const run = await page.evaluateHandle(IN_PAGE);
    return (await run.evaluate((fn, data) => (fn as (d: unknown) => unknown)(data), {
      candidates,
      keys: keystrokes(),
    })) as Omit<ReturnType<typeof inNode>, 'cpuMsPerKeystroke'>;
  } finally {
    await browser.close();
  }
}

const summary = (run: Omit<ReturnType<typeof inNode>, 'cpuMsPerKeystroke'>, ranked: boolean[]) => {
  const s = spread(run.times);
  const r = spread(run.times.filter((_, i) => ranked[i]));
  return {
    keystrokes: s.runs,
    medianMs: round(s.median, 3),
    p95Ms: round(s.p95, 3),
    maxMs: round(s.max, 3),
    rankingKeystrokes: r.runs,
    rankingMedianMs: round(r.median, 3),
    rankingP95Ms: round(r.p95, 3),
    overBudget: run.times.filter((ms) => ms > BUDGET_MS).length,
    indexBuildMs: round(run.buildMs, 1),
    keystrokesWithOffers: run.offered,
    budgetMet: s.p95 <= BUDGET_MS,
  };
};

export async function benchSimilar() {
  const candidates = siteSuggestions();
  const ranked = ranking(candidates, keystrokes());
  const nodeRun = inNode(candidates);
  const node = {
    ...summary(nodeRun, ranked),
    cpuMsPerKeystroke: round(nodeRun.cpuMsPerKeystroke, 3),
  };
  let chromiumFigures: ReturnType<typeof summary> | { error: string };
  // Measured in Chromium whatever happens in Node, and reported as an error if it cannot start.
  try {
    chromiumFigures = summary(await inChromium(candidates), ranked);
  } catch (error) {
    chromiumFigures = { error: error instanceof Error ? error.message : String(error) };
  }
  return {
    suggestionsOnSite: candidates.length,
    loadAverage: loadavg().map((value) => round(value, 1)),
    budget: `<= ${BUDGET_MS} ms from a keystroke to the ranked list`,
    node,
    chromium: chromiumFigures,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchSimilar(), null, 2));
}
