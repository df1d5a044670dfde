import { apiDownload, type DownloadedFile } from './client';

/** How a form to print and seal comes: an A4 PDF with the seal block, or the same table as .xlsx. */
export type FormFormat = 'pdf' | 'xlsx';

/** Forms to print and seal: 签到表, 结业名单, 验证汇总表 (school and unit), in the UI's language. */
export const printFormsApi = {
  signInSheet: (sessionId: number, format: FormFormat): Promise<DownloadedFile> =>
    apiDownload(`/api/sessions/${sessionId}/sign-in-sheet?format=${format}`),
  completionList: (classId: number, format: FormFormat): Promise<DownloadedFile> =>
    apiDownload(`/api/classes/${classId}/completion-list?format=${format}`),
  verificationSheet: (verificationId: number, format: FormFormat): Promise<DownloadedFile> =>
    apiDownload(`/api/verifications/${verificationId}/sheet?format=${format}`),
  verificationSummary: (
    q: { orgUnitId: number; cycleId: number; year: number },
    format: FormFormat,
  ): Promise<DownloadedFile> =>
    apiDownload(
      `/api/verifications/summary-sheet?orgUnitId=${q.orgUnitId}&cycleId=${q.cycleId}&year=${q.year}&format=${format}`,
    ),
};
