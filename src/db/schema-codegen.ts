import type pg from 'pg';

/**
 * Writes the Kysely table types (src/db/schema.ts) from a migrated database's information_schema.
 * `npx peixun db:types` regenerates the file; schema.test.ts fails when it is out of date.
 */
const HEADER = `// Generated from the migrated schema by \`npx peixun db types\`. Do not edit by hand.
import type { ColumnType, Generated } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type Json = ColumnType<unknown, string | null, string | null>;
/** a JSON column with a default: may be left out of an insert */
export type JsonWithDefault = ColumnType<unknown, string | undefined, string>;
`;

const pascal = (s: string) =>
  s
    .split('_')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

function tsType(dataType: string, udtName: string): string {
  switch (dataType) {
    case 'bigint':
    case 'integer':
    case 'smallint':
    case 'numeric':
    case 'real':
    case 'double precision':
      return 'number';
    case 'text':
    case 'character varying':
    case 'uuid':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return 'Date';
    case 'date':
      return 'string';
    case 'bytea':
      return 'Buffer';
    case 'jsonb':
    case 'json':
      return 'Json';
    case 'ARRAY':
      return udtName === '_text' ? 'string[]' : udtName === '_int8' || udtName === '_int4' ? 'number[]' : 'unknown[]';
    default:
      return 'unknown';
  }
}

export async function generateSchemaTypes(client: pg.Pool | pg.Client): Promise<string> {
  const { rows } = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, typeof rows>();
  for (const r of rows) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), r]);
  let out = HEADER;
  for (const [table, cols] of tables) {
    out += `\nexport interface ${pascal(table)}Table {\n`;
    for (const c of cols) {
      let t = tsType(c.data_type, c.udt_name);
      if (t === 'Date' && c.is_nullable === 'NO' && c.column_default === null) t = 'Timestamp';
      if (c.is_nullable === 'YES') t = t === 'Json' ? 'Json' : `${t} | null`;
      if (c.column_default !== null) t = t === 'Json' ? 'JsonWithDefault' : `Generated<${t}>`;
      out += `  ${c.column_name}: ${t};\n`;
    }
    out += '}\n';
  }
  out += `\nexport interface DB {\n${[...tables.keys()].map((t) => `  ${t}: ${pascal(t)}Table;`).join('\n')}\n}\n`;
  return out;
}
