// `npm run server`: the reference endpoint as one command, configured by environment
// (every setting is described in docs/DEPLOY.md).
import { parseTokenList } from './auth';
import { stdioLog } from './logging';
import { startServer } from './start-server';

const env = process.env;
const numberSetting = (name: string, fallback: number) => {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number`);
  return parsed;
};

const running = await startServer({
  port: numberSetting('PORT', 8787),
  host: env.HOST ?? '127.0.0.1',
  databaseUrl: env.DATABASE_URL || undefined,
  dataDir: env.FLYWHEEL_DATA_DIR || undefined,
  poolSize: numberSetting('FLYWHEEL_DB_POOL_SIZE', 10),
  tokens: parseTokenList(env.FLYWHEEL_TOKENS),
  publicUrl: env.FLYWHEEL_PUBLIC_URL || undefined,
  allowedOrigins: env.FLYWHEEL_ALLOWED_ORIGINS?.split(',').filter(Boolean),
  shutdownGraceMs: numberSetting('FLYWHEEL_SHUTDOWN_GRACE_MS', 10_000),
  trustedProxy: env.FLYWHEEL_TRUSTED_PROXY_SECRET
    ? {
        secret: env.FLYWHEEL_TRUSTED_PROXY_SECRET,
        userHeader: env.FLYWHEEL_TRUSTED_USER_HEADER || undefined,
      }
    : undefined,
  log: stdioLog,
});

stdioLog({
  level: 'info',
  msg: 'started',
  database: running.database.kind,
  container: running.containerUrl,
  triage: `${running.url}/triage`,
  open: !env.FLYWHEEL_TOKENS,
  trustedProxy: Boolean(env.FLYWHEEL_TRUSTED_PROXY_SECRET),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stdioLog({ level: 'info', msg: 'stopping', signal });
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
