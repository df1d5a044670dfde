import type { Locale } from 'antd/es/locale';
import antdEnUS from 'antd/es/locale/en_US';
import antdZhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import firstWords from 'virtual:zh-words/first';

export type Language = 'zh-CN' | 'en';

export const LANGUAGE_STORAGE_KEY = 'peixun.lang';
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

function isLanguage(value: unknown): value is Language {
  return value === 'zh-CN' || value === 'en';
}

export function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : DEFAULT_LANGUAGE;
}

/** antd's own words (pickers, pagination, empty lists) in the language shown (antd carries its English anyway) */
export function antdLocale(): Locale {
  return currentLanguage() === 'en' ? antdEnUS : antdZhCN;
}

/**
 * The English words are fetched the first time English is chosen (most users never do), so a phone's
 * first page carries only the Chinese ones.
 */
async function loadLanguage(language: Language): Promise<void> {
  if (language !== 'en' || i18next.hasResourceBundle('en', 'translation')) return;
  const words = await import('./en.json');
  i18next.addResourceBundle('en', 'translation', words.default, true, true);
}

export async function changeLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // private mode or storage disabled: the switch still applies to this page
  }
  await loadLanguage(language);
  await i18next.changeLanguage(language);
}

function applyToDocument(): void {
  dayjs.locale(currentLanguage() === 'en' ? 'en' : 'zh-cn');
  document.documentElement.lang = currentLanguage();
  document.title = i18next.t('app.title');
}

i18next.on('languageChanged', applyToDocument);

const stored = storedLanguage();

// The Chinese a first page needs is there from the start, the rest follows at once (wordsReady); English
// is added when asked for (loadLanguage)
void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: firstWords } },
  partialBundledLanguages: true,
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: ['zh-CN', 'en'],
  interpolation: { escapeValue: false },
});

applyToDocument();

/**
 * Resolves once all the Chinese words are here (first-words.ts): every page but the home page waits for
 * it before it is drawn (router.tsx). Asked for as the app starts. Should the file not come, the pages
 * are drawn anyway, as a page whose own file did come can be.
 */
export const wordsReady: Promise<void> = import('virtual:zh-words/rest')
  .then((rest) => {
    i18next.addResourceBundle(DEFAULT_LANGUAGE, 'translation', rest.default, true, true);
  })
  .catch(() => undefined);

/** Resolves once the remembered language's words are here: the app is drawn after it (main.tsx). */
export const languageReady: Promise<void> =
  stored === DEFAULT_LANGUAGE ? Promise.resolve() : changeLanguage(stored).catch(() => undefined);

export default i18next;
