/**
 * What the certificate PDF renderer (render.ts, pool.ts) prints: one certificate or yearly record
 * sheet, already checked and formatted by the certificate service. Plain data only, so it crosses
 * worker-thread boundaries by structured clone.
 *
 * Hours are tenths of an hour (integers) everywhere, as in the ledger: 2415 is printed '241.5'.
 */
export interface CertificateDocument {
  // cycle certificate of a finished cycle (学时证书), record of hours so far in a cycle not finished
  // (学时证明, "截至 issuedOn"), or a yearly record sheet (年度学时登记表)
  kind: 'cycle' | 'record' | 'year';
  code: string; // unique certificate number printed on it, e.g. 'PX2026-7K3M9Q2R4T'
  verifyUrl: string; // absolute URL encoded in the QR code, e.g. 'https://host/verify/7K3M9Q2R4T'
  teacherName: string; // may contain rare characters such as 𠮷 or 㛃
  idNumberMasked: string; // e.g. '2202**********1234'
  unitName: string; // the teacher's school
  issuerName: string; // unit that issues, e.g. '蛟河市教师进修学校'
  cycleName: string; // e.g. '2026—2030年'
  year: number | null; // for kind 'year'
  status: 'complete' | 'incomplete';
  totalHours: number; // tenths of an hour (integer): 2415 means 241.5 学时
  requiredHours: number; // tenths
  credits: string; // already formatted, e.g. '24.2'
  categories: Array<{ name: string; hours: number; minimum: number | null; met: boolean | null }>; // hours/minimum in tenths
  // date 'YYYY-MM-DD', organiser: the unit that organised the training (主办单位), hours tenths
  // (may be up to ~300 rows → multi-page)
  entries: Array<{ date: string; title: string; organiser: string; categories: string; hours: number }>;
  issuedOn: string; // 'YYYY-MM-DD': the day the figures were frozen
  locale: 'zh-CN' | 'en'; // zh-CN: Chinese labels (default); en: English labels, names stay as given
}
