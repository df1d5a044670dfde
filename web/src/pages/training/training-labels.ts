import { useTranslation } from 'react-i18next';
import { useCycles } from '../credits/use-cycles';

/**
 * The ledger categories of the cycle that holds `year`, as select options, and a code's name in
 * the UI language (a code the rules do not know shows as itself).
 */
export function useCreditCategories(year: number | undefined): {
  options: Array<{ value: string; label: string }>;
  nameOf: (code: string) => string;
} {
  const { i18n } = useTranslation();
  const { cycles } = useCycles();
  const cycle = year === undefined ? undefined : cycles.find((c) => c.startYear <= year && year <= c.endYear);
  const categories = cycle?.rules.categories ?? [];
  const label = (c: (typeof categories)[number]) => (i18n.language === 'en' && c.nameEn ? c.nameEn : c.name);
  return {
    options: categories.map((c) => ({ value: c.code, label: label(c) })),
    nameOf: (code) => {
      const c = categories.find((x) => x.code === code);
      return c ? label(c) : code;
    },
  };
}
