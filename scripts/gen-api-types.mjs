#!/usr/bin/env node
// Writes web/src/api/schema.gen.ts, the web UI's API types, from the server's OpenAPI document
// (`npx peixun openapi`, built from the routes' zod schemas without a database). The document is kept in
// dist/openapi.json; with --if-stale nothing is done when it is newer than every file under src/.
// The file is rewritten only when its text changes, so an unchanged API does not make the web UI stale.
//
// The document's schemas are the small part of JSON Schema that zod emits (objects, arrays, enums,
// unions, nullable), so they are turned into TypeScript here rather than through a generator that needs
// the TypeScript 5 compiler API.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(root, 'web/src/api/schema.gen.ts');
const DOC = path.join(root, 'dist/openapi.json');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const WIDTH = 110;

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

function isStale() {
  if (!fs.existsSync(DOC) || !fs.existsSync(OUT)) return true;
  return fs.statSync(DOC).mtimeMs < Math.max(newest(path.join(root, 'src')), fs.statSync(import.meta.filename).mtimeMs);
}

function readDocument() {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/peixun.js'), 'openapi'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PEIXUN_FROM_SOURCE: '1' },
  });
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    throw new Error(`npx peixun openapi failed (exit status ${r.status})`);
  }
  return JSON.parse(r.stdout);
}

const quote = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const key = (k) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : quote(k));
const literal = (v) => (typeof v === 'string' ? quote(v) : JSON.stringify(v));

/** A union on one line when it fits, else one member a line. */
function union(members, indent) {
  const unique = [...new Set(members)];
  if (unique.length === 1) return unique[0];
  const line = unique.join(' | ');
  if (line.length + indent.length < WIDTH && !line.includes('\n')) return line;
  return unique.map((m) => `\n${indent}  | ${m}`).join('');
}

/** A doc comment, wrapped at word breaks to stay within the line width. */
function docComment(text, indent) {
  const clean = text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();
  if (clean.length + indent.length + 7 <= WIDTH) return `${indent}/** ${clean} */\n`;
  const lines = [];
  let line = '';
  for (const word of clean.split(' ')) {
    if (line && line.length + word.length + indent.length + 4 > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}\n`).join('')}${indent} */\n`;
}

const wrap = (t) => (/[|&]/.test(t) && !t.startsWith('{') ? `(${t.trim()})` : t);

/** One JSON schema (OpenAPI 3.0 flavour, as zod emits it) as a TypeScript type. */
function typeOf(s, indent) {
  if (!s || typeof s !== 'object' || Object.keys(s).every((k) => k === 'description')) return 'unknown';
  let t;
  if (s.enum) t = union(s.enum.map(literal), indent);
  else if ('const' in s) t = literal(s.const);
  else if (s.anyOf || s.oneOf)
    t = union(
      (s.anyOf ?? s.oneOf).map((m) => typeOf(m, indent)),
      indent,
    );
  else if (s.allOf) t = s.allOf.map((m) => wrap(typeOf(m, indent))).join(' & ');
  else if (Array.isArray(s.type))
    t = union(
      s.type.map((type) => typeOf({ ...s, type }, indent)),
      indent,
    );
  else {
    switch (s.type) {
      case 'string':
        t = 'string';
        break;
      case 'integer':
      case 'number':
        t = 'number';
        break;
      case 'boolean':
        t = 'boolean';
        break;
      case 'null':
        t = 'null';
        break;
      case 'array':
        t = `${wrap(typeOf(s.items, indent))}[]`;
        break;
      case 'object':
      case undefined:
        t = objectOf(s, indent);
        break;
      default:
        throw new Error(`unknown schema type ${JSON.stringify(s.type)}`);
    }
  }
  return s.nullable ? union([t.trim(), 'null'], indent) : t;
}

function objectOf(s, indent) {
  const props = Object.entries(s.properties ?? {});
  const extra = s.additionalProperties;
  if (props.length === 0) {
    if (extra === false) return 'Record<string, never>';
    // a record over an enum (zod's z.record(z.enum(…), …)) names every key as required
    if (s.required?.length && extra && typeof extra === 'object') {
      return `Record<${union(s.required.map(literal), indent)}, ${typeOf(extra, indent)}>`;
    }
    return `Record<string, ${extra && typeof extra === 'object' ? typeOf(extra, indent) : 'unknown'}>`;
  }
  const required = new Set(s.required ?? []);
  const inner = `${indent}  `;
  const lines = props.map(([name, p]) => {
    const doc = p?.description ? docComment(p.description, inner) : '';
    return `${doc}${inner}${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(p, inner)};`;
  });
  if (extra && typeof extra === 'object') lines.push(`${inner}[key: string]: ${typeOf(extra, inner)};`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function parametersOf(op, where, indent) {
  const list = (op.parameters ?? []).filter((p) => p.in === where);
  if (list.length === 0) return null;
  // a parameter without a schema of its own (e.g. a date zod coerces) is still text on the wire
  const schemaOf = (p) => (p.schema && Object.keys(p.schema).length > 0 ? p.schema : { type: 'string' });
  const properties = Object.fromEntries(list.map((p) => [p.name, { ...schemaOf(p), description: p.description }]));
  return objectOf({ properties, required: list.filter((p) => p.required).map((p) => p.name) }, indent);
}

function operation(op, indent) {
  const inner = `${indent}  `;
  const lines = [];
  const query = parametersOf(op, 'query', inner);
  if (query) lines.push(`${inner}query: ${query};`);
  const params = parametersOf(op, 'path', inner);
  if (params) lines.push(`${inner}path: ${params};`);
  const body = op.requestBody?.content?.['application/json']?.schema;
  if (body) lines.push(`${inner}body: ${typeOf(body, inner)};`);
  const ok = Object.entries(op.responses ?? {}).filter(([status]) => /^2/.test(status));
  const answers = ok.map(([, r]) => {
    const json = r.content?.['application/json'];
    return json ? typeOf(json.schema, inner) : 'void';
  });
  lines.push(`${inner}response: ${answers.length ? union(answers, inner) : 'void'};`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

export function renderTypes(doc) {
  const out = [
    "// Generated by scripts/gen-api-types.mjs from the OpenAPI document of the server's routes. Do not edit:",
    "// after changing a route's zod schemas, run `npm run gen:api` (CI fails while this file is out of date).",
    '/* eslint-disable */',
    '',
    '/** Every API operation by path and method: its query, path parameters, JSON body and success answer. */',
    'export interface paths {',
  ];
  for (const url of Object.keys(doc.paths).sort()) {
    out.push(`  ${quote(url)}: {`);
    for (const method of METHODS) {
      const op = doc.paths[url][method];
      if (!op) continue;
      if (op.summary) out.push(docComment(op.summary, '    ').trimEnd());
      out.push(`    ${method}: ${operation(op, '    ')};`);
    }
    out.push('  };');
  }
  out.push('}', '');
  out.push(
    'export type ApiPath = keyof paths;',
    "/** The success answer of an operation, e.g. `ApiResponse<'/api/teachers', 'get'>`. */",
    'export type ApiResponse<P extends ApiPath, M extends keyof paths[P]> =',
    '  paths[P][M] extends { response: infer R } ? R : never;',
    '/** The JSON body an operation takes. */',
    'export type ApiBody<P extends ApiPath, M extends keyof paths[P]> =',
    '  paths[P][M] extends { body: infer B } ? B : never;',
    '/** The query parameters an operation takes. */',
    'export type ApiQuery<P extends ApiPath, M extends keyof paths[P]> =',
    '  paths[P][M] extends { query: infer Q } ? Q : never;',
    '',
  );
  return out.join('\n');
}

function main() {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !isStale()) return;
  let doc;
  try {
    doc = readDocument();
  } catch (e) {
    // a server that does not load fails its own build and tests; the web UI still builds with the
    // committed types, and CI's check regenerates them
    if (!ifStale) throw e;
    console.warn(`Could not regenerate the API types (${e.message}); keeping web/src/api/schema.gen.ts`);
    return;
  }
  fs.mkdirSync(path.dirname(DOC), { recursive: true });
  fs.writeFileSync(DOC, `${JSON.stringify(doc, null, 2)}\n`);
  const text = renderTypes(doc);
  const before = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  if (text === before) return;
  fs.writeFileSync(OUT, text);
  console.log(`Wrote ${path.relative(root, OUT)} (${Object.keys(doc.paths).length} paths) / 已更新接口类型`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
