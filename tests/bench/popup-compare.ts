// Interleaved before/after of the popup's first list paint:
// node --import tsx tests/bench/popup-compare.ts <opens> <name>=<extension dir> [<name>=<dir> ...]
// Each build gets its own Chromium with the same 10,000 seeded suggestions (popup.ts's seed);
// the opens alternate between them, so noise on a shared machine falls on each alike.
import type { Page } from 'playwright-core';
import { type ExtensionBrowser, launchWithExtension } from '../e2e/support/browser';
import { INSTRUMENT, seedSuggestions } from './popup';
import { sleep, spread } from './stats';

const [opensArg, ...variantArgs] = process.argv.slice(2);
const opens = Number(opensArg);
const variants = variantArgs.map((arg) => {
  const [name, dir] = arg.split('=') as [string, string];
  return { name, dir };
});
if (!Number.isInteger(opens) || opens < 1 || variants.length === 0) {
  throw new Error('usage: popup-compare.ts <opens> <name>=<extension dir> ...');
}

async function openOnce(browser: ExtensionBrowser): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 400, height: 600 });
  await page.addInitScript(INSTRUMENT);
  await page.goto(browser.extensionUrl('popup.html'));
  await page.locator('ul li').first().waitFor();
  await page.waitForFunction(
    () =>
      (window as unknown as { __bench: { listFrameDone?: number } }).__bench.listFrameDone !==
      undefined,
  );
  await sleep(100);
  return page;
}

const browsers: ExtensionBrowser[] = [];
const figures = variants.map(() => ({
  paint: [] as number[],
  dom: [] as number[],
  fcp: [] as number[],
}));
try {
  for (const variant of variants) {
    const browser = await launchWithExtension({ extensionDir: variant.dir });
    browsers.push(browser);
    await seedSuggestions(browser, 10_000);
  }
  for (let run = -1; run < opens; run++) {
    // Alternate which goes first, so neither always follows the other.
    const order = variants.map((_, i) => i);
    if (run % 2 === 1) order.reverse();
    for (const i of order) {
      const page = await openOnce(browsers[i] as ExtensionBrowser);
      const times = await page.evaluate(() => {
        const bench = (window as unknown as { __bench: { listPaint?: number; listInDom?: number } })
          .__bench;
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
        return { listPaint: bench.listPaint, listInDom: bench.listInDom, fcp };
      });
      await page.close();
      if (run < 0) continue;
      const f = figures[i] as (typeof figures)[number];
      f.paint.push(times.listPaint ?? Number.NaN);
      f.dom.push(times.listInDom ?? Number.NaN);
      f.fcp.push(times.fcp ?? Number.NaN);
    }
  }
} finally {
  for (const browser of browsers) await browser.close();
}
const show = (values: number[]) => {
  const s = spread(values);
  return `${s.median.toFixed(1)} (${s.min.toFixed(0)}–${s.max.toFixed(0)}, n=${s.runs})`;
};
variants.forEach((variant, i) => {
  const f = figures[i] as (typeof figures)[number];
  console.log(
    `${variant.name}: first list paint ${show(f.paint)}; in DOM ${show(f.dom)}; FCP ${show(f.fcp)}`,
  );
  if (i === 0) return;
  // Paired by round: the same moment's noise falls on both.
  const base = figures[0] as (typeof figures)[number];
  const diff = f.paint.map((v, k) => v - (base.paint[k] ?? Number.NaN));
  console.log(
    `  ${variant.name} − ${variants[0]?.name}, first list paint, by round: ${show(diff)}`,
  );
});
