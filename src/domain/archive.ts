/**
 * A teacher's training archive (培训档案, R-52) as one document: the identity block and titled tables
 * (postings, hours by year, ledger entries, training, exams, recommended work, backbone titles,
 * honours, the development plan, and the sections programmes register), in the reader's language.
 * Pure: the service reads the data and hands it here; the page, the PDF and the .xlsx show the result
 * as it is, so all three say the same thing.
 */
import { maskBirthDatesIn } from './id-number.js';
import { SOURCE_LABELS, type SourceType } from './cycle-rules.js';
import { BACKBONE_LEVELS, type BackboneLevel } from './teacher.js';
import { STAGES, type Stage } from './org-tree.js';
import type { PlanStatus, PlanYear } from './development-plan.js';

export type ArchiveLocale = 'zh-CN' | 'en';
type T = Record<ArchiveLocale, string>;

/** A titled table of the archive (the same shape programmes register, services/archive-sections.ts). */
export interface ArchiveTable {
  key: string;
  order: number;
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  note?: string | null;
}

export interface ArchiveDocument {
  locale: ArchiveLocale;
  title: string;
  teacherName: string;
  /** the teacher's current school (the unit that keeps the archive) */
  unitName: string;
  /** label → value, in order */
  identity: Array<[string, string]>;
  sections: ArchiveTable[];
  /** 'YYYY-MM-DD' */
  printedOn: string;
  /** how identifiers were shown: 'full' (school, county), 'masked' (city, province), 'own' (the teacher) */
  identifiers: 'full' | 'masked' | 'own';
}

/** Everything the archive is built from, already read. */
export interface ArchiveData {
  teacher: {
    id: number;
    name: string;
    /** the ID number as this reader may see it (masked unless 'full') */
    idNumber: string;
    gender: 'male' | 'female' | null;
    birthDate: string | null;
    orgUnitName: string;
    stage: Stage;
    subject: string | null;
    title: string | null;
    teachingStartYear: number | null;
    backboneLevel: BackboneLevel | null;
  };
  postings: Array<{ orgUnitName: string; startedOn: string; endedOn: string | null; reason: string | null }>;
  /** per cycle: the year figures and each entry with what counted of it */
  cycles: Array<{
    name: string;
    years: Array<{ year: number; counted: number; minimum: number | null; met: boolean | null }>;
    counted: number;
    required: number;
    lines: string[];
    entries: Array<{
      year: number;
      occurredOn: string;
      title: string;
      sourceType: SourceType;
      orgUnitName: string;
      hours: number;
      counted: number;
      /** the cap's name when it held back part of the entry */
      capped: string | null;
      cancelled: 'reversed' | 'reversal' | null;
      evidence: string | null;
    }>;
  }>;
  training: Array<{
    projectTitle: string;
    year: number;
    level: string;
    organiserName: string;
    className: string;
    hours: number;
    sessionsHeld: number;
    sessionsAttended: number;
    status: string;
    outcome: string | null;
  }>;
  exams: Array<{
    title: string;
    organiserName: string;
    closesAt: Date;
    examScore: number | null;
    composite: number | null;
    level: string | null;
    passed: boolean;
  }>;
  homework: Array<{
    title: string;
    className: string;
    grade: string | null;
    score: number | null;
    maxScore: number | null;
    recommendedAt: Date | null;
    submittedAt: Date;
  }>;
  reflections: Array<{ title: string; className: string; chars: number; createdAt: Date }>;
  titles: Array<{
    level: BackboneLevel;
    grantedByName: string;
    termStart: string;
    termEnd: string;
    status: 'active' | 'expired' | 'revoked';
    flagReason: string | null;
    revokeReason: string | null;
    events: Array<{ kind: string; reason: string | null; at: string }>;
  }>;
  honours: Array<{
    title: string;
    kind: string;
    grade: string | null;
    year: number;
    awardedByName: string;
    awardedOn: string;
    code: string;
    revokedAt: Date | null;
    revokeReason: string | null;
  }>;
  plans: Array<{
    startYear: number;
    goals: string;
    status: PlanStatus;
    years: PlanYear[];
    reviewComment: string | null;
  }>;
  /** sections registered by programmes (pairs, competitions), already in the reader's language */
  extra: ArchiveTable[];
}

const L = {
  title: { 'zh-CN': '教师培训档案', en: 'Training archive' },
  name: { 'zh-CN': '姓名', en: 'Name' },
  idNumber: { 'zh-CN': '证件号码', en: 'ID number' },
  gender: { 'zh-CN': '性别', en: 'Gender' },
  birth: { 'zh-CN': '出生日期', en: 'Date of birth' },
  school: { 'zh-CN': '现任职学校', en: 'Current school' },
  stage: { 'zh-CN': '学段', en: 'Stage' },
  subject: { 'zh-CN': '任教学科', en: 'Subject' },
  rank: { 'zh-CN': '职称', en: 'Professional title' },
  since: { 'zh-CN': '从教年份', en: 'Teaching since' },
  backbone: { 'zh-CN': '骨干教师', en: 'Backbone teacher' },
  male: { 'zh-CN': '男', en: 'male' },
  female: { 'zh-CN': '女', en: 'female' },
  none: { 'zh-CN': '无', en: 'none' },
  yes: { 'zh-CN': '是', en: 'yes' },
  no: { 'zh-CN': '否', en: 'no' },
  // postings
  postings: { 'zh-CN': '任职经历', en: 'Postings' },
  unit: { 'zh-CN': '单位', en: 'Unit' },
  from: { 'zh-CN': '起', en: 'From' },
  to: { 'zh-CN': '止', en: 'To' },
  reason: { 'zh-CN': '原因', en: 'Reason' },
  now: { 'zh-CN': '至今', en: 'now' },
  // hours
  hours: { 'zh-CN': '学时（按年度）', en: 'Hours by year' },
  cycle: { 'zh-CN': '周期', en: 'Cycle' },
  year: { 'zh-CN': '年度', en: 'Year' },
  counted: { 'zh-CN': '认定学时', en: 'Hours counted' },
  minimum: { 'zh-CN': '年度最低', en: 'Yearly minimum' },
  met: { 'zh-CN': '是否达标', en: 'Met' },
  cycleTotal: {
    'zh-CN': '{cycle}：认定 {counted} / 应修 {required} 学时',
    en: '{cycle}: {counted} of {required} hours counted',
  },
  entries: { 'zh-CN': '学时登记明细', en: 'Ledger entries' },
  date: { 'zh-CN': '日期', en: 'Date' },
  item: { 'zh-CN': '内容', en: 'Item' },
  source: { 'zh-CN': '来源', en: 'Source' },
  registeredBy: { 'zh-CN': '登记单位', en: 'Registered by' },
  registered: { 'zh-CN': '登记学时', en: 'Hours' },
  explanation: { 'zh-CN': '说明', en: 'Explanation' },
  cappedBy: { 'zh-CN': '受上限“{cap}”限制', en: 'held back by the cap "{cap}"' },
  reversed: { 'zh-CN': '已冲销', en: 'reversed' },
  reversal: { 'zh-CN': '冲销记录', en: 'reversal' },
  evidence: { 'zh-CN': '证明：{e}', en: 'evidence: {e}' },
  // training
  training: { 'zh-CN': '参加培训（班级与项目）', en: 'Classes and projects' },
  project: { 'zh-CN': '项目', en: 'Project' },
  level: { 'zh-CN': '级别', en: 'Level' },
  organiser: { 'zh-CN': '主办单位', en: 'Organiser' },
  klass: { 'zh-CN': '班级', en: 'Class' },
  projectHours: { 'zh-CN': '项目学时', en: 'Project hours' },
  attendance: { 'zh-CN': '出勤', en: 'Attendance' },
  outcome: { 'zh-CN': '结果', en: 'Outcome' },
  // exams
  exams: { 'zh-CN': '考试与等级', en: 'Exams and levels' },
  exam: { 'zh-CN': '考试', en: 'Exam' },
  score: { 'zh-CN': '卷面成绩', en: 'Exam score' },
  composite: { 'zh-CN': '综合成绩', en: 'Composite' },
  grade: { 'zh-CN': '等级', en: 'Level' },
  passed: { 'zh-CN': '是否合格', en: 'Passed' },
  // work
  work: { 'zh-CN': '优秀作业与研修日志', en: 'Recommended work and reflections' },
  kind: { 'zh-CN': '类别', en: 'Kind' },
  titleCol: { 'zh-CN': '标题', en: 'Title' },
  mark: { 'zh-CN': '评价', en: 'Mark' },
  homework: { 'zh-CN': '研修作业', en: 'Homework' },
  reflection: { 'zh-CN': '研修日志', en: 'Reflection' },
  recommended: { 'zh-CN': '推荐为优秀作业', en: 'recommended to the class' },
  chars: { 'zh-CN': '{n} 字，计入考核', en: '{n} characters, counted' },
  workNote: {
    'zh-CN': '研修作业列出推荐为优秀作业或评为优秀的；研修日志列出计入考核的。',
    en: 'Homework recommended to the class or graded excellent; reflections that counted for their class.',
  },
  // titles
  titles: { 'zh-CN': '骨干教师称号及变动', en: 'Backbone titles and their history' },
  grantedBy: { 'zh-CN': '认定单位', en: 'Granted by' },
  term: { 'zh-CN': '任期', en: 'Term' },
  status: { 'zh-CN': '状态', en: 'Status' },
  history: { 'zh-CN': '变动记录', en: 'History' },
  titlesNote: { 'zh-CN': '已撤销的称号仍列出，并注明撤销原因。', en: 'Revoked titles stay listed with the reason.' },
  // honours
  honours: { 'zh-CN': '荣誉', en: 'Honours' },
  honour: { 'zh-CN': '荣誉名称', en: 'Honour' },
  awardedBy: { 'zh-CN': '授予单位', en: 'Awarded by' },
  awardedOn: { 'zh-CN': '授予日期', en: 'Awarded on' },
  code: { 'zh-CN': '验证码', en: 'Verification code' },
  valid: { 'zh-CN': '有效', en: 'valid' },
  revokedBecause: { 'zh-CN': '已撤销：{r}', en: 'revoked: {r}' },
  // plan
  plan: { 'zh-CN': '个人专业发展规划', en: 'Personal development plan' },
  actions: { 'zh-CN': '研修行动', en: 'Actions' },
  plannedTraining: { 'zh-CN': '计划参加的培训', en: 'Planned training' },
  target: { 'zh-CN': '目标学时', en: 'Target hours' },
  selfReview: { 'zh-CN': '年度自评', en: 'Self-review' },
  planNote: {
    'zh-CN': '{from}—{to} 年规划（{status}）。三年目标：{goals}',
    en: '{from}–{to} plan ({status}). Goals: {goals}',
  },
} satisfies Record<string, T>;

const BACKBONE_TEXT: Record<BackboneLevel, T> = {
  school: { 'zh-CN': '校级', en: 'school' },
  county: { 'zh-CN': '县级', en: 'county' },
  city: { 'zh-CN': '市级', en: 'city' },
  province: { 'zh-CN': '省级', en: 'province' },
};
const STAGE_TEXT: Record<Stage, T> = {
  kindergarten: { 'zh-CN': '幼儿园', en: 'kindergarten' },
  primary: { 'zh-CN': '小学', en: 'primary' },
  junior: { 'zh-CN': '初中', en: 'junior secondary' },
  senior: { 'zh-CN': '高中', en: 'senior secondary' },
  vocational: { 'zh-CN': '中职', en: 'vocational' },
};
const PROJECT_LEVEL: Record<string, T> = {
  national: { 'zh-CN': '国家级', en: 'national' },
  province: { 'zh-CN': '省级', en: 'province' },
  city: { 'zh-CN': '市级', en: 'city' },
  county: { 'zh-CN': '县级', en: 'county' },
  school: { 'zh-CN': '校级', en: 'school' },
};
const ENROLMENT_OUTCOME: Record<string, T> = {
  completed: { 'zh-CN': '结业', en: 'completed' },
  not_completed: { 'zh-CN': '未结业', en: 'not completed' },
  enrolled: { 'zh-CN': '在读', en: 'enrolled' },
  waitlisted: { 'zh-CN': '候补', en: 'waitlisted' },
  withdrawn: { 'zh-CN': '已退出', en: 'withdrawn' },
};
const LEVEL_TEXT: Record<string, T> = {
  excellent: { 'zh-CN': '优秀', en: 'excellent' },
  good: { 'zh-CN': '良好', en: 'good' },
  pass: { 'zh-CN': '合格', en: 'pass' },
  basic: { 'zh-CN': '基本合格', en: 'basic' },
  fail: { 'zh-CN': '不合格', en: 'fail' },
};
const TITLE_STATUS: Record<string, T> = {
  active: { 'zh-CN': '有效', en: 'active' },
  expired: { 'zh-CN': '已到期', en: 'expired' },
  revoked: { 'zh-CN': '已撤销', en: 'revoked' },
};
const TITLE_EVENT: Record<string, T> = {
  granted: { 'zh-CN': '认定', en: 'granted' },
  flagged: { 'zh-CN': '待复核', en: 'flagged' },
  flag_cleared: { 'zh-CN': '复核保留', en: 'kept after review' },
  renewed: { 'zh-CN': '续任', en: 'renewed' },
  expired: { 'zh-CN': '到期', en: 'expired' },
  revoked: { 'zh-CN': '撤销', en: 'revoked' },
};
const HONOUR_GRADE: Record<string, T> = {
  first: { 'zh-CN': '一等奖', en: 'first prize' },
  second: { 'zh-CN': '二等奖', en: 'second prize' },
  third: { 'zh-CN': '三等奖', en: 'third prize' },
  excellent: { 'zh-CN': '优秀奖', en: 'excellence award' },
  organisation: { 'zh-CN': '优秀组织奖', en: 'organisation award' },
};
const PLAN_STATUS_TEXT: Record<PlanStatus, T> = {
  draft: { 'zh-CN': '草稿', en: 'draft' },
  submitted: { 'zh-CN': '待审核', en: 'waiting for review' },
  approved: { 'zh-CN': '已通过', en: 'approved' },
  returned: { 'zh-CN': '已退回', en: 'returned' },
};

const fill = (s: string, p: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(p[k] ?? ''));
/** Tenths of an hour as hours (one decimal): 125 → 12.5 */
export const hoursOf = (tenths: number): number => Math.round(tenths) / 10;
const chinaDay = (d: Date): string => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** The words of the archive in one language (also the PDF's and the sheet's frame). */
export function archiveLabel(key: keyof typeof L, locale: ArchiveLocale): string {
  return L[key][locale];
}

/**
 * The archive document. `identifiers` says how the reader sees the teacher: 'masked' readers get
 * every birth date cut to its year (the masked ID number hides it, `maskBirthDatesIn`), 'own' and
 * 'full' the full date.
 */
export function buildArchive(
  d: ArchiveData,
  o: { locale: ArchiveLocale; printedOn: string; identifiers: ArchiveDocument['identifiers'] },
): ArchiveDocument {
  const loc = o.locale;
  const t = (k: keyof typeof L) => L[k][loc];
  const yn = (b: boolean | null) => (b === null ? '' : b ? t('yes') : t('no'));
  const tx = (m: Record<string, T>, k: string | null) => (k === null ? '' : (m[k]?.[loc] ?? k));
  const teacher = d.teacher;
  const birth =
    teacher.birthDate === null ? '' : o.identifiers === 'masked' ? teacher.birthDate.slice(0, 4) : teacher.birthDate;
  const identity: Array<[string, string]> = [
    [t('name'), teacher.name],
    [t('idNumber'), teacher.idNumber],
    [t('gender'), teacher.gender ? t(teacher.gender) : ''],
    [t('birth'), birth],
    [t('school'), teacher.orgUnitName],
    [t('stage'), STAGES.includes(teacher.stage) ? STAGE_TEXT[teacher.stage][loc] : teacher.stage],
    [t('subject'), teacher.subject ?? ''],
    [t('rank'), teacher.title ?? ''],
    [t('since'), teacher.teachingStartYear === null ? '' : String(teacher.teachingStartYear)],
    [
      t('backbone'),
      teacher.backboneLevel && BACKBONE_LEVELS.includes(teacher.backboneLevel)
        ? BACKBONE_TEXT[teacher.backboneLevel][loc]
        : t('none'),
    ],
  ];

  const sections: ArchiveTable[] = [];
  sections.push({
    key: 'postings',
    order: 10,
    title: t('postings'),
    columns: [t('unit'), t('from'), t('to'), t('reason')],
    rows: d.postings.map((p) => [p.orgUnitName, p.startedOn, p.endedOn ?? t('now'), p.reason ?? '']),
  });

  const yearRows: ArchiveTable['rows'] = [];
  const entryRows: ArchiveTable['rows'] = [];
  const totals: string[] = [];
  for (const c of d.cycles) {
    for (const y of c.years)
      yearRows.push([
        c.name,
        y.year,
        hoursOf(y.counted),
        y.minimum === null ? null : hoursOf(y.minimum),
        y.minimum === null ? '' : yn(y.met),
      ]);
    totals.push(fill(t('cycleTotal'), { cycle: c.name, counted: hoursOf(c.counted), required: hoursOf(c.required) }));
    totals.push(...c.lines);
    for (const e of c.entries) {
      const why = [
        e.cancelled ? t(e.cancelled) : null,
        e.capped ? fill(t('cappedBy'), { cap: e.capped }) : null,
        e.evidence ? fill(t('evidence'), { e: e.evidence }) : null,
      ].filter((x): x is string => x !== null);
      entryRows.push([
        e.occurredOn,
        e.title,
        SOURCE_LABELS[e.sourceType]?.[loc] ?? e.sourceType,
        e.orgUnitName,
        hoursOf(e.hours),
        hoursOf(e.counted),
        why.join(loc === 'en' ? '; ' : '；'),
      ]);
    }
  }
  sections.push({
    key: 'hours',
    order: 20,
    title: t('hours'),
    columns: [t('cycle'), t('year'), t('counted'), t('minimum'), t('met')],
    rows: yearRows,
    note: totals.join(loc === 'en' ? ' ' : '；') || null,
  });
  sections.push({
    key: 'entries',
    order: 22,
    title: t('entries'),
    columns: [t('date'), t('item'), t('source'), t('registeredBy'), t('registered'), t('counted'), t('explanation')],
    rows: entryRows,
  });

  sections.push({
    key: 'training',
    order: 30,
    title: t('training'),
    columns: [
      t('year'),
      t('project'),
      t('level'),
      t('organiser'),
      t('klass'),
      t('projectHours'),
      t('attendance'),
      t('outcome'),
    ],
    rows: d.training.map((r) => [
      r.year,
      r.projectTitle,
      tx(PROJECT_LEVEL, r.level),
      r.organiserName,
      r.className,
      hoursOf(r.hours),
      `${r.sessionsAttended}/${r.sessionsHeld}`,
      tx(ENROLMENT_OUTCOME, r.outcome ?? r.status),
    ]),
  });

  sections.push({
    key: 'exams',
    order: 40,
    title: t('exams'),
    columns: [t('date'), t('exam'), t('organiser'), t('score'), t('composite'), t('grade'), t('passed')],
    rows: d.exams.map((e) => [
      chinaDay(e.closesAt),
      e.title,
      e.organiserName,
      e.examScore,
      e.composite,
      tx(LEVEL_TEXT, e.level),
      yn(e.passed),
    ]),
  });

  sections.push({
    key: 'work',
    order: 50,
    title: t('work'),
    columns: [t('date'), t('kind'), t('titleCol'), t('klass'), t('mark')],
    rows: [
      ...d.homework.map((h) => [
        chinaDay(h.submittedAt),
        t('homework'),
        h.title,
        h.className,
        [
          h.grade ? tx(LEVEL_TEXT, h.grade) : h.score !== null ? `${h.score}/${h.maxScore ?? ''}` : '',
          h.recommendedAt ? t('recommended') : '',
        ]
          .filter(Boolean)
          .join(loc === 'en' ? ', ' : '，'),
      ]),
      ...d.reflections.map((r) => [
        chinaDay(r.createdAt),
        t('reflection'),
        r.title,
        r.className,
        fill(t('chars'), { n: r.chars }),
      ]),
    ],
    note: t('workNote'),
  });

  sections.push({
    key: 'titles',
    order: 55,
    title: t('titles'),
    columns: [t('level'), t('grantedBy'), t('term'), t('status'), t('history')],
    rows: d.titles.map((b) => [
      BACKBONE_TEXT[b.level]?.[loc] ?? b.level,
      b.grantedByName,
      `${b.termStart} — ${b.termEnd}`,
      b.status === 'revoked' && b.revokeReason
        ? `${tx(TITLE_STATUS, b.status)}（${b.revokeReason}）`
        : tx(TITLE_STATUS, b.status),
      b.events
        .map((e) => `${e.at} ${tx(TITLE_EVENT, e.kind)}${e.reason ? `：${e.reason}` : ''}`)
        .join(loc === 'en' ? '; ' : '；'),
    ]),
    note: t('titlesNote'),
  });

  sections.push({
    key: 'honours',
    order: 58,
    title: t('honours'),
    columns: [t('year'), t('honour'), t('grade'), t('awardedBy'), t('awardedOn'), t('code'), t('status')],
    rows: d.honours.map((h) => [
      h.year,
      h.title,
      tx(HONOUR_GRADE, h.grade),
      h.awardedByName,
      h.awardedOn,
      h.code,
      h.revokedAt ? fill(t('revokedBecause'), { r: h.revokeReason ?? '' }) : t('valid'),
    ]),
  });

  for (const p of d.plans) {
    sections.push({
      key: `plan:${p.startYear}`,
      order: 80,
      title: `${t('plan')} ${p.startYear}—${p.startYear + 2}`,
      columns: [t('year'), t('actions'), t('plannedTraining'), t('target'), t('selfReview')],
      rows: p.years.map((y) => [y.year, y.actions, y.training, hoursOf(y.targetTenths), y.selfReview ?? '']),
      note: fill(t('planNote'), {
        from: p.startYear,
        to: p.startYear + 2,
        status: PLAN_STATUS_TEXT[p.status][loc],
        goals: p.goals,
      }),
    });
  }

  sections.push(...d.extra);
  // stable: equal orders keep the order above (own sections first, then registered ones by key)
  sections.sort((a, b) => a.order - b.order);

  const doc: ArchiveDocument = {
    locale: loc,
    title: t('title'),
    teacherName: teacher.name,
    unitName: teacher.orgUnitName,
    identity,
    sections,
    printedOn: o.printedOn,
    identifiers: o.identifiers,
  };
  return o.identifiers === 'masked' ? maskArchive(doc, teacher.birthDate) : doc;
}

/**
 * A masked reader's archive: beside the masked ID number no field may carry the birth date. The
 * identity shows its year only; the date written in any other cell (YYYY-MM-DD or YYYYMMDD, a
 * section that happens to quote it) is cut the same way, and keyed details by `maskBirthDatesIn`.
 */
export function maskArchive(doc: ArchiveDocument, birthDate: string | null): ArchiveDocument {
  const forms = birthDate && /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? [birthDate, birthDate.replaceAll('-', '')] : [];
  const cut = (v: string | number | null) =>
    typeof v === 'string' ? forms.reduce((s, f) => s.replaceAll(f, f.slice(0, 4)), v) : v;
  return maskBirthDatesIn({
    ...doc,
    sections: doc.sections.map((s) => ({
      ...s,
      rows: s.rows.map((r) => r.map(cut)),
      note: s.note ? String(cut(s.note)) : s.note,
    })),
  });
}
