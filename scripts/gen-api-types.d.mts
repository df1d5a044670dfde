/** The web UI's API types (schema.gen.ts) as text, from an OpenAPI document. */
export function renderTypes(doc: { paths: Record<string, Record<string, unknown>> }): string;
