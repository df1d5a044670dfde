import path from 'node:path';
import { z } from 'zod';

/**
 * The one validated configuration of the server and CLI. Read once, fail fast.
 * Secrets are marked in comments; they are never logged.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** secret: full connection string of an external PostgreSQL ≥ 15; when unset the embedded server is used */
  DATABASE_URL: z.string().url().optional(),
  PEIXUN_DATA_DIR: z.string().default('./data'),
  /** minutes of inactivity after which a session ends */
  PEIXUN_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** absolute lifetime of a session in hours */
  PEIXUN_SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  PEIXUN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  PEIXUN_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /**
   * searches by full ID number or phone an administrator who sees them masked (city, province) may
   * make in a row (without an hour's pause) before such searches pause for an hour
   */
  PEIXUN_ID_LOOKUPS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(30),
  // how often a study page sends its heartbeat (s); the minutes are the server's either way
  PEIXUN_STUDY_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(60).optional(),
  /** the shortest password accepted when one is chosen */
  PEIXUN_PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(10),
  /** how many of lower case, upper case, digits and symbols a chosen password must mix */
  PEIXUN_PASSWORD_MIN_CLASSES: z.coerce.number().int().min(1).max(4).default(3),
  PEIXUN_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(512).default(20),
  /** set to "1" behind a TLS-terminating proxy so cookies are marked Secure and X-Forwarded-For is trusted */
  PEIXUN_TRUST_PROXY: z.enum(['0', '1']).default('0'),
  PEIXUN_SEED_DEMO: z.enum(['auto', 'always', 'never']).default('auto'),
  /**
   * secret: the 32-byte key that encrypts ID numbers and phone numbers, as 64 hex digits or base64.
   * When unset, <data dir>/secret.key is created on first start (mode 0600) and used.
   */
  PEIXUN_SECRET_KEY: z
    .string()
    .optional()
    .refine((k) => k === undefined || parseSecretKey(k) !== null, {
      message: 'must be 32 bytes as 64 hex digits or base64 / 须为 32 字节密钥（64 位十六进制或 base64）',
    }),
  /** the largest video (MP4) an online course takes, in MB; streamed to disk, never held in memory */
  PEIXUN_STUDY_VIDEO_MAX_MB: z.coerce
    .number()
    .int()
    .min(1)
    .max(16 * 1024)
    .default(1024),
  /** the largest document (PDF) an online course takes, in MB */
  PEIXUN_STUDY_DOCUMENT_MAX_MB: z.coerce.number().int().min(1).max(1024).default(50),
  /** the largest uncompressed content of an uploaded .xlsx (zip bombs are refused above it) */
  PEIXUN_IMPORT_MAX_UNPACKED_MB: z.coerce.number().int().min(1).max(4096).default(300),
  /** hours a checked roster upload waits to be committed; after them its staged rows are deleted and it expires */
  PEIXUN_IMPORT_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /**
   * the date the product takes as today ('YYYY-MM-DD', China Standard Time otherwise): for
   * demonstrations and tests of the yearly status; leave unset in production
   */
  PEIXUN_TODAY: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD / 须为 YYYY-MM-DD')
    .optional(),
  /** the address users reach the product at (e.g. https://peixun.example.gov.cn), printed in certificates' QR codes; defaults to the request's host */
  PEIXUN_PUBLIC_URL: z.string().url().optional(),
  PEIXUN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** A 32-byte key from 64 hex digits or base64; null when it is neither. */
export function parseSecretKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t, 'base64');
    if (b.length === 32) return b;
  }
  return null;
}

/** The calendar day of an instant in China Standard Time (UTC+8, no daylight saving). */
export function chinaDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** A moment as China Standard Time to the minute: '2026-05-04 09:30'. */
export function chinaTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** Today in China Standard Time ('YYYY-MM-DD'), or PEIXUN_TODAY when set. */
export function today(env: Pick<Env, 'PEIXUN_TODAY'>): string {
  if (env.PEIXUN_TODAY) return env.PEIXUN_TODAY;
  return chinaDay(new Date());
}

export function currentYear(env: Pick<Env, 'PEIXUN_TODAY'>): number {
  return Number(today(env).slice(0, 4));
}

export type Env = z.infer<typeof EnvSchema> & { dataDir: string };

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration / 配置无效:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.PEIXUN_DATA_DIR) };
}
