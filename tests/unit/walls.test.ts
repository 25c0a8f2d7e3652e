// The walls between contexts (docs/ARCHITECTURE.md) are held by the linter: each case writes a
// probe module into a folder, lints it with the project's own configuration, and expects the
// import to be refused (or, for the allowed ones, accepted).
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const biome = join(root, 'node_modules/@biomejs/biome/bin/biome');

async function lint(folder: string, source: string): Promise<string> {
  const file = join(root, folder, `wall-probe-${crypto.randomUUID().slice(0, 8)}.ts`);
  await writeFile(file, `${source}\n\nexport const probe = value;\n`);
  try {
    await run(process.execPath, [biome, 'lint', '--max-diagnostics=5', file], { cwd: root });
    return 'allowed';
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout}${(error as { stderr?: string }).stderr}`;
    return output.includes('noRestrictedImports') ? 'refused' : `failed otherwise: ${output}`;
  } finally {
    await rm(file, { force: true });
  }
}

const cases: [folder: string, source: string, expected: 'refused' | 'allowed'][] = [
  // The content script runs inside intranet pages: no database, no UI framework, no schemas.
  ['entrypoints/content-script', "import value from 'dexie';", 'refused'],
  ['entrypoints/content-script', "import { db as value } from '@/utils/background/db';", 'refused'],
  ['entrypoints/content-script', "import { render as value } from 'preact';", 'refused'],
  ['entrypoints/content-script', "import * as value from 'valibot';", 'refused'],
  [
    'entrypoints/content-script',
    "import { sendMessage as value } from '@/utils/shared/messaging';",
    'allowed',
  ],
  // Anchoring is DOM only.
  ['utils/anchoring', "import { browser as value } from 'wxt/browser';", 'refused'],
  ['utils/anchoring', "import { t as value } from '../shared/i18n';", 'refused'],
  // The wire format and the server stand apart from the extension.
  ['utils/protocol', "import { t as value } from '../shared/i18n';", 'refused'],
  ['server', "import { db as value } from '../utils/background/db';", 'refused'],
  ['server', "import { anchor as value } from '../utils/anchoring';", 'refused'],
  ['server', "import { LIMITS as value } from '../utils/protocol/annotation';", 'allowed'],
  // Components take props; extension pages ask the background.
  ['components', "import { browser as value } from 'wxt/browser';", 'refused'],
  ['entrypoints/popup', "import { db as value } from '@/utils/background/db';", 'refused'],
  ['utils/shared', "import { db as value } from '../background/db';", 'refused'],
  ['entrypoints/background', "import value from 'webextension-polyfill';", 'refused'],
];

describe('the walls between contexts', () => {
  it.each(cases)('in %s: %s is %s', async (folder, source, expected) => {
    expect(await lint(folder, source)).toBe(expected);
  });
});
