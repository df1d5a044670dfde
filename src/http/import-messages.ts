import type { Locale } from '../i18n/messages.js';

const COLUMN: Record<string, Record<Locale, string>> = {
  name: { 'zh-CN': '学校名称', en: 'School name' },
  code: { 'zh-CN': '学校代码', en: 'School code' },
  stages: { 'zh-CN': '学段', en: 'Stages' },
  township: { 'zh-CN': '所属乡镇中心校', en: 'Township centre school' },
  address: { 'zh-CN': '地址', en: 'Address' },
  contactName: { 'zh-CN': '联系人', en: 'Contact' },
  contactPhone: { 'zh-CN': '联系电话', en: 'Contact phone' },
};

const MESSAGE: Record<string, Record<Locale, string>> = {
  required: { 'zh-CN': '“{col}”必填', en: '"{col}" is required' },
  too_long: { 'zh-CN': '“{col}”过长，最多 {value} 个字符', en: '"{col}" is too long (at most {value} characters)' },
  bad_chars: {
    'zh-CN': '“{col}”含有不可见字符或控制字符：{value}',
    en: '"{col}" contains invisible or control characters: {value}',
  },
  id_number_in_text: {
    'zh-CN': '“{col}”中像是一个证件号码（{value}），不能填在此列',
    en: '"{col}" holds what looks like an ID number ({value}); it does not belong there',
  },
  invalid_phone: {
    'zh-CN': '联系电话“{value}”格式不正确，只能包含数字、+、-、括号和空格',
    en: 'Contact phone "{value}" may contain only digits, +, -, brackets and spaces',
  },
  unknown_stage: {
    'zh-CN': '学段“{value}”无法识别，可填：幼儿园、小学、初中、高中、中职、九年一贯制、完全中学',
    en: 'Unknown stage "{value}"; use 幼儿园, 小学, 初中, 高中, 中职, 九年一贯制 or 完全中学',
  },
  duplicate_in_file: { 'zh-CN': '与第 {value} 行重复', en: 'Duplicates row {value}' },
  unknown_township: {
    'zh-CN': '本单位下没有名为“{value}”的乡镇中心校',
    en: 'There is no township centre school named "{value}" here',
  },
  name_exists: { 'zh-CN': '本单位下已有名为“{value}”的学校', en: 'A school named "{value}" already exists here' },
  code_taken: { 'zh-CN': '学校代码“{value}”已被使用', en: 'School code "{value}" is already used' },
  missing_header: {
    'zh-CN': '第一行缺少表头“学校名称”，请使用下载的模板',
    en: 'The first row lacks the header "学校名称"; use the downloaded template',
  },
  not_xlsx: { 'zh-CN': '文件不是有效的 .xlsx 工作簿', en: 'The file is not a valid .xlsx workbook' },
  no_sheet: { 'zh-CN': '工作簿中没有工作表', en: 'The workbook has no worksheet' },
  empty_sheet: { 'zh-CN': '工作表中没有数据行', en: 'The worksheet has no data rows' },
  too_many_rows: {
    'zh-CN': '一次最多导入 {value} 行，请拆分文件',
    en: 'At most {value} rows per file; split the file',
  },
};

export function importRowMessage(e: { column: string; code: string; value?: string }, locale: Locale): string {
  const col = COLUMN[e.column]?.[locale] ?? e.column;
  const template = MESSAGE[e.code]?.[locale] ?? e.code;
  return template.replace('{col}', col).replace('{value}', e.value ?? '');
}
