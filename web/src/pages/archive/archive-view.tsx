import { Card, Descriptions, Flex, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ArchiveDocument, ArchiveSection } from '../../api/archive.api';

type Cell = ArchiveSection['rows'][number][number];

function SectionTable({ section }: { section: ArchiveSection }) {
  const { t } = useTranslation();
  const columns = section.columns.map((title, i) => ({
    key: String(i),
    title,
    dataIndex: String(i),
    render: (v: Cell) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : v),
  }));
  const data = section.rows.map((row, r) => ({ key: r, ...Object.fromEntries(row.map((v, i) => [String(i), v])) }));
  return (
    <Card size="small" title={section.title} data-testid={`archive-section-${section.key}`}>
      <Table
        size="small"
        columns={columns}
        dataSource={data}
        pagination={data.length > 20 ? { pageSize: 20, size: 'small' } : false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('archive.emptySection') }}
      />
      {section.note && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, whiteSpace: 'pre-wrap' }}>
          {section.note}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

/**
 * A teacher's training archive as the server built it: the identity, then each section's table in
 * order (the PDF and the .xlsx hold the same). Tables scroll sideways on a phone.
 */
export function ArchiveView({ archive }: { archive: ArchiveDocument }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap="middle">
      <Card
        size="small"
        title={archive.teacherName}
        extra={
          archive.identifiers === 'masked' ? (
            <Tag data-testid="archive-masked">{t('archive.maskedTag')}</Tag>
          ) : undefined
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={archive.identity.map(([label, value], i) => ({
            key: String(i),
            label,
            children: <span className={i === 1 ? 'identifier' : undefined}>{value || '—'}</span>,
          }))}
        />
      </Card>
      {archive.sections.map((s) => (
        <SectionTable key={s.key} section={s} />
      ))}
    </Flex>
  );
}
