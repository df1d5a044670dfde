import type { TextRange } from '../../api/reflections.api';

/**
 * A reflection's text with the passages that matched other texts marked (`ranges`: offsets into `text`,
 * sorted and apart, as the server gives them); line breaks kept.
 */
export function HighlightedText({
  text,
  ranges,
  testId,
}: {
  text: string;
  ranges: readonly TextRange[];
  testId?: string;
}) {
  const parts: Array<{ text: string; marked: boolean }> = [];
  let at = 0;
  for (const r of ranges) {
    const start = Math.max(at, Math.min(r.start, text.length));
    const end = Math.max(start, Math.min(r.end, text.length));
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    if (end > start) parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return (
    <div className="reflection-text" data-testid={testId}>
      {parts.map((p, i) =>
        p.marked ? (
          <mark key={i} className="matched-passage" data-testid="matched-passage">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </div>
  );
}

/** A similarity (0–1) as a whole percentage. */
export const percent = (x: number) => Math.round(x * 100);
