// A throwaway PostgreSQL for the server tests: DATABASE_URL_TEST if set, else a fresh cluster
// made with Debian's binaries in a temp folder, on a free loopback port, removed afterwards.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const POSTGRES_ROOT = '/usr/lib/postgresql';

export interface TestPostgres {
  databaseUrl: string;
  stop(): Promise<void>;
}

function findPostgresBin(): string {
  const versions = existsSync(POSTGRES_ROOT)
    ? readdirSync(POSTGRES_ROOT)
        .filter((version) => existsSync(join(POSTGRES_ROOT, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `No PostgreSQL server binaries under ${POSTGRES_ROOT}/*/bin. The server tests need a real ` +
        "PostgreSQL: install Debian's package (apt-get install -y postgresql) or set " +
        'DATABASE_URL_TEST to an empty database they may write to.',
    );
  }
  return join(POSTGRES_ROOT, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const configured = process.env.DATABASE_URL_TEST;
  if (configured) return { databaseUrl: configured, stop: async () => {} };

  const bin = findPostgresBin();
  const root = await mkdtemp(join(tmpdir(), 'flywheel-pg-'));
  const dataDir = join(root, 'data');
  // initdb refuses to run as root: run the binaries as the postgres user, who must own the dir.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await chown(root, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), -1);
  const pgCommand = (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args])
      : run(join(bin, command), args);

  const port = await freePort();
  try {
    await pgCommand('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await pgCommand('pg_ctl', [
      'start',
      '-w',
      '-D',
      dataDir,
      '-l',
      join(root, 'server.log'),
      '-o',
      // Durability is not under test here; speed is.
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    ]);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await pgCommand('pg_ctl', ['stop', '-m', 'immediate', '-w', '-D', dataDir]).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
