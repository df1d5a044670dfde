#!/usr/bin/env node
// Entry of `npx peixun …` and `npm start`. Runs the server bundle (dist/server/peixun.mjs, built by
// `npm run build`) when it is current; otherwise the TypeScript sources through tsx, so an edit is
// never served from a stale bundle.
import { BUNDLE, bundleIsCurrent } from '../scripts/server-bundle.mjs';

let main;
if (process.env.PEIXUN_FROM_SOURCE !== '1' && bundleIsCurrent()) {
  process.setSourceMapsEnabled(true);
  ({ main } = await import(BUNDLE));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
