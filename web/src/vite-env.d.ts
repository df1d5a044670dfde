/// <reference types="vite/client" />

/** zh-CN.json split for the first page (vite.config.ts, i18n/first-words.ts) */
declare module 'virtual:zh-words/*' {
  const words: { [key: string]: unknown };
  export default words;
}
