// Runs one exported bench function of a sibling module in its own process and prints its result
// as JSON on the last line, so the runner can bound its time:
// node --import tsx tests/bench/run-module.ts <file> <function>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, name] = process.argv.slice(2);
const module = (await import(pathToFileURL(join(import.meta.dirname, file ?? '')).href)) as Record<
  string,
  unknown
>;
const bench = module[name ?? ''];
if (typeof bench !== 'function') throw new Error(`${file} exports no function ${name}`);
const started = performance.now();
const value: unknown = await (bench as () => unknown)();
console.log(JSON.stringify({ value, seconds: (performance.now() - started) / 1000 }));
