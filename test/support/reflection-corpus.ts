import { prng } from './roster.js';

/**
 * Chinese reflections (研修心得) for tests and benchmarks, deterministic for a seed: sentences drawn
 * from a fixed word list with a Zipf-like law (a few education words very often, a long tail
 * rarely), so texts on the same course share vocabulary as real ones do; and paraphrases of them
 * (characters inserted and deleted, punctuation changed, paragraphs shuffled).
 */

/** The words of a course's reflections: topic words, verbs, function words. Frequent ones first. */
const HEAD = (
  '的 我 在 学生 教学 课堂 老师 学习 研修 通过 这次 培训 自己 我们 他们 一个 进行 认识 到 了 是 和 ' +
  '中 也 更 要 对 把 能 让 从 有 就 还 都 为 以 与 及 这 那 不 没有 已经 应该 需要 可以 如何 怎样 ' +
  '教育 教师 专业 发展 成长 提高 能力 素养 核心 理念 方法 策略 设计 目标 评价 反思 实践 经验 问题 ' +
  '思考 体会 收获 感受 深刻 重要 意义 作用 过程 环节 活动 小组 合作 探究 自主 兴趣 习惯 质量 效率 ' +
  '课程 标准 新课标 教材 单元 整体 情境 任务 作业 设计 分层 差异 个性 全面 健康 心理 德育 师德 ' +
  '班主任 家长 沟通 交流 关爱 尊重 信任 鼓励 引导 启发 激发 培养 帮助 支持 指导 示范 观摩 听课 ' +
  '评课 磨课 备课 上课 讲座 专家 案例 分析 总结 归纳 梳理 调整 改进 完善 创新 变化 转变 提升 ' +
  '信息技术 多媒体 网络 平台 资源 数字化 融合 应用 工具 手段 语文 数学 英语 科学 阅读 写作 表达 ' +
  '思维 逻辑 批判 创造 想象 观察 实验 操作 动手 体验 参与 主动 积极 认真 努力 坚持 耐心 细心 ' +
  '今后 将来 未来 以后 今天 每天 每一位 每个 所有 许多 一些 几个 不断 逐步 进一步 真正 真实 有效 ' +
  '课堂教学 教学设计 教学目标 学习方式 学习任务 学科素养 立德树人 因材施教 以生为本 终身学习 ' +
  '乡村 学校 校本 教研 团队 同伴 互助 引领 骨干 名师 青年 新入职 教龄 经历 故事 细节 瞬间'
).split(/\s+/);

/** A long tail of two-character words made from common characters, fixed by its own seed. */
const TAIL_CHARS =
  '天地人和山水风云花草树木日月星光明暗春夏秋冬东南西北大小多少高低长短远近新旧快慢轻重冷热' +
  '开关出入来去上下前后左右内外方圆点线面体色声香味心手口目耳足头身家国城乡村镇田园路桥门窗' +
  '书本纸笔字词句段篇章文理史地物化生音美体劳知行思学问答读写算画唱跳走跑看听说想做会能爱';

function tailWords(n: number): string[] {
  const r = prng(20240613);
  const chars = [...TAIL_CHARS];
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(chars[Math.floor(r() * chars.length)]! + chars[Math.floor(r() * chars.length)]!);
  return out;
}

/** The fixed word list, most frequent first. */
export const REFLECTION_WORDS: readonly string[] = [...HEAD, ...tailWords(3000)];

/** Cumulative Zipf weights (rank^-1) of the word list, for sampling by binary search. */
const CUMULATIVE = (() => {
  const c = new Float64Array(REFLECTION_WORDS.length);
  let s = 0;
  for (let i = 0; i < c.length; i++) {
    s += 1 / (i + 1);
    c[i] = s;
  }
  return c;
})();

function word(r: () => number): string {
  const x = r() * CUMULATIVE[CUMULATIVE.length - 1]!;
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return REFLECTION_WORDS[lo]!;
}

/**
 * A reflection of about `chars` characters (letters only counted): paragraphs of sentences of
 * words, with Chinese punctuation. The same seed gives the same text.
 */
export function reflectionText(seed: number, chars = 1000): string {
  const r = prng(seed);
  const paragraphs: string[] = [];
  let total = 0;
  while (total < chars) {
    let p = '';
    const sentences = 3 + Math.floor(r() * 4);
    for (let s = 0; s < sentences && total < chars; s++) {
      const words = 6 + Math.floor(r() * 12);
      for (let w = 0; w < words && total < chars; w++) {
        const x = word(r);
        p += x;
        total += x.length;
        if (w < words - 1 && r() < 0.15) p += '，';
      }
      p += r() < 0.1 ? '！' : '。';
    }
    paragraphs.push(p);
  }
  return paragraphs.join('\n\n');
}

/**
 * A paraphrase: each character deleted with probability rate/2 and followed by an inserted common
 * character with probability rate/2; commas and full stops sometimes swapped.
 */
export function paraphrase(text: string, rate: number, seed: number): string {
  const r = prng(seed);
  const chars = [...TAIL_CHARS];
  let out = '';
  for (const ch of text) {
    if (ch === '。' && r() < 0.2) out += '，';
    else if (ch === '，' && r() < 0.2) out += '；';
    else if (ch === '\n' || r() >= rate / 2) out += ch;
    if (ch !== '\n' && r() < rate / 2) out += chars[Math.floor(r() * chars.length)]!;
  }
  return out;
}

/** The text's paragraphs in another order (deterministic for the seed). */
export function shuffleParagraphs(text: string, seed: number): string {
  const r = prng(seed);
  const ps = text.split('\n\n');
  for (let i = ps.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [ps[i], ps[j]] = [ps[j]!, ps[i]!];
  }
  return ps.join('\n\n');
}
