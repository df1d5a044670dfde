import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Locale } from '../i18n/messages.js';

/**
 * One part of a teacher's training archive (培训档案, R-52): a titled table, already in the reader's
 * language, shown on the archive page, printed in its PDF and written to its export as it is.
 */
export interface ArchiveSection {
  /** stable key: 'pairs', 'competitions', … */
  key: string;
  /** position in the archive (smaller first); the archive's own sections use 10, 20, … */
  order: number;
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  /** a line under the table (e.g. "revoked titles stay listed") */
  note?: string | null;
}

/** Reads a section for one teacher; answers null when the teacher has nothing there and the section is left out. */
export type ArchiveSectionLoader = (
  db: Kysely<DB>,
  q: { teacherId: number; provinceId: number; locale: Locale },
) => Promise<ArchiveSection | null>;

const loaders = new Map<string, ArchiveSectionLoader>();

/**
 * A programme adds its part of the archive (pairs, competition results …) without the archive knowing
 * its tables. Registered when its service is created; a second registration of a key replaces the first.
 */
export function registerArchiveSection(key: string, loader: ArchiveSectionLoader): void {
  loaders.set(key, loader);
}

export function archiveSectionLoaders(): ReadonlyMap<string, ArchiveSectionLoader> {
  return loaders;
}
