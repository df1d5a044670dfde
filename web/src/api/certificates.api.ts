import { apiDownload, apiRequest } from './client';
import type { Certificate, CertificateKind, Items, Job } from './types';

export interface CertificateKindInput {
  kind: CertificateKind;
  /** the year of a record sheet (kind `year`) */
  year: number | null;
}

/** Certificates of a cycle and record sheets of a year, with their PDFs. */
export const certificatesApi = {
  issue: (input: CertificateKindInput & { teacherId: number; cycleId: number }) =>
    apiRequest<{ certificate: Certificate }>('/api/certificates', { method: 'POST', body: input }),
  /** A teacher's certificates; a teacher leaves out `teacherId` for their own. */
  forTeacher: (teacherId?: number) => apiRequest<Items<Certificate>>('/api/certificates', { query: { teacherId } }),
  underUnit: (query: { orgUnitId: number; cycleId: number; q?: string; page?: number; pageSize?: number }) =>
    apiRequest<Items<Certificate>>('/api/certificates/unit', { query: { ...query } }),
  /**
   * The PDF, with the characters no font on the server has (printed as boxes with their code points),
   * from the `X-Missing-Glyphs` header: empty when every character was printed.
   */
  downloadPdf: async (id: number) => {
    const file = await apiDownload(`/api/certificates/${id}/pdf`);
    const codes =
      file.headers
        ?.get('x-missing-glyphs')
        ?.split(' ')
        .filter((c) => /^U\+[0-9A-F]{4,6}$/.test(c)) ?? [];
    return { ...file, missingGlyphs: codes.map((c) => String.fromCodePoint(parseInt(c.slice(2), 16))) };
  },
  revoke: (id: number, reason: string) =>
    apiRequest<{ certificate: Certificate }>(`/api/certificates/${id}/revoke`, { method: 'POST', body: { reason } }),
  /** Every teacher of a unit, as one zip made by the returned job. */
  bulk: (input: CertificateKindInput & { orgUnitId: number; cycleId: number }) =>
    apiRequest<{ job: Job }>('/api/certificates/bulk', { method: 'POST', body: input }),
  downloadBulk: (jobId: number) => apiDownload(`/api/certificates/bulk/${jobId}/download`),
};
