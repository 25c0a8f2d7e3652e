// `npm run server`: the reference endpoint as one command, configured by environment.
import { parseTokenList } from './auth';
import { startServer } from './start-server';

const port = Number(process.env.PORT ?? 8787);
const running = await startServer({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.FLYWHEEL_DATA_DIR || undefined,
  tokens: parseTokenList(process.env.FLYWHEEL_TOKENS),
  publicUrl: process.env.FLYWHEEL_PUBLIC_URL || undefined,
  allowedOrigins: process.env.FLYWHEEL_ALLOWED_ORIGINS?.split(',').filter(Boolean),
});

console.log(`Flywheel endpoint (${running.database.kind}) at ${running.containerUrl}`);
console.log(`Triage page at ${running.url}/triage`);
if (!process.env.FLYWHEEL_TOKENS) {
  console.log('No FLYWHEEL_TOKENS set: open to anyone who can reach it (demo mode).');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
