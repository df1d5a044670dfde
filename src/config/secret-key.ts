import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseSecretKey, type Env } from './env.js';

export const KEY_FILE = 'secret.key';

/**
 * The key that protects personal data: PEIXUN_SECRET_KEY, or the key file in the data directory,
 * created with mode 0600 on first use. Losing it makes every stored ID number and phone unreadable,
 * so its creation is announced with a reminder to back it up.
 */
export function loadSecretKey(env: Env, log: (line: string) => void = () => undefined): Buffer {
  if (env.PEIXUN_SECRET_KEY) return parseSecretKey(env.PEIXUN_SECRET_KEY)!;
  const file = path.join(env.dataDir, KEY_FILE);
  fs.mkdirSync(env.dataDir, { recursive: true });
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, `${crypto.randomBytes(32).toString('hex')}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    log(
      `Created the personal-data key ${file} (mode 0600). Back it up: without it stored ID numbers and phones cannot be read.`,
    );
    log(`已生成个人信息加密密钥 ${file}（权限 0600）。请妥善备份：丢失后已存储的身份证号和手机号将无法读取。`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const mode = fs.statSync(file).mode & 0o077;
  if (mode !== 0) {
    throw new Error(
      `The key file ${file} can be read by other users; run chmod 600 ${file}.\n` +
        `密钥文件 ${file} 可被其他用户读取，请执行 chmod 600 ${file}。`,
    );
  }
  const key = parseSecretKey(fs.readFileSync(file, 'utf8'));
  if (!key) throw new Error(`The key file ${file} does not hold a 32-byte key / 密钥文件 ${file} 内容无效`);
  return key;
}
