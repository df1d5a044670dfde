import { FileExcelOutlined, PrinterOutlined } from '@ant-design/icons';
import { Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DownloadedFile } from '../api/client';
import type { FormFormat } from '../api/print-forms.api';
import { DownloadButton } from './download-button';

/**
 * A form to print and seal (签到表, 结业名单, 验证汇总表): its PDF, with the unit's seal and the
 * signature on the last page, and beside it the same table as an Excel sheet.
 */
export function PrintFormButton({
  label,
  file,
  fileName,
  size,
  testId,
}: {
  label: string;
  file: (format: FormFormat) => Promise<DownloadedFile>;
  /** without its extension: '.pdf' or '.xlsx' is added */
  fileName: string;
  size?: 'small' | 'middle';
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Space.Compact size={size}>
      <DownloadButton
        icon={<PrinterOutlined />}
        file={() => file('pdf')}
        fileName={`${fileName}.pdf`}
        title={t('printForm.pdfHint')}
        data-testid={`${testId}-pdf`}
      >
        {label}
      </DownloadButton>
      <DownloadButton
        icon={<FileExcelOutlined />}
        file={() => file('xlsx')}
        fileName={`${fileName}.xlsx`}
        aria-label={t('printForm.xlsxLabel', { form: label })}
        title={t('printForm.xlsxLabel', { form: label })}
        data-testid={`${testId}-xlsx`}
      />
    </Space.Compact>
  );
}
