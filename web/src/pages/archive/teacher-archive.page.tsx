import { FileExcelOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Flex, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { archiveApi, archiveKeys } from '../../api/archive.api';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { ArchiveView } from './archive-view';

/**
 * A teacher's training archive for the admins whose subtree holds the teacher's current school: the
 * whole history, also from former schools; printable as a PDF and exportable as .xlsx. Opening it is
 * recorded in the audit log (it holds personal data).
 */
export default function TeacherArchivePage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const q = useQuery({ queryKey: archiveKeys.teacher(id), queryFn: () => archiveApi.ofTeacher(id) });
  const name = q.data?.teacherName ?? '';
  return (
    <Flex vertical gap="middle">
      <Breadcrumb
        items={[
          { key: 'list', title: <Link to="/teachers">{t('nav.teachers')}</Link> },
          { key: 'teacher', title: <Link to={`/teachers/${id}`}>{name || t('archive.teacher')}</Link> },
          { key: 'archive', title: t('archive.title') },
        ]}
      />
      <Flex justify="space-between" align="center" wrap gap="small">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('archive.titleOf', { name })}
        </Typography.Title>
        <Space.Compact>
          <DownloadButton
            icon={<PrinterOutlined />}
            file={() => archiveApi.file(id, 'pdf')}
            fileName={`${name}${t('archive.fileName')}.pdf`}
            data-testid="archive-pdf"
          >
            {t('archive.pdf')}
          </DownloadButton>
          <DownloadButton
            icon={<FileExcelOutlined />}
            file={() => archiveApi.file(id, 'xlsx')}
            fileName={`${name}${t('archive.fileName')}.xlsx`}
            data-testid="archive-xlsx"
          >
            {t('archive.xlsx')}
          </DownloadButton>
        </Space.Compact>
      </Flex>
      <Typography.Text type="secondary">{t('archive.adminIntro')}</Typography.Text>
      {q.isPending ? (
        <SectionSpin />
      ) : q.isError ? (
        <ErrorResult error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <ArchiveView archive={q.data} />
      )}
    </Flex>
  );
}
