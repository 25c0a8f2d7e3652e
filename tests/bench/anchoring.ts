// Anchoring benchmarks, run in Node on happy-dom (not a browser: absolute times in Chromium
// differ, the ratios are what to compare). Exported for the benchmark runner; running this
// file on its own (node --import tsx tests/bench/anchoring.ts) prints the figures as JSON.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Window } from 'happy-dom';
import { createAnchorer, type Selector } from '../../utils/anchoring';
import { seededRandom } from '../support/seeded-random';
import { baselineAnchor, CORPUS, judge, loadDocument } from '../unit/anchoring/corpus';
import { WORDS } from './large-page';

interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    median: round(sorted[Math.floor(sorted.length / 2)] as number),
    min: round(sorted[0] as number),
    max: round(sorted.at(-1) as number),
  };
}

/** A wiki-like page: headings, numbered procedures, tables and notes, about `bytes` of text. */
export function largePage(bytes = 1_000_000): Document {
  const next = seededRandom(42);
  const sentence = () => {
    const length = 8 + Math.floor(next() * 14);
    const words = Array.from({ length }, () => WORDS[Math.floor(next() * WORDS.length)]);
    return `${words.join(' ')} ${Math.floor(next() * 1000)}.`;
  };
  const parts: string[] = [
    '<header><nav><a href="#">Home</a> <a href="#">Processes</a></nav></header><main>',
  ];
  let size = 0;
  for (let section = 0; size < bytes; section++) {
    const items = Array.from({ length: 6 }, () => `<li>${sentence()} <b>${sentence()}</b></li>`);
    const rows = Array.from(
      { length: 4 },
      () => `<tr><td>${sentence()}</td><td>${sentence()}</td></tr>`,
    );
    const html = `<section id="s${section}"><h2>Process ${section}</h2><p>${sentence()} <em>${sentence()}</em> ${sentence()}</p><ol>${items.join('')}</ol><table>${rows.join('')}</table></section>`;
    parts.push(html);
    size += html.replace(/<[^>]+>/g, '').length;
  }
  parts.push('</main>');
  const window = new Window({ settings: { disableJavaScriptFileLoading: true } });
  const document = window.document as unknown as Document;
  document.body.innerHTML = parts.join('');
  return document;
}

/** 200 unchanged suggestions re-anchored on a ~1 MB-text page: index build + every anchor. */
export async function benchReanchor200(runs = 5) {
  const document = largePage();
  const describer = createAnchorer(document);
  const { text } = describer.index;
  const next = seededRandom(7);
  const suggestions: Selector[][] = [];
  while (suggestions.length < 200) {
    const start = Math.floor(next() * (text.length - 200));
    const end = start + 20 + Math.floor(next() * 100);
    const selectors = describer.describe(describer.index.rangeOf(start, end));
    if (selectors.length > 0) suggestions.push(selectors);
  }
  const totals: number[] = [];
  const locating: number[] = [];
  const builds: number[] = [];
  const slowest: number[] = [];
  let anchored = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const anchorer = createAnchorer(document);
    builds.push(performance.now() - started);
    let longest = 0;
    anchored = 0;
    for (const selectors of suggestions) {
      const before = performance.now();
      if (anchorer.anchor(selectors)) anchored++;
      longest = Math.max(longest, performance.now() - before);
    }
    totals.push(performance.now() - started);
    slowest.push(longest);
    // The same work without making Range objects: happy-dom's Range boundary checks walk to the
    // end of the document (O(page) per range), which browsers do not.
    const locateStarted = performance.now();
    const locator = createAnchorer(document);
    for (const selectors of suggestions) locator.locate(selectors);
    locating.push(performance.now() - locateStarted);
  }
  return {
    environment: 'happy-dom in Node',
    textLength: text.length,
    suggestions: suggestions.length,
    anchored,
    totalMs: spread(totals),
    locateOnlyTotalMs: spread(locating),
    indexBuildMs: spread(builds),
    slowestAnchorMs: spread(slowest),
  };
}

/** Edited corpus quotes: Flywheel's windowed fuzzy anchoring vs one full-text approx scan. Timed
 * like for like: Flywheel's locate() (text only, as the scan is) rather than anchor(), whose
 * Range costs O(page) per call in happy-dom (not in browsers); accuracy from anchor(). */
export async function benchFuzzyVsBaseline(runs = 5) {
  const documents = CORPUS.map(loadDocument);
  const edited = documents.flatMap((loaded) =>
    loaded.cases
      .filter((item) => item.label === 'edited')
      .map((item) => ({ loaded, item, anchorer: createAnchorer(loaded.newDocument) })),
  );
  const flywheelTimes: number[] = [];
  const baselineTimes: number[] = [];
  const counts = {
    flywheel: { correct: 0, wrong: 0, orphan: 0 },
    baseline: { correct: 0, wrong: 0, orphan: 0 },
  };
  for (let run = 0; run < runs; run++) {
    let flywheelMs = 0;
    let baselineMs = 0;
    // CPU time of this process (the work is single-threaded), not wall time: the machine's other
    // load does not count.
    const cpu = () => {
      const used = process.cpuUsage();
      return (used.user + used.system) / 1000;
    };
    for (const { loaded, item, anchorer } of edited) {
      let started = cpu();
      anchorer.locate(item.selectors);
      flywheelMs += cpu() - started;
      const range = run === 0 ? anchorer.anchor(item.selectors) : null;
      started = cpu();
      const baseline = baselineAnchor(loaded.newText, item.selectors);
      baselineMs += cpu() - started;
      if (run === 0) {
        counts.flywheel[judge(range ? loaded.spanOf(range) : null, item, loaded.newText)]++;
        counts.baseline[judge(baseline, item, loaded.newText)]++;
      }
    }
    flywheelTimes.push(flywheelMs);
    baselineTimes.push(baselineMs);
  }
  const flywheel = spread(flywheelTimes);
  const baseline = spread(baselineTimes);
  return {
    environment: 'happy-dom in Node, CPU time',
    editedQuotes: edited.length,
    flywheelMs: flywheel,
    baselineMs: baseline,
    timeRatio: Math.round((flywheel.median / baseline.median) * 100) / 100,
    accuracy: counts,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  console.log(
    JSON.stringify(
      { reanchor200: await benchReanchor200(), fuzzyVsBaseline: await benchFuzzyVsBaseline() },
      null,
      2,
    ),
  );
}
