import os from 'node:os';
import { hash, verify, Algorithm } from '@node-rs/argon2';
import { AppError } from '../errors/app-error.js';

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 passes). Hashing is bounded to one job per
 * core, with a short queue: a login storm gets "try again shortly" instead of starving the server.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const MAX_RUNNING = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
const MAX_QUEUED = 64;

let running = 0;
const queue: Array<() => void> = [];

async function bounded<T>(job: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) {
    if (queue.length >= MAX_QUEUED) throw new AppError('RATE_LIMITED');
    await new Promise<void>((resolve) => queue.push(resolve));
  }
  running++;
  try {
    return await job();
  } finally {
    running--;
    queue.shift()?.();
  }
}

export function hashPassword(password: string): Promise<string> {
  return bounded(() => hash(password, OPTIONS));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return bounded(() => verify(passwordHash, password).catch(() => false));
}

// Verified against when the username is unknown, so a wrong username costs as much time as a wrong password.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hash('peixun-dummy-password-0', OPTIONS);
  await verifyPassword(await dummyHash, password);
}
