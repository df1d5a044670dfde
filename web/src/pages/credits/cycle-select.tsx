import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Cycle } from '../../api/types';

/** Picks one of the province's cycles; shown only when there is more than one to pick from. */
export function CycleSelect({
  cycles,
  value,
  onChange,
  className,
}: {
  cycles: readonly Cycle[];
  value: number | undefined;
  onChange: (id: number) => void;
  className?: string;
}) {
  const { t } = useTranslation();
  if (cycles.length < 2) return null;
  return (
    <Select<number>
      className={className}
      value={value}
      onChange={onChange}
      aria-label={t('credits.cycle')}
      data-testid="cycle-select"
      options={cycles.map((c) => ({
        value: c.id,
        label: `${t('credits.cycleOption', { name: c.name, start: c.startYear, end: c.endYear })}${c.current ? ` · ${t('cycles.currentTag')}` : ''}`,
      }))}
      popupMatchSelectWidth={false}
    />
  );
}
