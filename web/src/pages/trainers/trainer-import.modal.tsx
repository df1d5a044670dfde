import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { TRAINER_SHEET_COLUMNS, trainerKeys, trainersApi } from '../../api/trainers.api';
import { SheetImportModal } from '../../components/sheet-import.modal';

/** 导入培训者/专家: a sheet shaped like the export into the unit's pool, all rows or none, problems listed by row and column. */
export function TrainerImportModal({
  open,
  orgUnitId,
  unitName,
  onClose,
}: {
  open: boolean;
  orgUnitId: number;
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
      i18nPrefix="trainers.import"
      testIdPrefix="trainer-import"
      invalidCode="TRAINER_SHEET_INVALID"
      columns={TRAINER_SHEET_COLUMNS}
      upload={(file, options) => trainersApi.importSheet(orgUnitId, file, options)}
      downloadTemplate={async () => ({
        file: await trainersApi.exportSheet({ orgUnitId, origin: 'own', status: 'all' }),
        fileName: t('trainers.import.templateFileName', { unit: unitName }),
      })}
      onImported={() => void queryClient.invalidateQueries({ queryKey: trainerKeys.all })}
    />
  );
}
