import { FilePdfOutlined, FileTextOutlined, VideoCameraOutlined } from '@ant-design/icons';
import type { ItemKind } from '../api/online-courses.api';

/** The icon of an item of an online course: a video, a document (PDF) or a text page. */
export function ItemKindIcon({ kind }: { kind: ItemKind }) {
  return kind === 'video' ? <VideoCameraOutlined /> : kind === 'document' ? <FilePdfOutlined /> : <FileTextOutlined />;
}

/** A file's size as people read it: 820 KB, 312.4 MB, 1.02 GB. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** A video's length: 12:05, or 1:02:05 past an hour; '' when unknown. */
export function durationText(seconds: number | null): string {
  if (seconds === null) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
