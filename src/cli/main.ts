import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEnv, type Env } from '../config/env.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { generateSchemaTypes } from '../db/schema-codegen.js';
import { buildOpenApiDocument } from '../http/openapi-document.js';
import { AppError } from '../errors/app-error.js';
import { ROLES, type Role } from '../domain/org-tree.js';
import { errorMessage } from '../i18n/messages.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { ServerAlreadyRunningError, startServer } from '../server.js';
import { createServices, type Services } from '../services/services.js';
import type { RequestContext } from '../services/context.js';
import { checkLedger, refreshAllCycles } from '../services/ledger-maintenance.js';
import { LRS_IDENTITY_KINDS, type LrsIdentityKind } from '../services/lrs-client.service.js';
import { verifyDraw } from './draw-verify.js';

const HELP = `培训 Peixun — 中小学教师继续教育管理平台

Usage / 用法: npx peixun <command> [options]

  serve                                   start the web server (npm start)
  migrate                                 apply database migrations
  admin create --username U --password P --org-code C --role R [--display-name N]
                                          create an account (the first administrator)
  org import-divisions --province NN      build a province's cities and counties from GB/T 2260
  lrs client create --org-code C --name N [--identity mbox|account|id_hash] [--home-page URL] [--salt S]
                                          create credentials for a platform reporting learning records
                                          (xAPI) about the unit's teachers; prints the key and the secret once
  seed demo                               add the demo county 吉林省 吉林市 桦甸市
  db types                                regenerate src/db/schema.ts from the migrated schema
  openapi                                 print the API's OpenAPI document (JSON; needs no database)
  ledger check [--json]                   recompute every status and school summary from the ledger and
                                          report any difference (exit code 3 when there is one)
  ledger refresh                          bring every teacher's status up to date (new year, new rules)
  draw verify --list L.json [--seed HEX]  recompute a spot-check's draw (抽测) from its published list and
                                          the revealed seed; exit code 1 when anything differs (needs no
                                          database; see docs/spot-check-draw.md)

Roles: ${ROLES.join(', ')}
Every command works whether or not the server is running.`;

const CLI_CTX: RequestContext = { actor: null, ip: null, via: 'cli' };

/** Opens the database (joining a running embedded server, or starting it), migrates, runs `fn`, closes. */
async function withServices<T>(
  env: Env,
  fn: (services: Services, db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase(env, { poolSize: 4 });
  try {
    await migrate(handle.pool);
    return await fn(createServices({ db: handle.db, env }), handle);
  } finally {
    // stop the embedded PostgreSQL only if this command started it and nobody else uses it
    await handle.close({ stopEmbedded: handle.cluster?.startedHere ?? false });
  }
}

function printDemo(usernames: string[], password: string, url?: string): void {
  console.log('');
  console.log('演示数据 Demo data: 吉林省 吉林市 桦甸市 (demo, is_demo = true)');
  console.log(`演示账号 Demo accounts: ${usernames.join(', ')}`);
  console.log(`一次性密码 One-time password (change at first login / 首次登录须修改): ${password}`);
  if (url) console.log(`Log in at ${url}/login with e.g. demo-county`);
  console.log('');
}

async function serve(env: Env): Promise<void> {
  const started = Date.now();
  const server = await startServer(env, {
    log: (l) => console.log(l),
    logger: env.NODE_ENV !== 'test' && env.PEIXUN_LOG_LEVEL !== 'silent',
  });
  console.log(`Peixun 培训 is running at ${server.url}  (database: ${server.handle.mode}, ${Date.now() - started} ms)`);
  if (server.demo) printDemo(server.demo.usernames, server.demo.password, server.url);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping …`);
    await server.close().catch((e: unknown) => console.error(e));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** `draw verify`: pure, reads only the given file (no configuration, no database). */
function drawCommand(sub: string | undefined, rest: string[]): number {
  if (sub !== 'verify') {
    console.error(`Unknown command / 未知命令: draw ${sub ?? ''}\n\n${HELP}`);
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: { list: { type: 'string' }, seed: { type: 'string' } } });
  if (!values.list) {
    console.error('Missing / 缺少参数: --list <published list .json>');
    return 2;
  }
  const r = verifyDraw(values.list, values.seed);
  for (const line of r.lines) (r.code === 2 ? console.error : console.log)(line);
  return r.code;
}

/** `lrs client create`: credentials for a reporting platform, printed once (operators, conformance runs). */
async function lrsClientCreate(env: Env, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'org-code': { type: 'string' },
      name: { type: 'string' },
      identity: { type: 'string', default: 'mbox' },
      'home-page': { type: 'string' },
      salt: { type: 'string' },
    },
  });
  const missing = ['org-code', 'name'].filter((k) => !values[k as keyof typeof values]);
  if (missing.length) {
    console.error(`Missing / 缺少参数: ${missing.map((m) => `--${m}`).join(' ')}`);
    return 2;
  }
  if (!(LRS_IDENTITY_KINDS as readonly string[]).includes(values.identity!)) {
    console.error(`Unknown identity / 未知识别方式 "${values.identity}". Use one of: ${LRS_IDENTITY_KINDS.join(', ')}`);
    return 2;
  }
  const r = await withServices(env, (s) =>
    s.lrsClients
      .createFromCli(CLI_CTX, values['org-code']!, {
        name: values.name!,
        identity: values.identity as LrsIdentityKind,
        homePage: values['home-page'] ?? null,
        salt: values.salt ?? null,
      })
      .catch((e: unknown) => {
        if (e instanceof AppError && e.code === 'NOT_FOUND')
          throw new Error(`No unit with code / 找不到代码为 "${values['org-code']}" 的单位`);
        throw e;
      }),
  );
  const base = (env.PEIXUN_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  console.log(`Created LRS client "${r.client.name}" at ${r.client.orgUnitName} / 已创建学习记录接口`);
  console.log(`endpoint: ${base}/xapi/`);
  console.log(`key: ${r.key}`);
  console.log(`secret: ${r.secret}`);
  console.log('The secret is shown only now / 密钥只显示这一次');
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (cmd === 'draw') return drawCommand(sub, rest);
  const env = loadEnv();
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return 0;
      case 'serve':
        await serve(env);
        return -1; // keep running
      case 'migrate': {
        const applied = await withServices(env, async (_s, h) => migrate(h.pool));
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date / 数据库已是最新');
        return 0;
      }
      case 'admin': {
        if (sub !== 'create') break;
        const { values } = parseArgs({
          args: rest,
          options: {
            username: { type: 'string' },
            password: { type: 'string' },
            'org-code': { type: 'string' },
            role: { type: 'string' },
            'display-name': { type: 'string' },
          },
        });
        const missing = ['username', 'password', 'org-code', 'role'].filter((k) => !values[k as keyof typeof values]);
        if (missing.length) {
          console.error(`Missing / 缺少参数: ${missing.map((m) => `--${m}`).join(' ')}`);
          return 2;
        }
        if (!ROLES.includes(values.role as Role)) {
          console.error(`Unknown role / 未知角色 "${values.role}". Roles: ${ROLES.join(', ')}`);
          return 2;
        }
        const user = await withServices(env, async (s, h) => {
          const unit = await createOrgUnitRepository(h.db).findByCode(values['org-code']!);
          if (!unit)
            throw new Error(
              `No unit with code / 找不到代码为 "${values['org-code']}" 的单位 (run "npx peixun org import-divisions --province NN" first)`,
            );
          return s.users.createFromCli(CLI_CTX, {
            username: values.username!,
            password: values.password!,
            role: values.role as Role,
            orgUnitId: unit.id,
            displayName: values['display-name'] ?? values.username!,
          });
        });
        console.log(`Created ${user.role} "${user.username}" at ${user.orgUnitName} / 已创建账号`);
        return 0;
      }
      case 'org': {
        if (sub !== 'import-divisions') break;
        const { values } = parseArgs({ args: rest, options: { province: { type: 'string' } } });
        if (!values.province || !/^[0-9]{2}$/.test(values.province)) {
          console.error('Give --province with a 2-digit GB/T 2260 code, e.g. --province 22 (吉林省)');
          return 2;
        }
        const r = await withServices(env, (s) =>
          s.divisions.importProvince(CLI_CTX, values.province!, (done, total) => {
            if (process.stdout.isTTY)
              process.stdout.write(
                `\r  ${done}/${total} ${'█'.repeat(Math.round((done / total) * 30)).padEnd(30, '░')}`,
              );
          }),
        );
        if (process.stdout.isTTY) process.stdout.write('\n');
        console.log(
          `${r.province}: created ${r.created}, already present ${r.existing} / 新建 ${r.created} 个，已存在 ${r.existing} 个`,
        );
        return 0;
      }
      case 'db': {
        if (sub !== 'types') break;
        const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/db/schema.ts');
        const text = await withServices(env, (_s, h) => generateSchemaTypes(h.pool));
        fs.writeFileSync(file, text);
        console.log(`Wrote ${file}`);
        return 0;
      }
      case 'openapi': {
        if (sub !== undefined) break;
        const text = `${JSON.stringify(await buildOpenApiDocument(env), null, 2)}\n`;
        // a large write to a pipe finishes after process.exit unless awaited
        await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
        return 0;
      }
      case 'ledger': {
        if (sub === 'check') {
          const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
          const started = Date.now();
          const r = await withServices(env, (_s, h) =>
            checkLedger(h.db, env, (line) => {
              if (process.stdout.isTTY && !values.json) process.stdout.write(`\r  ${line}`);
            }),
          );
          if (process.stdout.isTTY && !values.json) process.stdout.write('\n');
          if (values.json) console.log(JSON.stringify(r));
          else {
            console.log(
              `Checked ${r.cycles} cycle(s), ${r.teachers} teacher rows, ${r.entries} ledger entries in ${((Date.now() - started) / 1000).toFixed(1)} s / 已核对`,
            );
            console.log(`  status differences / 个人汇总差异: ${r.statusDifferences.length}`);
            console.log(`  school differences / 学校汇总差异: ${r.schoolDifferences.length}`);
            console.log(`  missing status rows / 缺少汇总: ${r.missingStatus}`);
            console.log(`  stale status rows (refresh due, not an error) / 待刷新: ${r.staleStatus}`);
            for (const d of [...r.statusDifferences, ...r.schoolDifferences].slice(0, 20))
              console.log(`  ${JSON.stringify(d)}`);
            console.log(
              r.ok
                ? 'OK: summaries equal the ledger / 汇总与台账一致'
                : 'DIFFERENCES FOUND / 发现差异: run "npx peixun ledger refresh" after investigating',
            );
          }
          return r.ok ? 0 : 3;
        }
        if (sub === 'refresh') {
          const updated = await withServices(env, (_s, h) => refreshAllCycles(h.db, env));
          console.log(`Refreshed ${updated} status row(s) / 已刷新 ${updated} 条`);
          return 0;
        }
        break;
      }
      case 'lrs': {
        if (sub !== 'client' || rest[0] !== 'create') break;
        return await lrsClientCreate(env, rest.slice(1));
      }
      case 'seed': {
        if (sub !== 'demo') break;
        const r = await withServices(env, (s) => s.demo.seed(CLI_CTX));
        if (r.created && r.password) printDemo(r.usernames, r.password);
        else console.log('Demo data is already present / 演示数据已存在');
        return 0;
      }
      default:
        break;
    }
    console.error(`Unknown command / 未知命令: ${argv.join(' ')}\n\n${HELP}`);
    return 2;
  } catch (e) {
    if (e instanceof ServerAlreadyRunningError) {
      console.error(e.message);
      return 1;
    }
    if (e instanceof AppError) {
      console.error(
        `${e.code}: ${errorMessage(e.code, 'zh-CN')} / ${errorMessage(e.code, 'en')}${e.details ? ` ${JSON.stringify(e.details)}` : ''}`,
      );
      return 1;
    }
    console.error((e as Error).message ?? e);
    return 1;
  }
}
