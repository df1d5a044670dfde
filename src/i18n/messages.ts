import type { AppErrorCode } from '../errors/app-error.js';

export type Locale = 'zh-CN' | 'en';

/** Server-side messages. The web UI has its own translations of the same codes. */
const ERRORS: Record<AppErrorCode, Record<Locale, string>> = {
  VALIDATION_FAILED: { 'zh-CN': '提交的内容有误，请按提示修改后重试', en: 'Some fields are invalid; correct them and try again' },
  BAD_REQUEST: { 'zh-CN': '请求格式不正确', en: 'The request is malformed' },
  INVALID_JSON: { 'zh-CN': '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  ORG_KIND_NOT_ALLOWED: { 'zh-CN': '该类型的机构不能建在此上级单位之下', en: 'A unit of this kind cannot be placed under this parent unit' },
  ROLE_NOT_ALLOWED_AT_UNIT: { 'zh-CN': '该角色不能设在此类单位', en: 'This role cannot belong to a unit of this kind' },
  PASSWORD_TOO_WEAK: { 'zh-CN': '新密码至少 10 位，须同时包含字母和数字，且不能包含用户名', en: 'The new password needs at least 10 characters, with letters and digits, and must not contain the username' },
  PASSWORD_WRONG: { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' },
  AUTH_REQUIRED: { 'zh-CN': '请先登录', en: 'Please log in' },
  AUTH_INVALID_CREDENTIALS: { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password' },
  AUTH_SESSION_EXPIRED: { 'zh-CN': '登录已超时，请重新登录', en: 'Your session has expired; please log in again' },
  AUTH_PASSWORD_CHANGE_REQUIRED: { 'zh-CN': '首次登录须先修改密码', en: 'You must change your password before continuing' },
  CSRF_INVALID: { 'zh-CN': '页面已过期，请刷新后重试', en: 'The page has expired; reload it and try again' },
  FORBIDDEN: { 'zh-CN': '您没有执行此操作的权限', en: 'You are not allowed to do this' },
  NOT_FOUND: { 'zh-CN': '未找到该记录，或不在您的管辖范围内', en: 'Not found, or outside your area' },
  CONFLICT: { 'zh-CN': '该记录已被修改或已存在', en: 'The record already exists or was changed' },
  USERNAME_TAKEN: { 'zh-CN': '用户名已被使用，请换一个', en: 'This username is taken; choose another' },
  ORG_CODE_TAKEN: { 'zh-CN': '机构代码已被其他单位使用', en: 'This unit code is already used by another unit' },
  DIVISION_CODE_TAKEN: { 'zh-CN': '行政区划代码已被其他单位使用', en: 'This division code is already used by another unit' },
  PAYLOAD_TOO_LARGE: { 'zh-CN': '提交的内容过大', en: 'The request is too large' },
  FILE_TOO_LARGE: { 'zh-CN': '文件过大，请拆分后上传', en: 'The file is too large; split it and upload again' },
  UNSUPPORTED_MEDIA_TYPE: { 'zh-CN': '不支持的内容类型', en: 'Unsupported content type' },
  IMPORT_INVALID: { 'zh-CN': '导入文件有错误，未导入任何数据，请修改后重新上传', en: 'The file has errors; nothing was imported. Fix them and upload again' },
  AUTH_ACCOUNT_LOCKED: { 'zh-CN': '登录失败次数过多，账户已临时锁定，请稍后再试或联系管理员解锁', en: 'Too many failed logins: the account is locked for a while; try later or ask an administrator to unlock it' },
  RATE_LIMITED: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; try again shortly' },
  INTERNAL: { 'zh-CN': '服务器内部错误，已记录，请稍后再试', en: 'Internal error; it has been logged. Try again later' },
  SERVICE_UNAVAILABLE: { 'zh-CN': '服务暂不可用，请稍后再试', en: 'The service is unavailable; try again shortly' },
};

/** Messages for validation issues, by issue kind. */
const FIELD: Record<string, Record<Locale, string>> = {
  required: { 'zh-CN': '必填', en: 'is required' },
  too_long: { 'zh-CN': '过长，最多 {max} 个字符', en: 'is too long (at most {max} characters)' },
  too_short: { 'zh-CN': '过短，至少 {min} 个字符', en: 'is too short (at least {min} characters)' },
  bad_chars: { 'zh-CN': '含有不允许的控制字符', en: 'contains control characters that are not allowed' },
  blank: { 'zh-CN': '不能为空白', en: 'must not be blank' },
  invalid: { 'zh-CN': '格式不正确', en: 'is not valid' },
};

export function pickLocale(acceptLanguage: string | undefined): Locale {
  return acceptLanguage && /^\s*en\b/i.test(acceptLanguage) ? 'en' : 'zh-CN';
}

function fill(template: string, params?: Record<string, string | number>): string {
  return params ? template.replace(/\{(\w+)\}/g, (m, k: string) => String(params[k] ?? m)) : template;
}

export function errorMessage(code: AppErrorCode, locale: Locale, params?: Record<string, string | number>): string {
  return fill(ERRORS[code][locale], params);
}

export function fieldMessage(kind: string, locale: Locale, params?: Record<string, string | number>): string {
  return fill((FIELD[kind] ?? FIELD['invalid']!)[locale], params);
}
