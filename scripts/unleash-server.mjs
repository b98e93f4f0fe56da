// Starts unleash-server (npm, 7.5.x) for tests: 127.0.0.1 only, no version check, no telemetry, one
// admin API token. Configured by scripts/unleash-env.sh through environment variables.
process.env.SEND_TELEMETRY = 'false';
process.env.CHECK_VERSION = 'false';
const unleash = await import('unleash-server');
const db = new URL(process.env.UNLEASH_DATABASE_URL);
await unleash.start({
  db: { host: db.hostname, port: Number(db.port), user: decodeURIComponent(db.username), password: decodeURIComponent(db.password), database: db.pathname.slice(1), ssl: false },
  server: { host: '127.0.0.1', port: Number(process.env.UNLEASH_PORT) },
  versionCheck: { enable: false },
  logLevel: 'warn',
  authentication: {
    initApiTokens: [{ tokenName: 'faultline-tests', type: 'admin', environment: '*', projects: ['*'], secret: process.env.UNLEASH_ADMIN_TOKEN }],
  },
});
