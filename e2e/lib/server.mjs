// Starts a fresh xueji server (own temp data dir, SQLite, demo data) on a free port.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS_DIR = join(E2E_DIR, 'artifacts');
const BIN = resolve(E2E_DIR, process.env.XUEJI_BIN ?? '../target/debug/xueji');
const DIST = resolve(E2E_DIR, process.env.XUEJI_DIST_DIR ?? '../dist');
const READY_TIMEOUT_MS = 60_000;

export const DEMO_PASSWORD = 'Xueji@2026';

/**
 * Starts the server; resolves to `{ url, stop, log }` (`log()`: the tail of its output). `stop()` sends SIGTERM (SIGKILL after 5 s),
 * waits for the process to exit and removes the data dir.
 */
export async function startServer() {
  if (!existsSync(BIN)) {
    throw new Error(`xueji binary not found at ${BIN}: run \`cargo build -p xueji-backend\` or set XUEJI_BIN`);
  }
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`${join(DIST, 'index.html')} not found: run \`cargo xtask dist\` or set XUEJI_DIST_DIR`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'xueji-e2e-'));
  const env = { ...process.env };
  delete env.DATABASE_URL;
  Object.assign(env, {
    XUEJI_BIND: '127.0.0.1:0',
    XUEJI_DATA_DIR: dataDir,
    XUEJI_DIST_DIR: DIST,
    XUEJI_DEMO_DATA: 'true',
    // Organisations and accounts only: each test makes the business it needs.
    XUEJI_DEMO_BUSINESS: 'false',
    NO_COLOR: '1',
  });
  const child = spawn(BIN, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // The server logs to stdout and stderr; keep the tail of both for error messages.
  let log = '';
  const keep = (d) => {
    log = (log + d).slice(-50_000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let stdout = '';
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`xueji did not print XUEJI_LISTENING within ${READY_TIMEOUT_MS} ms\noutput:\n${log}`)),
        READY_TIMEOUT_MS,
      );
      const onData = (d) => {
        stdout += d;
        const m = stdout.match(/^XUEJI_LISTENING (http:\/\/\S+)$/m);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          res(m[1]);
        }
      };
      child.stdout.on('data', onData);
      child.once('error', (e) => {
        clearTimeout(timer);
        rej(new Error(`cannot start ${BIN}: ${e.message}`));
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        rej(new Error(`xueji exited early (code ${code}, signal ${signal})\noutput:\n${log}`));
      });
    });
    return { url, stop, log: () => log, dataDir };
  } catch (e) {
    await stop();
    throw e;
  }
}
