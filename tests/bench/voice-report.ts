// BENCHMARKS.md's section on the voice loop (issue 10) and its rows of the Budgets table, from
// the results of tests/bench/voice.ts. `npm run bench` calls these; run on its own,
// `node --import tsx tests/bench/voice-report.ts [--quick] [benchVoiceCard …]` measures only
// this module (or the functions named) and puts its section and its budget rows into the
// BENCHMARKS.md that is there; `--render` only writes them again from the figures kept there.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../e2e/support/paths';
import { table } from './report';
import { buildForBench } from './setup';
import { formatSpread, type Spread } from './stats';

/** What run.ts's runModule gives for one module. */
export interface VoiceModule {
  file: string;
  present: boolean;
  results: { name: string; value?: unknown; error?: string; seconds?: number }[];
}

export const VOICE_SECTION_TITLE = '6b. The voice loop: colleagues’ suggestions on the page';

type Paired = { marked: Spread; empty: Spread; added: Spread };
interface Highlights {
  rounds: number;
  suggestionsMarked: number;
  passagesFound: number;
  clock: string;
  traceWindow: string;
  marksSeen: string;
  marksSeenAfterNavigationMs: Spread;
  styleLayoutPaintMs: Paired;
  styleLayoutPaintForcedByScriptsMs: Paired;
  longestStyleLayoutPaintEventMs: Paired;
  styleMs: Paired;
  layoutMs: Paired;
  paintMs: Paired;
  prePaintMs: Paired;
  layerizeMs: Paired;
  allRenderingMs: Paired;
  stepsAlone: Record<
    'adoptedSheetStyleMs' | 'adoptedSheetPaintMs' | 'rangesStyleMs' | 'rangesPaintMs',
    Spread
  >;
  loadAverage: number[];
  budgetMet: boolean;
}
interface Endpoint {
  requestsPerView: {
    views: number;
    perView: string;
    firstViewOneFullRequest: boolean;
    reloadsOneConditional304: boolean;
    budgetMet: boolean;
  };
  slowEndpoint: {
    rounds: number;
    listingHeldBackMs: number;
    loadEventPromptMs: Spread;
    loadEventSlowMs: Spread;
    loadEventSlowMinusPromptMs: Spread;
    promptMarksShown: string;
    promptMarksAfterLoadMs: Spread;
    slowAnswerAfterLoadMs: Spread;
    slowListingAskedAfterLoadEvent: string;
    promptListingAskedAfterNavigationMs: Spread;
    slowListingAskedAfterNavigationMs: Spread;
    slowFirstViewMarksShown: string;
    slowFirstViewMarksAfterAnswerMs: Spread;
    slowNextViewMarksShown: string;
    slowNextViewMarksAfterLoadMs: Spread;
    slowNextViewAnswerAfterLoadMs: Spread;
  };
  loadAverage: number[];
}
type OpenFigures = Record<
  'frameDocumentStartedMs' | 'textInDomMs' | 'nextFrameMs' | 'afterFrameMs',
  Spread
>;
interface Card {
  opens: number;
  highlightClick: OpenFigures;
  navigatorOpen: OpenFigures;
  loadAverage: number[];
  budgetMet: boolean;
}
interface Similar {
  suggestionsOnSite: number;
  pagesOnSite?: number;
  pagesViewedFirstSeconds?: number;
  suggestionsKeptInTheBrowser?: number;
  seedingSeconds: number;
  drafts: string[];
  keystrokes: number;
  rankingOffersForDrafts?: string;
  pureRankingInNodeMs: { median: number; p95: number; max: number };
  loadAverage: number[];
  measured: string;
  keystrokesFollowedByAChange?: number;
  mostItemsShown?: number;
  keystrokeToListChangeMs?: Spread;
  keystrokeToListFirstShownMs?: Spread;
  budgetMet?: boolean;
}

/** The Budgets table's first column for this module's rows. */
const LABELS = {
  highlights:
    'highlights of 50 suggestions on a 10,000-element page ≤ 10 ms added main-thread work (trace thread time)',
  slowEndpoint:
    "the page's load event does not wait on the endpoint; highlights appear after its answer",
  requests: "a page view's cost to the endpoint: one conditional request",
  card: 'suggestion card opens ≤ 150 ms (trusted click → its text drawn in the frame)',
  similar: 'similar-suggestion list ≤ 200 ms after a keystroke, 1,000 suggestions on the site',
} as const;

const ms = (s: Spread | undefined, digits = 1) => (s ? formatSpread(s, digits) : 'n/a');
const fixed = (value: number | null | undefined, digits = 0) =>
  typeof value === 'number' ? value.toFixed(digits) : 'n/a';
const verdict = (met: boolean) => (met ? 'met' : '**not met**');

function resultOf<T>(m: VoiceModule, name: string): { value?: T; error?: string } {
  const found = m.results.find((r) => r.name === name);
  if (!found) return { error: m.present ? 'not run' : 'tests/bench/voice.ts is missing' };
  return found.error ? { error: found.error } : { value: found.value as T };
}

const failed = (error: string | undefined) =>
  `Failed: \`${(error ?? 'no result').split('\n')[0]}\``;

/** The voice loop's rows for the Budgets table (only what was measured gets a verdict). */
export function voiceVerdicts(m: VoiceModule): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const highlights = resultOf<Highlights>(m, 'benchVoiceHighlights');
  const h = highlights.value;
  rows.push([
    LABELS.highlights,
    h
      ? `style + layout + paint added (paired): ${ms(h.styleLayoutPaintMs.added)} ms, of which style ${ms(h.styleMs.added)} ms, layout ${ms(h.layoutMs.added)} ms; marks shown in ${h.marksSeen}`
      : failed(highlights.error),
    h ? verdict(h.budgetMet) : '–',
  ]);
  const endpoint = resultOf<Endpoint>(m, 'benchVoiceEndpoint');
  const e = endpoint.value;
  if (e) {
    const s = e.slowEndpoint;
    // The load event did not wait: in every view it came before the held-back answer.
    const loadFirst =
      s.slowAnswerAfterLoadMs.runs === s.rounds &&
      s.slowAnswerAfterLoadMs.min > 0 &&
      s.slowListingAskedAfterLoadEvent === `${s.rounds}/${s.rounds}`;
    const shownAfterAnswer = s.slowFirstViewMarksAfterAnswerMs.runs === s.rounds;
    rows.push([
      LABELS.slowEndpoint,
      `listing held back ${s.listingHeldBackMs} ms: asked after the load event in ${s.slowListingAskedAfterLoadEvent} views, load event slow − prompt (paired) ${ms(s.loadEventSlowMinusPromptMs)} ms (noise), answer ${ms(s.slowAnswerAfterLoadMs, 0)} ms after the load event; highlights on that first view ${s.slowFirstViewMarksShown}${shownAfterAnswer ? `, ${ms(s.slowFirstViewMarksAfterAnswerMs, 0)} ms after the answer` : ''}; on the next view (listing kept) ${s.slowNextViewMarksShown}, ${ms(s.slowNextViewMarksAfterLoadMs, 0)} ms after the load event`,
      `${loadFirst ? 'met' : '**not met**'} for the load event; ${shownAfterAnswer ? 'met' : '**not met**'} for highlights after the answer`,
    ]);
    const r = e.requestsPerView;
    rows.push([
      LABELS.requests,
      `${r.views} views: ${r.perView} (the 304's rate against the full listing: section 7)`,
      verdict(r.budgetMet),
    ]);
  } else {
    rows.push([LABELS.slowEndpoint, failed(endpoint.error), '–']);
    rows.push([LABELS.requests, failed(endpoint.error), '–']);
  }
  const card = resultOf<Card>(m, 'benchVoiceCard');
  const c = card.value;
  rows.push([
    LABELS.card,
    c
      ? `click on a highlight: median ${fixed(c.highlightClick.afterFrameMs.median)} ms, p95 ${fixed(c.highlightClick.afterFrameMs.p95)} ms; \`Open this suggestion\`: median ${fixed(c.navigatorOpen.afterFrameMs.median)} ms, p95 ${fixed(c.navigatorOpen.afterFrameMs.p95)} ms (${c.opens} opens each)`
      : failed(card.error),
    c ? `${verdict(c.budgetMet)} (judged on the p95)` : '–',
  ]);
  const similar = resultOf<Similar>(m, 'benchVoiceSimilarList');
  const s = similar.value;
  const lowerBound = s
    ? `; the ranking alone (Node, same 1,000): median ${s.pureRankingInNodeMs.median} ms, p95 ${s.pureRankingInNodeMs.p95} ms a keystroke`
    : '';
  rows.push([
    LABELS.similar,
    s
      ? s.keystrokeToListChangeMs
        ? `keystroke → list changed: median ${fixed(s.keystrokeToListChangeMs.median)} ms, p95 ${fixed(s.keystrokeToListChangeMs.p95)} ms (${s.keystrokesFollowedByAChange} of ${s.keystrokes} keystrokes changed it)${lowerBound}`
        : `${s.measured}${lowerBound}`
      : failed(similar.error),
    s?.budgetMet === undefined ? '–' : `${verdict(s.budgetMet)} (judged on the p95)`,
  ]);
  return rows;
}

function highlightsPart(m: VoiceModule): string[] {
  const { value: h, error } = resultOf<Highlights>(m, 'benchVoiceHighlights');
  if (!h) return ['### Highlights of 50 suggestions (`benchVoiceHighlights`)', '', failed(error)];
  const row = (label: string, p: Paired) => [label, ms(p.marked), ms(p.empty), ms(p.added)];
  return [
    '### Highlights of 50 suggestions (`benchVoiceHighlights`)',
    '',
    `The 10,000-element page of section 2, twice under two addresses on the configured site: one`,
    `with ${h.suggestionsMarked} colleagues' suggestions at the endpoint (anchored to ${h.passagesFound} numbered steps spread`,
    'over the page, with the selectors the extension writes), one with none. Loaded alternately',
    `in fresh tabs (the order swaps each round, one warm-up round discarded), ${h.rounds} rounds. A CDP`,
    `trace (\`devtools.timeline\`) runs from ${h.traceWindow} in both; the figures`,
    `are ${h.clock} of the page's renderer main thread in UpdateLayoutTree/RecalcStyle,`,
    'Layout and Paint events (nested events counted once), and the paired difference of each',
    'round. The added work includes the navigator appearing (it shows only with suggestions) and',
    'any style or layout the anchoring forces; "forced by scripts" is the part inside script or',
    `callback events. Marks (\`CSS.highlights\`) seen in ${h.marksSeen}, ${ms(h.marksSeenAfterNavigationMs, 0)} ms after navigation.`,
    '',
    'Median (min–max) ms:',
    '',
    table(
      ['thread time', `${h.suggestionsMarked} marks`, 'none', 'added (paired)'],
      [
        row('style + layout + paint (the budget)', h.styleLayoutPaintMs),
        row('  of it forced by scripts', h.styleLayoutPaintForcedByScriptsMs),
        row('  longest single event', h.longestStyleLayoutPaintEventMs),
        row('UpdateLayoutTree / RecalcStyle', h.styleMs),
        row('Layout', h.layoutMs),
        row('Paint', h.paintMs),
        row('PrePaint (not in the budget)', h.prePaintMs),
        row('Layerize (not in the budget)', h.layerizeMs),
        row('all of these', h.allRenderingMs),
      ],
    ),
    '',
    "Where it goes: the highlighter's two steps, each alone, in a settled copy of the page on the",
    'unconfigured host (no content script), traced from just before the step to three frames',
    `after: the document adopting its style sheet (one \`::highlight\` rule) costs ${ms(h.stepsAlone.adoptedSheetStyleMs)} ms of style`,
    `recalculation and ${ms(h.stepsAlone.adoptedSheetPaintMs)} ms of paint and pre-paint; putting the 50 ranges in \`CSS.highlights\``,
    `costs ${ms(h.stepsAlone.rangesStyleMs)} ms of style and ${ms(h.stepsAlone.rangesPaintMs)} ms of paint and pre-paint (thread time, ${h.stepsAlone.rangesPaintMs.runs} runs each).`,
    '',
    `Budget: ≤ 10 ms added → ${verdict(h.budgetMet)} (load average ${h.loadAverage.join(', ')} at the end).`,
  ];
}

function endpointPart(m: VoiceModule): string[] {
  const { value: e, error } = resultOf<Endpoint>(m, 'benchVoiceEndpoint');
  const title =
    '### The endpoint: a slow listing, and requests per page view (`benchVoiceEndpoint`)';
  if (!e) return [title, '', failed(error)];
  const s = e.slowEndpoint;
  const r = e.requestsPerView;
  return [
    title,
    '',
    'The extension talks to the endpoint through a loopback proxy (`tests/bench/listing-proxy.ts`)',
    'that records every page listing request (`GET ?target=<page>`: whether it carried',
    'If-None-Match, the status answered) and can hold its answers back.',
    '',
    `Requests per view: a fresh page with 50 suggestions, viewed once and reloaded ${r.views - 1} times; each`,
    'view waits for its marks, its answers and 1.5 s of quiet. Listing requests per view, in order:',
    `${r.perView}. One full request on the first view: ${r.firstViewOneFullRequest ? 'yes' : '**no**'}; one`,
    `conditional request answered 304 on each reload: ${r.reloadsOneConditional304 ? 'yes' : '**no**'}.`,
    '',
    `A slow endpoint: the listing's answer held back ${s.listingHeldBackMs} ms, against the same proxy answering`,
    `at once, alternated over ${s.rounds} rounds (one warm-up round discarded), each on a fresh copy of the`,
    'large page with 50 suggestions (nothing kept yet); then the slow page is viewed once more (its',
    "listing now kept). Times are the page's navigation timing and, for the answer and the marks, the",
    "wall clock (the proxy's, and a 10 ms poll of `CSS.highlights` in the page). Median (min–max) ms:",
    '',
    table(
      ['figure', 'value'],
      [
        ['load event, endpoint answering at once', ms(s.loadEventPromptMs)],
        ['load event, endpoint answering after the delay', ms(s.loadEventSlowMs)],
        ['  paired difference, slow − prompt', ms(s.loadEventSlowMinusPromptMs)],
        ['prompt: marks shown', s.promptMarksShown],
        ['prompt: load event → marks', ms(s.promptMarksAfterLoadMs, 0)],
        ['prompt: navigation → the listing asked', ms(s.promptListingAskedAfterNavigationMs, 0)],
        ['slow: navigation → the listing asked', ms(s.slowListingAskedAfterNavigationMs, 0)],
        ['slow: the listing asked after the load event', s.slowListingAskedAfterLoadEvent],
        ['slow: load event → the listing answered', ms(s.slowAnswerAfterLoadMs, 0)],
        ['slow, first view: marks shown (within 4 s of the answer)', s.slowFirstViewMarksShown],
        ['slow, first view: answer → marks', ms(s.slowFirstViewMarksAfterAnswerMs, 0)],
        ['slow, next view (listing kept): marks shown', s.slowNextViewMarksShown],
        ['slow, next view: load event → marks', ms(s.slowNextViewMarksAfterLoadMs, 0)],
        ['slow, next view: load event → the 304 answered', ms(s.slowNextViewAnswerAfterLoadMs, 0)],
      ],
    ),
    '',
    `The listing is asked after the load event in ${s.slowListingAskedAfterLoadEvent} slow views and answered 3 s after it, so`,
    'the load event does not wait on the endpoint; the paired difference of whole loads in',
    'separate tabs is noise on this machine (its sign changed between runs; see its range). The',
    'first view of a page whose listing is slow shows no marks: the background waits 1.5 s',
    '(`LISTING_WAIT_MS`), answers the page with what is kept (nothing yet) and keeps the late answer',
    'for the next view, which shows it at once.',
    `Load average ${e.loadAverage.join(', ')} at the end.`,
  ];
}

function cardPart(m: VoiceModule): string[] {
  const { value: c, error } = resultOf<Card>(m, 'benchVoiceCard');
  const title = '### A card opens (`benchVoiceCard`)';
  if (!c) return [title, '', failed(error)];
  const rows = (label: string, f: OpenFigures) =>
    (
      [
        ['frame document started', f.frameDocumentStartedMs],
        ["card's text in the frame's DOM", f.textInDomMs],
        ['the next animation frame', f.nextFrameMs],
        ['after that frame (the budget figure)', f.afterFrameMs],
      ] as const
    ).map(([what, s]) => [
      `${label}: ${what}`,
      fixed(s.median, 1),
      fixed(s.p95, 1),
      `${fixed(s.min, 1)}–${fixed(s.max, 1)}`,
    ]);
  return [
    title,
    '',
    "The large page with 50 colleagues' suggestions. Each open: a trusted mouse click on a highlight",
    '(a different one each time, scrolled into view), or `Next suggestion` then `Open this',
    'suggestion` on the navigator (found through the accessibility tree, clicked where drawn); then',
    `Escape closes the card. ${c.opens} opens of each kind after one warm-up each. Start: the page's`,
    "trusted `click` event's `timeStamp` (a capture listener in the page, installed before its",
    'scripts). End: in the extension frame, a MutationObserver installed before its scripts sees',
    "the suggestion's text in the document; then its next `requestAnimationFrame` callback (the",
    'frame that draws it), and a task queued from there (that frame done). All times are',
    '`performance.timeOrigin + …`, the wall clock shared by the page and the frame.',
    '',
    table(
      ['click → …, ms', 'median', 'p95', 'min–max'],
      [...rows('highlight', c.highlightClick), ...rows('navigator', c.navigatorOpen)],
    ),
    '',
    `Budget: ≤ 150 ms → ${verdict(c.budgetMet)} (judged on the p95 of "after that frame"; load average ${c.loadAverage.join(', ')} at the end).`,
  ];
}

function similarPart(m: VoiceModule): string[] {
  const { value: s, error } = resultOf<Similar>(m, 'benchVoiceSimilarList');
  const title = '### Similar suggestions while writing (`benchVoiceSimilarList`)';
  if (!s) return [title, '', failed(error)];
  const lines = [
    title,
    '',
    `${s.suggestionsOnSite.toLocaleString('en')} suggestions on the site at the endpoint (the set of section 9: the labelled`,
    `near-duplicates and generated ones, on ${s.pagesOnSite ?? '?'} pages of the configured site; seeding took ${s.seedingSeconds} s).`,
    `Each page is viewed once first, six tabs at a time (${s.pagesViewedFirstSeconds ?? '?'} s), so that the browser holds the site's`,
    `listings as a colleague's would (${s.suggestionsKeptInTheBrowser ?? '?'} suggestions kept). Then, on the page of a labelled group,`,
    'the passage is selected by dragging, the launcher clicked,',
    "and a near-duplicate of that page's suggestions typed into `Suggestion` one key at a time:",
    s.drafts.map((d) => `"${d}"`).join('; '),
    `(${s.keystrokes} keystrokes). After each key the bench waits for the next change of what the list named`,
    '`Similar suggestions` shows (it appearing, changing or going away; a MutationObserver in the',
    "frame, installed before its scripts) or 1 s. Start: the `keydown` event's `timeStamp` in the frame.",
    '',
  ];
  if (!s.keystrokeToListChangeMs) {
    lines.push(
      `**${s.measured}** (in this build, after typing the whole draft; the ranking alone finds similar suggestions for it: ${s.rankingOffersForDrafts ?? '?'}).`,
    );
  } else {
    lines.push(
      table(
        ['figure', 'value'],
        [
          [
            'keystrokes followed by a change of the list',
            `${s.keystrokesFollowedByAChange} of ${s.keystrokes}`,
          ],
          ['most items shown', String(s.mostItemsShown)],
          ['keystroke → list changed, median (min–max) ms', ms(s.keystrokeToListChangeMs)],
          ['  p95 ms', fixed(s.keystrokeToListChangeMs.p95, 1)],
          ['keystroke → list first shown, ms', ms(s.keystrokeToListFirstShownMs)],
        ],
      ),
      '',
      `Budget: ≤ 200 ms → ${verdict(s.budgetMet === true)} (judged on the p95).`,
    );
  }
  lines.push(
    '',
    `Lower bound: the ranking alone (\`similarTo\` of utils/ui/similar.ts in Node, the same 1,000`,
    `suggestions, every prefix typed here): median ${s.pureRankingInNodeMs.median} ms, p95 ${s.pureRankingInNodeMs.p95} ms, max ${s.pureRankingInNodeMs.max} ms`,
    'a keystroke; section 9 times it over 1,657 keystrokes in Node and in Chromium.',
    `Load average ${s.loadAverage.join(', ')} at the end.`,
  );
  return lines;
}

/** The whole section, as `## 6b. …`. */
export function voiceSection(m: VoiceModule, note?: string): string {
  const parts = [
    `## ${VOICE_SECTION_TITLE}`,
    '',
    ...(note ? [note, ''] : []),
    "From `tests/bench/voice.ts` (issue 10): Debian's Chromium with the benchmark build, the",
    'reference endpoint (`server/start-server.ts`, in-memory PGlite) on loopback, the endpoint',
    'configured in the options page as a person would. Figures on a busy machine are noisy: the',
    'load average is given with each part; trace thread time and in-browser timestamps are the',
    'steadier figures.',
  ];
  if (!m.present)
    return [...parts, '', '`tests/bench/voice.ts` does not exist: no figures.'].join('\n');
  for (const part of [highlightsPart(m), endpointPart(m), cardPart(m), similarPart(m)]) {
    parts.push('', ...part);
  }
  const seconds = m.results.map((r) => `${r.name} ${r.seconds?.toFixed(0) ?? '?'} s`).join(', ');
  parts.push('', `(ran in ${seconds})`);
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// On its own: measure this module and put its figures into the BENCHMARKS.md that is there.

const BENCH_FUNCTIONS = [
  'benchVoiceHighlights',
  'benchVoiceEndpoint',
  'benchVoiceCard',
  'benchVoiceSimilarList',
];

function runOne(name: string, limitSeconds: number): VoiceModule['results'][number] {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'tests', 'bench', 'run-module.ts'), 'voice.ts', name],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: limitSeconds * 1000, killSignal: 'SIGKILL' },
  );
  const last = child.stdout?.trim().split('\n').at(-1) ?? '';
  if (child.error || child.status !== 0 || !last.startsWith('{')) {
    const message =
      child.signal === 'SIGKILL'
        ? `did not finish within ${limitSeconds} s`
        : (child.stderr || String(child.error)).trim().split('\n').slice(0, 3).join(' ');
    return { name, error: message.replaceAll(REPO_ROOT, '') };
  }
  const parsed = JSON.parse(last) as { value: unknown; seconds: number };
  return { name, value: parsed.value, seconds: parsed.seconds };
}

async function main() {
  if (process.argv.includes('--quick')) process.env.FLYWHEEL_BENCH_QUICK = '1';
  const only = process.argv.slice(2).filter((a) => a.startsWith('bench'));
  // `--render`: no measuring, the section written again from the figures it holds.
  const renderOnly = process.argv.includes('--render');
  if (!renderOnly) buildForBench();
  const before = loadavg()[0] ?? 0;
  const path = join(REPO_ROOT, 'BENCHMARKS.md');
  let markdown = await readFile(path, 'utf8');
  const previous = markdown.match(/^## 6b\. [\s\S]*?(?=^## )/m)?.[0];
  const kept = new Map<string, VoiceModule['results'][number]>();
  // Functions not asked for keep the figures of the section already there, if any.
  const json = previous?.match(/<!-- voice-results (.*) -->/)?.[1];
  if (json) for (const r of JSON.parse(json) as VoiceModule['results']) kept.set(r.name, r);
  const results = BENCH_FUNCTIONS.map((name) => {
    if (renderOnly || (only.length > 0 && !only.includes(name))) {
      return kept.get(name) ?? { name, error: 'not run' };
    }
    console.log(`voice.ts: ${name}…`);
    return runOne(name, 400);
  });
  const module: VoiceModule = { file: 'voice.ts', present: true, results };
  const previousNote = previous?.split('\n')[2]?.startsWith('Measured on its own')
    ? previous.split('\n')[2]
    : undefined;
  const note =
    renderOnly && previousNote
      ? previousNote
      : `Measured on its own${only.length > 0 ? ` (this time ${only.join(', ')}; the rest kept from before)` : ''} by \`node --import tsx tests/bench/voice-report.ts${process.argv.includes('--quick') ? ' --quick' : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${before.toFixed(1)} at the start; \`npm run bench\` measures it with the rest.`;
  const section = `${voiceSection(module, note)}\n\n<!-- voice-results ${JSON.stringify(results)} -->\n\n`;
  markdown = previous
    ? markdown.replace(previous, section)
    : markdown.replace(/^## (?:7|Not measured here)/m, (heading) => `${section}${heading}`);
  // The Budgets table: this module's rows replace the ones it wrote before, at its end.
  const rows = voiceVerdicts(module).map((row) => table(['', '', ''], [row]).split('\n')[2]);
  const ours = new Set<string>(Object.values(LABELS));
  const tableMatch = markdown.match(/## Budgets \(DESIGN\.md\)\n\n((?:\|.*\n)+)/);
  if (tableMatch?.[1]) {
    const lines = tableMatch[1]
      .trimEnd()
      .split('\n')
      .filter((line) => ![...ours].some((label) => line.startsWith(`| ${label} |`)));
    markdown = markdown.replace(tableMatch[1], `${[...lines, ...rows].join('\n')}\n`);
  }
  await writeFile(path, markdown);
  console.log(`Wrote the voice section (load average ${before.toFixed(1)} at the start).`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
