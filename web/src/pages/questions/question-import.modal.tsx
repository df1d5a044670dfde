import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { QUESTION_SHEET_COLUMNS, questionKeys, questionsApi } from '../../api/questions.api';
import { SheetImportModal } from '../../components/sheet-import.modal';

/** 导入试题: a sheet into the bank, all rows or none, every bad row listed by row and column. */
export function QuestionImportModal({
  open,
  unitId,
  unitName,
  onClose,
}: {
  open: boolean;
  unitId: number | undefined;
  unitName: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return (
    <SheetImportModal
      open={open}
      unitName={unitName}
      onClose={onClose}
      i18nPrefix="questions.import"
      testIdPrefix="question-import"
      invalidCode="QUESTION_SHEET_INVALID"
      columns={QUESTION_SHEET_COLUMNS}
      upload={(file, options) => questionsApi.importSheet(unitId, file, options)}
      downloadTemplate={async () => ({
        file: await questionsApi.downloadTemplate(unitId),
        fileName: t('questions.import.templateFileName'),
      })}
      onImported={() => void queryClient.invalidateQueries({ queryKey: questionKeys.all })}
    />
  );
}
