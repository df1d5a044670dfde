import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

/** Where the manual's pictures live (docs/manual/images), named in its Markdown as images/<name>.png. */
export const MANUAL_IMAGES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/manual/images');

/** Whether this run takes the manual's screenshots: `PEIXUN_MANUAL_SHOTS=1`. */
export const MANUAL_SHOTS = process.env['PEIXUN_MANUAL_SHOTS'] === '1';

/**
 * A screenshot for the operator's manual, saved as docs/manual/images/<name>.png when
 * PEIXUN_MANUAL_SHOTS=1 (otherwise nothing is done, so ordinary runs leave the pictures alone). The
 * page's viewport, or just `of` when given. Answers the file written, or null.
 * @example await manualShot(page, 'teachers-list')
 */
export async function manualShot(page: Page, name: string, of?: Locator): Promise<string | null> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new Error(`a manual picture is named in lower case and hyphens: ${name}`);
  if (!MANUAL_SHOTS) return null;
  fs.mkdirSync(MANUAL_IMAGES, { recursive: true });
  const file = path.join(MANUAL_IMAGES, `${name}.png`);
  // the picture shows the page at rest: no blinking caret, no animation half-way
  const options = { path: file, animations: 'disabled' as const, caret: 'hide' as const };
  await (of ? of.screenshot(options) : page.screenshot(options));
  return file;
}
