import { Card, Col, Row, Statistic, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TeacherImportSummary } from '../../api/types';

type Part = 'create' | 'update' | 'unchanged' | 'transfer' | 'error';

const PARTS: readonly Part[] = ['create', 'update', 'transfer', 'unchanged', 'error'];
const COLORS: Record<Part, string> = {
  create: '#52c41a',
  update: '#1677ff',
  transfer: '#fa8c16',
  unchanged: '#bfbfbf',
  error: '#ff4d4f',
};

/** What a checked roster would do: one card per outcome and a bar of their shares. */
export function ImportSummary({ summary }: { summary: TeacherImportSummary }) {
  const { t } = useTranslation();
  const total = Math.max(summary.total, 1);
  return (
    <div data-testid="import-summary">
      <Row gutter={[12, 12]}>
        <Col xs={12} sm={8} lg={4}>
          <Card size="small">
            <Statistic title={t('teachers.import.summary.total')} value={summary.total} />
          </Card>
        </Col>
        {PARTS.map((part) => (
          <Col xs={12} sm={8} lg={4} key={part}>
            <Card size="small" className="import-stat" style={{ borderTopColor: COLORS[part] }}>
              <Statistic
                title={t(`teachers.import.summary.${part}`)}
                value={summary[part]}
                styles={{ content: { color: summary[part] > 0 && part !== 'unchanged' ? COLORS[part] : undefined } }}
                data-testid={`import-summary-${part}`}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <div className="import-bar" role="img" aria-label={t('teachers.import.summary.barLabel')}>
        {PARTS.filter((part) => summary[part] > 0).map((part) => (
          <Tooltip key={part} title={`${t(`teachers.import.summary.${part}`)}: ${summary[part]}`}>
            <span style={{ flexGrow: summary[part] / total, background: COLORS[part] }} />
          </Tooltip>
        ))}
      </div>
    </div>
  );
}
