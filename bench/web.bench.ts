/**
 * Web UI benchmark: a cold load of a teacher's first page on a phone over a rural 3G link.
 *
 *   npm run bench:web
 *
 * Starts the real server process (the built web UI, its demo data) and Debian's Chromium through
 * playwright-core. Each load runs in a fresh browser context (empty cache) whose network Chromium
 * throttles through CDP `Network.emulateNetworkConditions`: 1.6 Mbit/s down, 750 kbit/s up, 150 ms
 * latency (Chrome's "Fast 3G" without its slow-down factor). Measured:
 *   - teacher_3g_load_ms: demo-teacher (赵雪), signed in, at 375 px opens the app's address and lands on
 *     her 工作台 (or, before it, her record): from the navigation until her hours (her name) are on the
 *     screen (median of RUNS);
 *   - teacher_transfer_kb: the bytes that crossed the link for it (headers included, as encoded);
 *   - teacher_3g_reload_ms / teacher_reload_transfer_kb: the same page opened again in the same
 *     context, with what the browser kept (hashed files are kept a year; the page is asked for again);
 *   - admin_transfer_kb, admin_3g_load_ms: demo-county's first page (工作台, or before it the org tree)
 *     on a desktop.
 * The physical limit is measured in the same run over the same throttled link: the time to fetch the
 * teacher's bytes as one raw file from a bare Node HTTP server (one request, no compression, no
 * JavaScript to run), and computed (bytes / bandwidth + two round trips). ratio_to_raw = limit time /
 * product time: the share of the link's best the product reaches.
 *
 * Prints readable lines, then one JSON object as the last line, also written to bench/results/web.json
 * (web-quick.json with --quick: one load of each kind, for bench:quick). BENCH_WEB_RUNS sets the number
 * of loads; BENCH_WEB_VERBOSE=1 prints each request of each load with when it started and ended.
 * Chromium, the server and PostgreSQL share this machine's cores: page start-up (parsing and running the
 * scripts) is part of the time, as it is on a phone.
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import {
  changePassword,
  cleanUp,
  freePort,
  killServer,
  login,
  makeDataDir,
  oneTimePassword,
  ROOT,
  spawnServer,
  waitHealthy,
  type HttpSession,
  type ServerProcess,
} from '../test/support/server-process.js';

/** the rural 3G profile of the issue */
const LINK = { downKbit: 1600, upKbit: 750, latencyMs: 150 } as const;
const TARGET_TEACHER_MS = 3000;
const QUICK = process.argv.includes('--quick');
const RUNS = Number(process.env['BENCH_WEB_RUNS'] ?? (QUICK ? 1 : 3));
const PASSWORD = 'Bench-web-2468';
const PHONE = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const TIMEOUT = 60_000;
/** what a teacher sees first once it has loaded: the home page's hours, or (before it) her record */
const TEACHER_CONTENT = '[data-testid="home-hours"], [data-testid="my-teacher-name"]';
/** an admin's first page: the home page's to-dos, or (before it) the org tree */
const ADMIN_CONTENT = '[data-testid="home-admin"], [data-testid^="org-node-"]';
/** BENCH_WEB_VERBOSE=1: every request of every load, when it started and ended */
const VERBOSE = process.env['BENCH_WEB_VERBOSE'] === '1';
const say = (l: string) => console.log(l);

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const kb = (bytes: number) => round(bytes / 1024, 1);

interface Load {
  ms: number;
  bytes: number;
  requests: number;
  /** content-encoding of the scripts, styles and page: how many of each */
  encodings: Record<string, number>;
}

/** Throttles the page's network as the 3G profile says and counts what crosses it. */
async function throttle(page: Page): Promise<{ cdp: CDPSession; counted: () => Omit<Load, 'ms'> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: LINK.latencyMs,
    downloadThroughput: (LINK.downKbit * 1000) / 8,
    uploadThroughput: (LINK.upKbit * 1000) / 8,
  });
  let bytes = 0;
  let requests = 0;
  const encodings: Record<string, number> = {};
  const types = new Map<string, string>();
  const started = new Map<string, { url: string; at: number }>();
  const t0 = performance.now();
  if (VERBOSE) {
    cdp.on('Network.requestWillBeSent', (e) => {
      started.set(e.requestId, { url: e.request.url.replace(/^https?:\/\/[^/]+/, ''), at: performance.now() - t0 });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const s = started.get(e.requestId);
      if (s)
        say(`    ${round(s.at, 0)} → ${round(performance.now() - t0, 0)} ms  ${kb(e.encodedDataLength)} KB  ${s.url}`);
    });
  }
  cdp.on('Network.responseReceived', (e) => {
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    if (/javascript|css|html/.test(String(headers['content-type'] ?? ''))) {
      const enc = String(headers['content-encoding'] ?? 'none');
      types.set(e.requestId, enc);
    }
  });
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
    const enc = types.get(e.requestId);
    if (enc) encodings[enc] = (encodings[enc] ?? 0) + 1;
  });
  return { cdp, counted: () => ({ bytes, requests, encodings: { ...encodings } }) };
}

/**
 * Runs in the page before its own scripts: notes the moment (epoch ms) `selector` is first on the screen
 * with a size, at the animation frame before it is painted. Playwright's own wait polls at widening
 * intervals (up to 500 ms apart), so the time it returns can be late by as much; the page's own note is
 * not. Plain text: a function as tsx compiles it calls helpers (`__name`) the page does not have.
 */
const noteContent = (selector: string) => `(() => {
  const selector = ${JSON.stringify(selector)};
  let asked = false;
  const check = () => {
    asked = false;
    if (window.__contentAt !== undefined) return;
    const box = document.querySelector(selector)?.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) window.__contentAt = performance.timeOrigin + performance.now();
  };
  new MutationObserver(() => {
    if (window.__contentAt !== undefined || asked) return;
    asked = true;
    requestAnimationFrame(check);
  }).observe(document, { childList: true, subtree: true, attributes: true });
})();`;

/** Opens `url` in `page` and waits for `selector`: the time (to the page's own note of it) and the bytes it took. */
async function timedLoad(page: Page, url: string, selector: string): Promise<Load> {
  const { counted } = await throttle(page);
  await page.addInitScript(noteContent(selector));
  const t0 = performance.timeOrigin + performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
  await page.locator(selector).first().waitFor({ state: 'visible', timeout: TIMEOUT });
  const at = await page.waitForFunction('window.__contentAt', null, {
    timeout: TIMEOUT,
  });
  const ms = Number(await at.jsonValue()) - t0;
  return { ms, ...counted() };
}

async function signedInContext(
  browser: Browser,
  baseUrl: string,
  session: HttpSession,
  options: Parameters<Browser['newContext']>[0],
): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  const [name, value] = session.cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: baseUrl }]);
  return context;
}

/** The physical limit: `bytes` as one raw file from a bare HTTP server, over the same throttled link. */
async function rawFetch(browser: Browser, bytes: number): Promise<number> {
  // incompressible, and sent without compression: what crosses the link is the file itself
  const body = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) body[i] = 32 + ((i * 7919) % 95);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await throttle(page);
      const t0 = performance.now();
      await page.goto(`http://127.0.0.1:${port}/raw-${i}.txt`, { waitUntil: 'load', timeout: TIMEOUT });
      times.push(performance.now() - t0);
      await context.close();
    }
    return median(times);
  } finally {
    server.close();
  }
}

async function main(): Promise<void> {
  const dataDir = makeDataDir('peixun-bench-web-');
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const load0 = round(os.loadavg()[0]!, 2);
  // interrupted: the browser, the server and its PostgreSQL and data dir go too
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      void (async () => {
        await browser?.close().catch(() => undefined);
        if (server) await killServer(server).catch(() => undefined);
        await cleanUp([dataDir]);
      })().finally(() => process.exit(130));
    });
  try {
    say(`Peixun web benchmark — ${os.cpus().length} cores, node ${process.version}, load average (1 min) ${load0}`);
    say(`link: ${LINK.downKbit} kbit/s down, ${LINK.upKbit} kbit/s up, ${LINK.latencyMs} ms latency (CDP throttling)`);
    if (!fs.existsSync(path.join(ROOT, 'web/dist/index.html'))) throw new Error('web/dist missing: run npm run build');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = spawnServer(dataDir, port);
    const [otpLine] = await Promise.all([
      server.waitFor(/One-time password[^\n]*\n/, 120_000),
      waitHealthy(server, 120_000),
    ]);
    const otp = oneTimePassword(otpLine[0]);
    if (!otp) throw new Error('no one-time password printed');
    const signIn = async (username: string): Promise<HttpSession> => {
      const first = await login(port, username, otp);
      if (!first.session) throw new Error(`login ${username}: ${first.status} ${JSON.stringify(first.body)}`);
      const changed = await changePassword(port, first.session, otp, PASSWORD);
      if (changed !== 204) throw new Error(`password change of ${username}: ${changed}`);
      const again = await login(port, username, PASSWORD);
      if (!again.session) throw new Error(`login ${username}: ${again.status}`);
      return again.session;
    };
    const [teacher, county] = await Promise.all([signIn('demo-teacher'), signIn('demo-county')]);
    browser = await launchChromium();

    // the teacher's phone: cold loads, each in a fresh context, then one reload with what was kept
    const cold: Load[] = [];
    const warm: Load[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await signedInContext(browser, baseUrl, teacher, PHONE);
      try {
        const page = await context.newPage();
        cold.push(await timedLoad(page, `${baseUrl}/`, TEACHER_CONTENT));
        const again = await context.newPage();
        warm.push(await timedLoad(again, `${baseUrl}/`, TEACHER_CONTENT));
      } finally {
        await context.close();
      }
    }
    const teacherMs = median(cold.map((l) => l.ms));
    const teacherBytes = median(cold.map((l) => l.bytes));
    say(
      `teacher's first page, cold, 3G: ${cold.map((l) => round(l.ms, 0)).join(', ')} ms → median ${round(teacherMs, 0)} ms ` +
        `(target ≤ ${TARGET_TEACHER_MS} ms: ${teacherMs <= TARGET_TEACHER_MS ? 'met' : 'MISSED'}); ` +
        `${kb(teacherBytes)} KB in ${cold[0]!.requests} requests; encodings ${JSON.stringify(cold[0]!.encodings)}`,
    );
    const warmMs = median(warm.map((l) => l.ms));
    const warmBytes = median(warm.map((l) => l.bytes));
    say(
      `teacher's page again, with what the browser kept: median ${round(warmMs, 0)} ms, ${kb(warmBytes)} KB in ${warm[0]!.requests} requests`,
    );

    // the admin's desktop: the first page (the 工作台)
    const admin: Load[] = [];
    for (let i = 0; i < Math.max(1, Math.min(RUNS, 2)); i++) {
      const context = await signedInContext(browser, baseUrl, county, DESKTOP);
      try {
        admin.push(await timedLoad(await context.newPage(), `${baseUrl}/`, ADMIN_CONTENT));
      } finally {
        await context.close();
      }
    }
    const adminMs = median(admin.map((l) => l.ms));
    const adminBytes = median(admin.map((l) => l.bytes));
    say(
      `county admin's first page (工作台), cold, 3G: median ${round(adminMs, 0)} ms, ${kb(adminBytes)} KB in ${admin[0]!.requests} requests`,
    );

    // the physical limit: the teacher's bytes as one raw file over the same link
    const rawMs = await rawFetch(browser, Math.round(teacherBytes));
    const computedMs = (teacherBytes * 8) / LINK.downKbit + 2 * LINK.latencyMs;
    const ratio = rawMs / teacherMs;
    say(
      `limit: the same ${kb(teacherBytes)} KB as one raw file over the same link: ${round(rawMs, 0)} ms ` +
        `(bytes / bandwidth + 2 round trips: ${round(computedMs, 0)} ms); ratio ${round(ratio, 3)}`,
    );

    const result = {
      teacher_3g_load_ms: round(teacherMs, 0),
      teacher_transfer_kb: kb(teacherBytes),
      teacher_requests: cold[0]!.requests,
      teacher_3g_reload_ms: round(warmMs, 0),
      teacher_reload_transfer_kb: kb(warmBytes),
      admin_3g_load_ms: round(adminMs, 0),
      admin_transfer_kb: kb(adminBytes),
      admin_requests: admin[0]!.requests,
      raw_fetch_same_bytes_ms: round(rawMs, 0),
      computed_limit_ms: round(computedMs, 0),
      ratio_to_raw: round(ratio, 3),
      ratio_meaning: 'limit time / product time: the raw fetch of the same bytes over the same link',
      target_teacher_ms: TARGET_TEACHER_MS,
      target_met: teacherMs <= TARGET_TEACHER_MS,
      encodings: cold[0]!.encodings,
      runs: { teacher_ms: cold.map((l) => round(l.ms, 0)), teacher_kb: cold.map((l) => kb(l.bytes)) },
      link: LINK,
      machine: {
        cores: os.cpus().length,
        node: process.version,
        loadavg_1m_at_start: load0,
        loadavg_1m_at_end: round(os.loadavg()[0]!, 2),
      },
      at: new Date().toISOString(),
    };
    const outDir = path.join(ROOT, 'bench/results');
    fs.mkdirSync(outDir, { recursive: true });
    // a quick run leaves the full run's figures alone
    fs.writeFileSync(path.join(outDir, QUICK ? 'web-quick.json' : 'web.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    await browser?.close().catch(() => undefined);
    if (server) await killServer(server).catch(() => undefined);
    await cleanUp([dataDir]);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
