import { Card, Col, Form, InputNumber, Row, Switch } from 'antd';
import { useTranslation } from 'react-i18next';

const pct = { min: 0, max: 100, addonAfter: '%', style: { width: '100%' } } as const;

/** The thresholds of the three kinds of commendation, as fields of the enclosing form under `criteria`. */
export function CriteriaFields({ disabled }: { disabled?: boolean }) {
  const { t } = useTranslation();
  const unit = (key: 'advancedUnit' | 'outstandingAdmin') => (
    <Card size="small" title={t(`commendations.criteria.${key}`)} data-testid={`criteria-${key}`}>
      <Form.Item
        name={['criteria', key, 'enabled']}
        label={t('commendations.criteria.enabled')}
        valuePropName="checked"
      >
        <Switch disabled={disabled} />
      </Form.Item>
      <Form.Item
        name={['criteria', key, 'minCompletionPercent']}
        label={t('commendations.criteria.minCompletionPercent')}
      >
        <InputNumber {...pct} disabled={disabled} />
      </Form.Item>
      <Form.Item
        name={['criteria', key, 'requireSignedOff']}
        label={t('commendations.criteria.requireSignedOff')}
        valuePropName="checked"
      >
        <Switch disabled={disabled} />
      </Form.Item>
      <Form.Item name={['criteria', key, 'minExamPassPercent']} label={t('commendations.criteria.minExamPassPercent')}>
        <InputNumber {...pct} disabled={disabled} />
      </Form.Item>
      <Form.Item
        name={['criteria', key, 'minParticipationPercent']}
        label={t('commendations.criteria.minParticipationPercent')}
      >
        <InputNumber {...pct} disabled={disabled} />
      </Form.Item>
      <Form.Item name={['criteria', key, 'maxCount']} label={t('commendations.criteria.maxCount')}>
        <InputNumber min={1} max={10000} style={{ width: '100%' }} disabled={disabled} />
      </Form.Item>
    </Card>
  );
  const k = 'outstandingTrainee';
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} md={8}>
        {unit('advancedUnit')}
      </Col>
      <Col xs={24} md={8}>
        {unit('outstandingAdmin')}
      </Col>
      <Col xs={24} md={8}>
        <Card size="small" title={t(`commendations.criteria.${k}`)} data-testid={`criteria-${k}`}>
          <Form.Item
            name={['criteria', k, 'enabled']}
            label={t('commendations.criteria.enabled')}
            valuePropName="checked"
          >
            <Switch disabled={disabled} />
          </Form.Item>
          <Form.Item
            name={['criteria', k, 'requireComplete']}
            label={t('commendations.criteria.requireComplete')}
            valuePropName="checked"
          >
            <Switch disabled={disabled} />
          </Form.Item>
          <Form.Item name={['criteria', k, 'minYearHours']} label={t('commendations.criteria.minYearHours')}>
            <InputNumber min={0} max={10000} style={{ width: '100%' }} disabled={disabled} />
          </Form.Item>
          <Form.Item name={['criteria', k, 'minExamsPassed']} label={t('commendations.criteria.minExamsPassed')}>
            <InputNumber min={0} max={100} style={{ width: '100%' }} disabled={disabled} />
          </Form.Item>
          <Form.Item
            name={['criteria', k, 'requireExcellent']}
            label={t('commendations.criteria.requireExcellent')}
            valuePropName="checked"
          >
            <Switch disabled={disabled} />
          </Form.Item>
          <Form.Item
            name={['criteria', k, 'minClassesCompleted']}
            label={t('commendations.criteria.minClassesCompleted')}
          >
            <InputNumber min={0} max={100} style={{ width: '100%' }} disabled={disabled} />
          </Form.Item>
          <Form.Item name={['criteria', k, 'maxCount']} label={t('commendations.criteria.maxCount')}>
            <InputNumber min={1} max={10000} style={{ width: '100%' }} disabled={disabled} />
          </Form.Item>
        </Card>
      </Col>
    </Row>
  );
}

/** Empty number fields are sent as null ("no threshold"). */
export function withNulls<T>(criteria: T): T {
  const walk = (v: unknown): unknown =>
    v === undefined
      ? null
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
        : v;
  return walk(criteria) as T;
}

export const DEFAULT_CRITERIA = {
  advancedUnit: {
    enabled: true,
    minCompletionPercent: 95,
    requireSignedOff: true,
    minExamPassPercent: 90,
    minParticipationPercent: 90,
    maxCount: null,
  },
  outstandingAdmin: {
    enabled: true,
    minCompletionPercent: 95,
    requireSignedOff: true,
    minExamPassPercent: null,
    minParticipationPercent: null,
    maxCount: null,
  },
  outstandingTrainee: {
    enabled: true,
    requireComplete: true,
    minYearHours: 72,
    minExamsPassed: 1,
    requireExcellent: true,
    minClassesCompleted: null,
    maxCount: null,
  },
};
