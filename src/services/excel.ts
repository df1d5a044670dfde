import { createRequire } from 'node:module';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJSModule from 'exceljs';
import { decodeXmlEscapes } from '../domain/text.js';

/**
 * exceljs, loaded with a corrected XML reader for its streaming workbook reader.
 *
 * exceljs 4.4 turns every inflated chunk of a sheet into text on its own, so a Chinese character
 * whose UTF-8 bytes straddle two chunks becomes U+FFFD garbage: about one cell in two thousand
 * rows of a roster (measured, and reported upstream as exceljs issues 2063 and 2316). The parser
 * below decodes through a StringDecoder, which carries an incomplete character over to the next
 * chunk. Every use of exceljs in the product imports it from here.
 *
 * The parser also decodes the `_xHHHH_` escapes of Office Open XML text (Excel writes a line break
 * in a cell as `_x000D_`, and any character as `_x202E_`), on whole text nodes, so every sheet
 * import sees the characters themselves and checks them like typed ones. exceljs decoded them
 * only in shared strings read whole (not in the streaming reader, not in inline strings, and
 * `_x005F_`, the escaped underscore, wrongly): that decoding is switched off so nothing is decoded twice.
 */
const req = createRequire(import.meta.url);
const root = path.dirname(req.resolve('exceljs'));
const saxPath = path.join(root, 'lib', 'utils', 'parse-sax.js');
const { SaxesParser } = createRequire(saxPath)('saxes') as { SaxesParser: new () => SaxParser };

interface SaxParser {
  on(event: 'error' | 'opentag' | 'closetag', fn: (v: never) => void): void;
  on(event: 'text', fn: (v: string) => void): void;
  write(text: string): void;
}
type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };

async function* parseSax(iterable: AsyncIterable<Buffer | string>): AsyncGenerator<SaxEvent[]> {
  const parser = new SaxesParser();
  const decoder = new StringDecoder('utf8');
  let error: unknown;
  let events: SaxEvent[] = [];
  // a text node may come in pieces (one per chunk): it is handed on whole, with its escapes decoded
  let text: string | null = null;
  const flushText = () => {
    if (text === null) return;
    events.push({ eventType: 'text', value: decodeXmlEscapes(text) });
    text = null;
  };
  parser.on('error', (e: never) => {
    error = e;
  });
  parser.on('opentag', (value: never) => {
    flushText();
    events.push({ eventType: 'opentag', value });
  });
  parser.on('text', (value: string) => {
    text = text === null ? value : text + value;
  });
  parser.on('closetag', (value: never) => {
    flushText();
    events.push({ eventType: 'closetag', value });
  });
  for await (const chunk of iterable) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (error) throw error;
    yield events;
    events = [];
  }
  const rest = decoder.end();
  if (rest) parser.write(rest);
  if (error) throw error;
  flushText();
  if (events.length) yield events;
}

// exceljs's modules capture the parser when they load: drop any already loaded, install the fix, load again
for (const key of Object.keys(req.cache)) if (key.startsWith(root + path.sep)) delete req.cache[key];
req(saxPath);
req.cache[saxPath]!.exports = parseSax;

const ExcelJS = req('exceljs') as typeof ExcelJSModule;
// the escapes are decoded by the parser above; exceljs's own second pass would decode `_x005F_x000D_` again
const TextXform = req(path.join(root, 'lib', 'xlsx', 'xform', 'strings', 'text-xform.js')) as { prototype: object };
Object.defineProperty(TextXform.prototype, 'model', {
  configurable: true,
  get(this: { _text: string[] }) {
    return this._text.join('');
  },
});
export default ExcelJS;
