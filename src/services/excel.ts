import { createRequire } from 'node:module';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJSModule from 'exceljs';

/**
 * exceljs, loaded with a corrected XML reader for its streaming workbook reader.
 *
 * exceljs 4.4 turns every inflated chunk of a sheet into text on its own, so a Chinese character
 * whose UTF-8 bytes straddle two chunks becomes U+FFFD garbage: about one cell in two thousand
 * rows of a roster (measured, and reported upstream as exceljs issues 2063 and 2316). The parser
 * below decodes through a StringDecoder, which carries an incomplete character over to the next
 * chunk. Every use of exceljs in the product imports it from here.
 */
const req = createRequire(import.meta.url);
const root = path.dirname(req.resolve('exceljs'));
const saxPath = path.join(root, 'lib', 'utils', 'parse-sax.js');
const { SaxesParser } = createRequire(saxPath)('saxes') as { SaxesParser: new () => SaxParser };

interface SaxParser {
  on(event: 'error' | 'opentag' | 'text' | 'closetag', fn: (v: never) => void): void;
  write(text: string): void;
}
type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };

async function* parseSax(iterable: AsyncIterable<Buffer | string>): AsyncGenerator<SaxEvent[]> {
  const parser = new SaxesParser();
  const decoder = new StringDecoder('utf8');
  let error: unknown;
  let events: SaxEvent[] = [];
  parser.on('error', (e: never) => { error = e; });
  parser.on('opentag', (value: never) => events.push({ eventType: 'opentag', value }));
  parser.on('text', (value: never) => events.push({ eventType: 'text', value }));
  parser.on('closetag', (value: never) => events.push({ eventType: 'closetag', value }));
  for await (const chunk of iterable) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (error) throw error;
    yield events;
    events = [];
  }
  const rest = decoder.end();
  if (rest) {
    parser.write(rest);
    if (error) throw error;
    yield events;
  }
}

// exceljs's modules capture the parser when they load: drop any already loaded, install the fix, load again
for (const key of Object.keys(req.cache)) if (key.startsWith(root + path.sep)) delete req.cache[key];
req(saxPath);
req.cache[saxPath]!.exports = parseSax;

const ExcelJS = req('exceljs') as typeof ExcelJSModule;
export default ExcelJS;
