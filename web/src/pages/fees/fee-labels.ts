import type { FormRule } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FeeStatus } from '../../api/fees.api';
import { MAX_ITEM_FEN, parseYuan } from '../../../../src/domain/money';

/**
 * Money as people read and type it. The API carries integer fen; these are the server's own pure
 * functions, so the UI never does float arithmetic on money.
 *
 * @example formatFen(123450) // '¥1,234.50'
 * @example parseYuan('０.５') // { ok: true, fen: 50 }
 */
export { fenToInput, formatFen, MAX_ITEM_FEN, MAX_TOTAL_FEN, parseYuan } from '../../../../src/domain/money';

export const STATUS_COLOR: Record<FeeStatus, string> = {
  unpaid: 'red',
  partial: 'orange',
  paid: 'green',
  overpaid: 'blue',
};

/** An antd rule for a yuan field: the same parser as the server's sheets and tests. */
export function useMoneyRule(opts: { allowNegative?: boolean; maxFen?: number; nonZero?: boolean } = {}): FormRule {
  const { t } = useTranslation();
  return {
    validator: async (_rule, value: unknown) => {
      const r = parseYuan(
        typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value),
        { allowNegative: opts.allowNegative, maxFen: opts.maxFen ?? MAX_ITEM_FEN },
      );
      if (!r.ok) throw new Error(t(`fees.money.${r.problem}`));
      if (opts.nonZero && r.fen === 0) throw new Error(t('fees.money.zero'));
    },
  };
}

/** The fen of a field that passed `useMoneyRule`. */
export function fenOf(value: string, allowNegative = false, maxFen?: number): number {
  const r = parseYuan(value, { allowNegative, maxFen });
  if (!r.ok) throw new Error(`unchecked money field: ${r.problem}`);
  return r.fen;
}
