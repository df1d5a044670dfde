import { useQuery } from '@tanstack/react-query';
import { Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { archiveApi, archiveKeys } from '../../api/archive.api';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { ArchiveView } from './archive-view';

/** 我的培训档案: the teacher's own archive, with its PDF to download or print. */
export default function MyArchivePage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: archiveKeys.mine, queryFn: archiveApi.mine });
  return (
    <Flex vertical gap="middle">
      <Flex justify="space-between" align="center" wrap gap="small">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('archive.myTitle')}
        </Typography.Title>
        <DownloadButton
          file={archiveApi.minePdf}
          fileName={`${t('archive.fileName')}.pdf`}
          data-testid="my-archive-pdf"
        >
          {t('archive.pdf')}
        </DownloadButton>
      </Flex>
      <Typography.Text type="secondary">{t('archive.myIntro')}</Typography.Text>
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
