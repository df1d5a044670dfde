import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { COURSE_SHEET_COLUMNS, courseKeys, coursesApi } from '../../api/courses.api';
import { SheetImportModal } from '../../components/sheet-import.modal';

/** 导入课程: a sheet into the unit's catalogue, all rows or none, problems listed by row and column. */
export function CourseImportModal({
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
      i18nPrefix="courses.import"
      testIdPrefix="course-import"
      invalidCode="COURSE_SHEET_INVALID"
      columns={COURSE_SHEET_COLUMNS}
      upload={(file, options) => coursesApi.importSheet(orgUnitId, file, options)}
      downloadTemplate={async () => ({
        file: await coursesApi.downloadTemplate(orgUnitId),
        fileName: t('courses.import.templateFileName'),
      })}
      onImported={() => void queryClient.invalidateQueries({ queryKey: courseKeys.all })}
    />
  );
}
