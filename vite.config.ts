import { fileURLToPath } from 'node:url';
import { defineConfig, type HtmlTagDescriptor, type Plugin, type Rollup } from 'vite';
import react from '@vitejs/plugin-react';
import fs from 'node:fs';
import { FIRST_WORDS, splitWords } from './web/src/i18n/first-words';

/** antd's display components that the phone pages use (lists, cards, progress, tags), with their dependencies */
const PHONE_UI =
  /node_modules[\\/]antd[\\/]es[\\/](?:card|list|progress|grid|row|col|empty|alert|statistic|tag|flex|descriptions|timeline|segmented|skeleton|badge|pagination)[\\/]/;

/**
 * The page everyone lands on after signing in (工作台, at `/`) and where its built page goes: the server
 * sends this copy of index.html for `/` only (http/app.ts), so a phone opening any other address (a
 * check-in link from a QR code) fetches nothing for the home page.
 */
const LANDING = { module: 'web/src/pages/home/home.page.tsx', html: 'home.html' };

/**
 * On a 3G link a first page would otherwise wait in turn for the app's script, for it to run, for the
 * session and only then for the page's own files, each a round trip of 150 ms or more. Every page asks
 * for the session at once (`preload`, taken up by the request app.tsx makes for it as it starts, whatever
 * the address: a preloaded answer left unused would be handed to a later request, after a login); the
 * landing page's copy also names its files (`modulepreload`: fetched beside the app's script, run when
 * imported). Its data is not preloaded: asked for before a login, that answer (401) would be the one the
 * page got after it.
 */
function preloadFirstPage(): Plugin {
  const link = (attrs: Record<string, string>) =>
    `<link ${Object.entries(attrs)
      .map(([k, v]) => `${k}="${v}"`)
      .join(' ')}>`;
  return {
    name: 'peixun:preload-first-page',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      // first in the head: asked for before the scripts take the browser's six connections
      handler: (): HtmlTagDescriptor[] => [
        {
          tag: 'link',
          attrs: { rel: 'preload', href: '/api/auth/me', as: 'fetch', crossorigin: 'anonymous' },
          injectTo: 'head-prepend',
        },
      ],
    },
    generateBundle(_options, bundle) {
      const index = bundle['index.html'];
      if (index?.type !== 'asset') return;
      const chunks = Object.values(bundle).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const withImports = (start: Rollup.OutputChunk | undefined, into = new Set<string>()) => {
        if (!start || into.has(start.fileName)) return into;
        into.add(start.fileName);
        for (const i of start.imports) withImports(byName.get(i), into);
        return into;
      };
      const loaded = withImports(chunks.find((c) => c.isEntry));
      const page = withImports(chunks.find((c) => c.facadeModuleId?.endsWith(LANDING.module)));
      if (page.size === 0) return;
      const links = [...page]
        .filter((f) => !loaded.has(f))
        .map((f) => link({ rel: 'modulepreload', crossorigin: '', href: `/${f}` }));
      this.emitFile({
        type: 'asset',
        fileName: LANDING.html,
        source: String(index.source).replace('</head>', `  ${links.join('\n    ')}\n  </head>`),
      });
    },
  };
}

/**
 * `virtual:zh-words/first` and `virtual:zh-words/rest`: zh-CN.json split into the words a first page
 * needs (carried by the app's script) and the others (their own file); see web/src/i18n/first-words.ts.
 * Each is a `JSON.parse` of a string, which a browser reads faster than an object literal.
 */
function chineseWords(): Plugin {
  const file = fileURLToPath(new URL('./web/src/i18n/zh-CN.json', import.meta.url));
  const PREFIX = 'virtual:zh-words/';
  return {
    name: 'peixun:zh-words',
    resolveId: (id) => (id.startsWith(PREFIX) ? `\0${id}` : undefined),
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return undefined;
      this.addWatchFile(file);
      const half = id.slice(PREFIX.length + 1);
      const split = splitWords(JSON.parse(fs.readFileSync(file, 'utf8')), FIRST_WORDS);
      const words = half === 'first' ? split.first : half === 'rest' ? split.rest : undefined;
      if (!words) throw new Error(`no such words: ${id.slice(1)}`);
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(words))});`;
    },
  };
}

/**
 * Web UI build. The app lives in `web/`; `vite build` writes `web/dist`, which the
 * server serves as static files (scripts/build-web.mjs then writes their brotli and gzip copies). In
 * development `/api` is proxied to the server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [react(), chineseWords(), preloadFirstPage()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // antd is large; route chunks stay small, the shared vendor chunk is expected to be big.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // On a phone's 3G link every file costs a round trip (150 ms), and a browser fetches six at a
          // time: the first screen comes in a few larger files rather than dozens of small ones.
          groups: [
            // everything every page needs (React, the router, antd's core, the shell, the Chinese words): one file
            { name: 'app', tags: ['$initial'], priority: 2 },
            // the antd parts of the phone pages (home, my record, my hours, timetable, my sessions): one file;
            // the forms, tables, pickers and trees of the admin pages stay in their own chunks, and ECharts
            // with the charts
            { name: 'phone-ui', test: PHONE_UI, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
    },
  },
});
