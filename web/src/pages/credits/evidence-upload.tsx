import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Progress, Typography, Upload } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { creditsApi } from '../../api/credits.api';
import type { EvidenceFile } from '../../api/types';
import { useErrorMessage } from '../../lib/error-message';

export const EVIDENCE_ACCEPT = '.pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.zip';

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The evidence file of a registration (R-16: archived with the original evidence). The file is
 * uploaded as soon as it is chosen; the registration then refers to it by id.
 */
export function EvidenceUpload({
  orgUnitId,
  value,
  onChange,
  disabled,
}: {
  orgUnitId: number;
  value?: EvidenceFile | null;
  onChange?: (file: EvidenceFile | null) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  if (value) {
    return (
      <Flex align="center" gap={8} className="evidence-picked" data-testid="register-evidence-file">
        <PaperClipOutlined />
        <Typography.Text ellipsis className="evidence-name">
          {value.fileName}
        </Typography.Text>
        <Typography.Text type="secondary">{sizeText(value.sizeBytes)}</Typography.Text>
        <Button
          type="text"
          size="small"
          icon={<DeleteOutlined />}
          aria-label={t('creditRegister.evidence.remove')}
          onClick={() => onChange?.(null)}
          disabled={disabled}
        />
      </Flex>
    );
  }

  return (
    <Flex vertical gap={8}>
      <Upload
        accept={EVIDENCE_ACCEPT}
        showUploadList={false}
        disabled={disabled || percent !== null}
        customRequest={({ file }) => {
          setError(null);
          setPercent(0);
          abort.current = new AbortController();
          creditsApi
            .uploadEvidence(orgUnitId, file as Blob, { onProgress: setPercent, signal: abort.current.signal })
            .then((uploaded) => onChange?.(uploaded))
            .catch((err: unknown) => {
              if (!(err instanceof DOMException && err.name === 'AbortError')) setError(err);
            })
            .finally(() => setPercent(null));
        }}
      >
        <Button icon={<UploadOutlined />} loading={percent !== null} data-testid="register-evidence-upload">
          {t('creditRegister.evidence.choose')}
        </Button>
      </Upload>
      {percent !== null && <Progress percent={percent} size="small" />}
      {error !== null && (
        <Alert type="error" showIcon title={errorMessage(error)} data-testid="register-evidence-error" />
      )}
      <Typography.Text type="secondary" className="small-text">
        {t('creditRegister.evidence.hint')}
      </Typography.Text>
    </Flex>
  );
}
