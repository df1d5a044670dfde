import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { FrozenPaper } from '../domain/exam-paper.js';
import type { QuestionContent } from '../domain/question.js';

type Unit = { id: number; path: string; provinceId: number };

const OPT = (...texts: string[]) => texts.map((text, i) => ({ key: 'ABCDEFGHIJ'[i] as string, text }));

/** The demo county's bank: the 师德 questions of its online class's exam. */
const QUESTIONS: Array<
  Pick<QuestionContent, 'kind' | 'stem' | 'options' | 'answer' | 'explanation'> & { difficulty: number }
> = [
  {
    kind: 'single',
    stem: '《新时代中小学教师职业行为十项准则》要求教师“坚定政治方向”，下列做法符合这一要求的是',
    options: OPT(
      '在课堂上发表与党的路线方针相违背的言论',
      '自觉学习贯彻党的教育方针',
      '只关注教学成绩，不过问其他',
      '转发未经核实的网络消息',
    ),
    answer: 'B',
    explanation: '十项准则第一条：坚定政治方向，不得在教育教学活动中损害党中央权威、违背党的路线方针政策。',
    difficulty: 2,
  },
  {
    kind: 'single',
    stem: '教师发现学生在家中遭受虐待，正确的做法是',
    options: OPT('不干涉学生家事', '及时向学校报告并依法保护学生', '私下批评家长', '让学生自己解决'),
    answer: 'B',
    explanation: '关心爱护学生，发现侵害学生权益的情况应及时报告，依法保护学生。',
    difficulty: 2,
  },
  {
    kind: 'multiple',
    stem: '下列行为中，属于违反教师职业行为准则的有',
    options: OPT(
      '组织学生参加校外有偿补课',
      '收受学生家长礼品礼金',
      '公平对待每一位学生',
      '利用职务之便谋取不正当利益',
    ),
    answer: ['A', 'B', 'D'],
    explanation: '十项准则明令禁止有偿补课、收受礼品礼金和谋取不正当利益。',
    difficulty: 3,
  },
  {
    kind: 'multiple',
    stem: '教师加强师德修养的途径包括',
    options: OPT('学习理论，提高认识', '参与实践，在实践中锤炼', '自我反思，见贤思齐', '只在检查时注意言行'),
    answer: ['A', 'B', 'C'],
    explanation: '师德修养重在日常：学习、实践与反思。',
    difficulty: 2,
  },
  {
    kind: 'true_false',
    stem: '教师可以在课余时间为本校学生提供有偿家教服务。',
    options: [],
    answer: false,
    explanation: '在职中小学教师不得组织、参与有偿补课。',
    difficulty: 1,
  },
  {
    kind: 'true_false',
    stem: '尊重学生人格、不讽刺挖苦歧视学生，是教师职业道德的基本要求。',
    options: [],
    answer: true,
    explanation: '《中小学教师职业道德规范》“关爱学生”条的要求。',
    difficulty: 1,
  },
  {
    kind: 'fill_in',
    stem: '《中华人民共和国教师法》自＿＿年起施行。',
    options: [],
    answer: [['1994', '一九九四']],
    explanation: '教师法于1993年通过，1994年1月1日起施行。',
    difficulty: 3,
  },
  {
    kind: 'essay',
    stem: '结合你的教育教学经历，谈谈如何做一名学生喜爱的好老师（不少于150字）。',
    options: [],
    answer: '要点：理想信念、道德情操、扎实学识、仁爱之心；结合具体事例。',
    explanation: '“四有”好老师的要求。',
    difficulty: 3,
  },
];

/**
 * The exam of the demo county's online class: a fixed paper of its bank's eight 师德 questions,
 * open for a month around today, two attempts, the essay marked by demo-trainer; passing is what the
 * class's close asks as its assessment. demo-teacher (赵雪) can sit it at once.
 */
export async function seedDemoExam(
  trx: Kysely<DB>,
  units: { county: Unit },
  users: { county: number; trainer: number },
  classId: number,
): Promise<number> {
  const { county } = units;
  const items: Extract<FrozenPaper, { mode: 'fixed' }>['items'] = [];
  const fixed: Array<{ questionId: number; points: number }> = [];
  for (const q of QUESTIONS) {
    const row = await trx
      .insertInto('question')
      .values({
        province_id: county.provinceId,
        org_unit_id: county.id,
        org_path: county.path,
        created_by: users.county,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const v = await trx
      .insertInto('question_version')
      .values({
        question_id: row.id,
        version: 1,
        kind: q.kind,
        stem: q.stem,
        options: JSON.stringify(q.options),
        answer: JSON.stringify(q.answer),
        explanation: q.explanation,
        module: '师德',
        stage: '',
        subject: '',
        difficulty: q.difficulty,
        frozen: true,
        created_by: users.county,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const points = q.kind === 'essay' ? 30 : 10;
    fixed.push({ questionId: row.id, points });
    items.push({
      questionVersionId: v.id,
      kind: q.kind,
      optionKeys: q.options.map((o) => o.key),
      shuffleOptions: true,
      points,
    });
  }
  const cls = await trx
    .selectFrom('training_class')
    .select(['course_id', 'project_id'])
    .where('id', '=', classId)
    .executeTakeFirstOrThrow();
  const now = Date.now();
  const exam = await trx
    .insertInto('exam')
    .values({
      province_id: county.provinceId,
      org_unit_id: county.id,
      org_path: county.path,
      title: '师德师风专题网络研修考核',
      instructions:
        '共 8 题，满分 100 分，限时 30 分钟，可作答 2 次，取最高分。答案随答随存，断网后恢复网络会自动上传。',
      target: 'class',
      class_id: classId,
      course_id: cls.course_id,
      project_id: cls.project_id,
      status: 'published',
      opens_at: new Date(now - 86_400_000),
      closes_at: new Date(now + 30 * 86_400_000),
      duration_minutes: 30,
      attempts_allowed: 2,
      grade_policy: 'highest',
      paper: JSON.stringify({ mode: 'fixed', items: fixed }),
      paper_pool: JSON.stringify({ mode: 'fixed', items }),
      shuffle_questions: false,
      show_answers: 'after_submit',
      composite: JSON.stringify({ components: [{ key: 'exam', label: '考试', weight: 100 }] }),
      targets: JSON.stringify({ excellentShare: 15, competentShare: 100 }),
      published_at: new Date(now - 86_400_000),
      created_by: users.county,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.insertInto('exam_marker').values({ exam_id: exam.id, user_id: users.trainer }).execute();
  return exam.id;
}
