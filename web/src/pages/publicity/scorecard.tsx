import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Scorecard } from '../../api/programmes.api';

/**
 * A line's published figures, step by step: the raw scores (the dropped ones struck through and
 * marked), the normalised value with its note, the final score and the rank, and any lines of grounds.
 */
export function ScorecardView({ card, testId }: { card: Scorecard | null; testId?: string }) {
  const { t } = useTranslation();
  if (!card) return null;
  return (
    <Space orientation="vertical" size={4} data-testid={testId} style={{ width: '100%' }}>
      {card.raw && card.raw.length > 0 && (
        <Space wrap size={[4, 4]}>
          <Typography.Text type="secondary">{t('publicity.scorecard.raw')}</Typography.Text>
          {card.raw.map((r) => (
            <Tag key={r.label} color={r.dropped ? 'default' : 'blue'} data-testid="score-raw">
              {r.dropped ? (
                <>
                  <del>
                    {r.label} {r.value ?? '—'}
                  </del>{' '}
                  {t(`publicity.scorecard.dropped.${r.dropped}`)}
                </>
              ) : (
                `${r.label} ${r.value ?? '—'}`
              )}
            </Tag>
          ))}
        </Space>
      )}
      {(card.normalised !== undefined || card.normalisationNote) && (
        <Typography.Text>
          {t('publicity.scorecard.normalised')}: {card.normalised ?? t('publicity.scorecard.notApplied')}
          {card.normalisationNote ? `（${card.normalisationNote}）` : ''}
        </Typography.Text>
      )}
      {(card.final !== undefined && card.final !== null) || (card.rank !== undefined && card.rank !== null) ? (
        <Typography.Text strong>
          {card.final !== undefined && card.final !== null ? `${t('publicity.scorecard.final')}: ${card.final}` : ''}
          {card.rank !== undefined && card.rank !== null ? `　${t('publicity.scorecard.rank')}: ${card.rank}` : ''}
        </Typography.Text>
      ) : null}
      {card.lines?.map((l) => (
        <Typography.Text key={l} type="secondary">
          {l}
        </Typography.Text>
      ))}
    </Space>
  );
}

/** The steps of a line's calculation an objection may point at, in the reader's language. */
export function objectionSteps(
  card: Scorecard | null,
  t: (k: string, o?: Record<string, unknown>) => string,
): string[] {
  const out: string[] = [];
  for (const r of card?.raw ?? []) out.push(t('publicity.steps.score', { label: r.label }));
  if (card?.raw?.some((r) => r.dropped)) out.push(t('publicity.steps.dropped'));
  if (card && (card.normalised !== undefined || card.normalisationNote)) out.push(t('publicity.steps.normalised'));
  if (card?.final !== undefined && card.final !== null) out.push(t('publicity.steps.final'));
  if (card?.rank !== undefined && card.rank !== null) out.push(t('publicity.steps.rank'));
  if (card?.lines?.length) out.push(t('publicity.steps.grounds'));
  out.push(t('publicity.steps.other'));
  return out;
}
