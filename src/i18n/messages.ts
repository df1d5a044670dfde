import type { AppErrorCode } from '../errors/app-error.js';
import { ROSTER_COLUMNS } from '../domain/roster-row.js';

export type Locale = 'zh-CN' | 'en';

/** Server-side messages. The web UI has its own translations of the same codes. */
const ERRORS: Record<AppErrorCode, Record<Locale, string>> = {
  VALIDATION_FAILED: {
    'zh-CN': '提交的内容有误，请按提示修改后重试',
    en: 'Some fields are invalid; correct them and try again',
  },
  BAD_REQUEST: { 'zh-CN': '请求格式不正确', en: 'The request is malformed' },
  PATH_NOT_CANONICAL: {
    'zh-CN': '请求地址的写法不规范（含编码的字母、重复斜杠或 . 和 .. 路径段），请使用标准地址',
    en: 'The request path is not written in its standard form (encoded letters, double slashes, . or .. segments)',
  },
  INVALID_JSON: { 'zh-CN': '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  ORG_KIND_NOT_ALLOWED: {
    'zh-CN': '该类型的机构不能建在此上级单位之下',
    en: 'A unit of this kind cannot be placed under this parent unit',
  },
  ROLE_NOT_ALLOWED_AT_UNIT: { 'zh-CN': '该角色不能设在此类单位', en: 'This role cannot belong to a unit of this kind' },
  PASSWORD_TOO_WEAK: {
    'zh-CN': '新密码至少 {min} 位{mix}，不能是常见密码，也不能包含用户名或证件号码',
    en: 'The new password needs at least {min} characters{mix}; it must not be a common password or contain the username or ID number',
  },
  PASSWORD_WRONG: { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' },
  TEACHER_INVALID: {
    'zh-CN': '教师信息有误，请按提示修改',
    en: 'Some teacher details are invalid; correct them as shown',
  },
  TEACHER_UNIT_NOT_SCHOOL: {
    'zh-CN': '教师只能属于学校（幼儿园）或乡镇中心校，请选择一所学校',
    en: 'A teacher belongs to a school or a township centre school; choose one',
  },
  TRANSFER_SAME_SCHOOL: { 'zh-CN': '该教师已在这所学校，无需调动', en: 'The teacher is already at this school' },
  ACTIVATION_INVALID: {
    'zh-CN': '证件号码或激活码不正确，或激活码已过期；请向学校管理员索取新的激活码',
    en: 'The ID number or activation code is wrong, or the code has expired; ask your school administrator for a new one',
  },
  CYCLE_RULES_INVALID: {
    'zh-CN': '学时规则有误，请按提示修改后再保存',
    en: 'The cycle rules are invalid; correct them as shown and save again',
  },
  CYCLE_NOT_FOUND_FOR_YEAR: {
    'zh-CN': '{year} 年不在任何继续教育周期内，请先由省级管理员设置该周期',
    en: 'No continuing-education cycle covers {year}; a province administrator must set it up first',
  },
  ENTRY_INVALID: {
    'zh-CN': '学时登记有误，请按提示修改（本批未登记任何记录）',
    en: 'The registration has errors; correct them as shown (nothing in this batch was registered)',
  },
  ENTRY_ABOVE_LIMIT: {
    'zh-CN': '单条登记不能超过 {max} 学时（周期规则“单条登记上限”）',
    en: 'One registration may not exceed {max} hours (cycle rule “per-entry limit”)',
  },
  EVIDENCE_TYPE_NOT_ALLOWED: {
    'zh-CN': '佐证材料只接受 PDF、图片（JPG/PNG）、Word、Excel 或 ZIP 文件',
    en: 'Evidence must be a PDF, an image (JPG/PNG), a Word or Excel file, or a ZIP',
  },
  CYCLE_OVERLAP: {
    'zh-CN': '与已有周期“{name}”的年份重叠，每一年只能属于一个周期',
    en: 'The years overlap the existing cycle “{name}”; each year belongs to one cycle',
  },
  IDEMPOTENCY_KEY_REUSED: {
    'zh-CN': '该登记编号已用于另一条内容不同的记录，请换一个编号',
    en: 'This registration key was already used for a different entry; use another key',
  },
  YEAR_LOCKED: {
    'zh-CN': '{year} 年度已由区县验证签章并锁定：如需更正，请提交冲销申请，由区县审批',
    en: 'The year {year} was signed off by the county and is locked; to correct it, request a reversal for the county to approve',
  },
  ENTRY_ALREADY_REVERSED: {
    'zh-CN': '该记录已冲销或已有待审批的冲销申请',
    en: 'This entry was already reversed, or a reversal is awaiting approval',
  },
  VERIFICATION_STATE: {
    'zh-CN': '年度验证当前状态为“{status}”，不能执行此操作',
    en: 'The annual verification is “{status}”; this action is not possible now',
  },
  CERTIFICATE_STATE: {
    'zh-CN': '该证书已作废或已被替换，不能再操作',
    en: 'This certificate was revoked or superseded',
  },
  CHECKIN_TOKEN_INVALID: {
    'zh-CN': '签到码无效，请扫描培训者屏幕上正在显示的二维码',
    en: 'The check-in code is not valid; scan the QR code the trainer is showing now',
  },
  CHECKIN_TOKEN_EXPIRED: {
    'zh-CN': '签到码已过期（二维码每 30 秒更换一次），请扫描屏幕上最新的二维码',
    en: 'The check-in code has expired (the QR code changes every 30 s); scan the one on screen now',
  },
  CHECKIN_WRONG_SESSION: {
    'zh-CN': '该签到码属于其他场次，请扫描本场培训的二维码',
    en: 'This check-in code is for another session; scan the code of this session',
  },
  CHECKIN_OUTSIDE_WINDOW: {
    'zh-CN': '不在签到时间内（{opens} 至 {closes}）',
    en: 'Check-in is open only from {opens} to {closes}',
  },
  COURSE_INVALID: {
    'zh-CN': '课程信息有误，请按提示修改',
    en: 'Some course details are invalid; correct them as shown',
  },
  COURSE_SHEET_INVALID: {
    'zh-CN': '课程表有误，未导入任何课程，请按提示修改后重新上传',
    en: 'The course sheet has errors; no course was imported. Fix them and upload again',
  },
  QUESTION_INVALID: {
    'zh-CN': '试题内容有误，请按提示修改',
    en: 'The question is not complete or not consistent; correct it as shown',
  },
  QUESTION_SHEET_INVALID: {
    'zh-CN': '题库表有误，未导入任何试题，请按提示修改后重新上传',
    en: 'The question sheet has errors; no question was imported. Fix them and upload again',
  },
  QUESTION_EDITOR_INVALID: {
    'zh-CN': '只能指定本单位及下属单位的培训者账号维护题库',
    en: 'Only trainer accounts of this unit or the units below it can be named to keep its bank',
  },
  COURSE_TITLE_TAKEN: {
    'zh-CN': '本单位已有同名课程，请换一个名称',
    en: 'Your unit already has a course with this title; choose another',
  },
  TRAINER_INVALID: {
    'zh-CN': '培训者/专家信息有误，请按提示修改',
    en: 'Some details of the trainer or expert are invalid; correct them as shown',
  },
  TRAINER_ACCOUNT_TAKEN: {
    'zh-CN': '该培训者账号已关联到库中另一位培训者/专家，一个账号只能关联一条记录',
    en: 'This trainer account is already linked to another entry of the pool; an account links to one entry only',
  },
  TRAINER_SHEET_INVALID: {
    'zh-CN': '培训者/专家表有误，未导入任何人员，请按提示修改后重新上传',
    en: 'The trainer sheet has errors; no one was imported. Fix them and upload again',
  },
  TRAINER_TEACHER_TAKEN: {
    'zh-CN': '该教师已关联到库中另一位培训者/专家，一位教师只能关联一条记录',
    en: 'This teacher is already linked to another entry of the pool; a teacher links to one entry only',
  },
  REGISTRATION_CLOSED: {
    'zh-CN': '不在报名时间内，或项目未开放报名',
    en: 'Registration is not open for this project now',
  },
  QUOTA_EXHAUSTED: { 'zh-CN': '本单位的名额已用完（{quota} 个）', en: 'Your unit has used all of its {quota} places' },
  SELECTION_TOO_LARGE: {
    'zh-CN': '筛选出的教师超过一次可处理的 {max} 名，请缩小筛选范围后分批办理',
    en: 'More than {max} teachers match, more than one request can take: narrow the filters and do it in parts',
  },
  CLASS_CLOSED: { 'zh-CN': '该班次已结班，不能再变更', en: 'This class is closed and can no longer be changed' },
  CLASS_NOT_ENDED: {
    'zh-CN': '该班次的最后一场培训 {endsAt} 才结束，现在还不能结班；如确需提前结班，请填写提前结班的原因',
    en: "The class's last session ends at {endsAt}, so it cannot be closed yet; to close it early, give the reason",
  },
  STUDY_NOT_OPEN: {
    'zh-CN': '该课程的学习时间为 {opensOn} 至 {closesOn}，现在不在学习时间内',
    en: 'This course is open for study from {opensOn} to {closesOn}; it is not open now',
  },
  STUDY_SESSION_ENDED: {
    'zh-CN': '本次学习已结束，请重新打开该学习内容继续学习',
    en: 'This study session has ended: open the item again to go on studying',
  },
  STUDY_TOO_MANY_HEARTBEATS: {
    'zh-CN': '学习记录提交过于频繁，请稍后再试',
    en: 'Study records are being sent too often; try again in a moment',
  },
  CHECKIN_CLASS_CLOSED: {
    'zh-CN': '该班次已结班，签到码已停用，不能再签到',
    en: 'This class is closed: its check-in codes no longer work',
  },
  PROJECT_STATE: {
    'zh-CN': '培训项目当前状态为“{status}”，不能执行此操作',
    en: 'The project is “{status}”; this action is not possible now',
  },
  NOT_ENROLLED: {
    'zh-CN': '您没有报名该班次，不能签到',
    en: 'You are not enrolled in this class, so you cannot check in',
  },
  ENROLMENT_NOT_ELIGIBLE: { 'zh-CN': '不符合报名条件：{reasons}', en: 'Not eligible to enrol: {reasons}' },
  ALREADY_ENROLLED: {
    'zh-CN': '已报名该项目的班次“{className}”，同一项目只能报名一个班次',
    en: 'Already enrolled in the class “{className}” of this project; one class per project',
  },
  CAPACITY_BELOW_ENROLLED: {
    'zh-CN': '班次容量不能少于已报名的 {enrolled} 人',
    en: 'The capacity cannot be below the {enrolled} teachers already enrolled',
  },
  FEE_ITEM_NAME_TAKEN: {
    'zh-CN': '本项目已有同名收费项目，请换一个名称',
    en: 'This project already has a fee with this name; choose another',
  },
  FEE_ITEM_ARCHIVED: {
    'zh-CN': '收费项目“{name}”已停用，不能再修改或登记缴费',
    en: 'The fee “{name}” is archived; it can no longer be changed or paid',
  },
  FEE_ITEM_HAS_PAYMENTS: {
    'zh-CN': '收费项目“{name}”已有缴费记录，不能删除，只能停用',
    en: 'The fee “{name}” has payments; archive it instead of deleting it',
  },
  FEE_PAID_BELOW_ZERO: {
    'zh-CN': '更正金额超过了已缴金额 {paid}，已缴合计不能小于零',
    en: 'The correction exceeds the {paid} paid; the paid total cannot go below zero',
  },
  FEE_UNIT_NOT_PAYING: {
    'zh-CN': '“{unit}”不是本项目的缴费单位（缴费单位是主办单位的直属下级单位）',
    en: "“{unit}” does not pay for this project (the paying units are the organiser's direct subunits)",
  },
  PLAN_IN_REVIEW: {
    'zh-CN': '计划已提交县级审核，审核期间不能修改；如需修改，请联系县级教育部门退回后再改',
    en: "The plan is waiting for the county's review and cannot be changed now; ask the county to return it first",
  },
  PLAN_APPROVED: {
    'zh-CN': '计划已审核通过，不能直接修改；请先点击“修订”将其转为草稿，修改后重新提交审核',
    en: 'The plan is approved and cannot be changed directly; choose “Revise” to make it a draft, then submit it for approval again',
  },
  PLAN_STATE: {
    'zh-CN': '计划当前状态为“{status}”，不能执行此操作，请刷新后查看',
    en: 'The plan is “{status}”; this action is not possible now. Refresh to see its state',
  },
  PLAN_LEVEL_MISMATCH: {
    'zh-CN': '学校的计划须提交县级审核；省、市、县级的计划由本单位直接发布',
    en: "A school's plan is submitted to the county for approval; plans of the province, cities and counties are published by their own unit",
  },
  PLAN_INVALID: {
    'zh-CN': '计划中有内容不正确，请按提示修改（本次未保存）',
    en: 'Some lines of the plan are invalid; correct them as shown (nothing was saved)',
  },
  PLAN_EMPTY: {
    'zh-CN': '计划中还没有任何月份安排，请至少添加一项后再提交或发布',
    en: 'The plan has no calendar lines yet; add at least one before submitting or publishing it',
  },
  SURVEY_ALREADY_ANSWERED: {
    'zh-CN': '您已填写过该班次的满意度问卷，每个班次只能填写一次',
    en: 'You have already answered the satisfaction survey of this class; each class is answered once',
  },
  SURVEY_NOT_OPEN: {
    'zh-CN': '该班次的满意度问卷现在不能填写：班次首次培训开始后开放，结班 {days} 天后截止',
    en: 'The satisfaction survey of this class cannot be answered now: it opens when the first session starts and closes {days} days after the class closes',
  },
  SURVEY_LOCKED: {
    'zh-CN': '该项目已有学员提交满意度问卷，问卷题目不能再修改',
    en: "Teachers have already answered this project's satisfaction survey; its questions can no longer be changed",
  },
  COURSE_CHAPTER_NOT_EMPTY: {
    'zh-CN': '该章仍有学习内容（或已有教师学过其中归档的内容），不能删除；请先把内容移到其他章或归档',
    en: 'This chapter still holds items (or archived items teachers have studied) and cannot be deleted; move or archive them first',
  },
  COURSE_CONTENT_STALE: {
    'zh-CN': '课程内容已被他人修改，请刷新页面后重新调整顺序',
    en: 'Someone else changed the course content meanwhile; reload the page and reorder again',
  },
  COURSE_ITEM_ARCHIVED: {
    'zh-CN': '该学习内容已归档，不能再修改',
    en: 'This item is archived and can no longer be changed',
  },
  STUDY_FILE_TYPE_NOT_ALLOWED: {
    'zh-CN': '只能上传 MP4 视频或 PDF 文档；该文件的内容不是这两种格式（改扩展名无效），或视频文件不完整',
    en: 'Only MP4 videos and PDF documents can be uploaded; this file’s content is neither (renaming does not help), or the video is incomplete',
  },
  STUDY_FILE_TOO_LARGE: {
    'zh-CN': '文件过大：此类文件最大 {maxMb} MB',
    en: 'The file is too large: files of this kind may be at most {maxMb} MB',
  },
  ONLINE_COURSE_EMPTY: {
    'zh-CN': '该课程还没有在线学习内容，请先在课程目录的“在线内容”中添加章节和内容',
    en: 'This course has no online content yet; add chapters and items under “Online content” in the course catalogue first',
  },
  CLASS_HAS_STUDY: {
    'zh-CN': '已有教师在本班次开始在线学习，不能再更换课程或改为面授',
    en: 'Teachers have begun studying online in this class: its course can no longer be changed, nor the class made face-to-face',
  },
  CLASS_NOT_ONLINE: {
    'zh-CN': '该班次没有网络研修课程',
    en: 'This class has no online course',
  },
  REFLECTION_NOT_OPEN: {
    'zh-CN': '研修心得只能在学习期内（{opens} 至 {closes}）提交、修改或撤回',
    en: 'Reflections can be written, changed or withdrawn only in the study window ({opens} to {closes})',
  },
  REFLECTION_WITHDRAWN: {
    'zh-CN': '这篇心得已撤回，不能再修改或撤回',
    en: 'This reflection has been withdrawn and can no longer be changed',
  },
  REFLECTION_LIMIT: {
    'zh-CN': '每个班次最多保留 {max} 篇心得，请修改已写的心得',
    en: 'A class keeps at most {max} reflections of yours; change one you have written',
  },
  EXAM_PAPER_INVALID: {
    'zh-CN': '试卷设置有误（{count} 处），请按提示修改题目、分值或抽题条件',
    en: 'The paper has {count} problem(s); change the questions, points or pools as shown',
  },
  EXAM_TARGET_INVALID: {
    'zh-CN': '考试对象不存在或不在您的管理范围内，请重新选择课程、班级、项目或抽测',
    en: 'The course, class, project or spot-check does not exist or is outside your units; choose it again',
  },
  EXAM_WINDOW_INVALID: {
    'zh-CN': '考试结束时间须晚于开始时间',
    en: 'The exam must close after it opens',
  },
  EXAM_LEVELS_INVALID: {
    'zh-CN': '等级分数线须在 0–100 之间，并按 优秀 ≥ 良好 ≥ 合格 ≥ 基本合格 排列',
    en: 'Level cut-offs must lie within 0–100 and fall from excellent to good to pass to basic pass',
  },
  EXAM_COMPOSITE_INVALID: {
    'zh-CN': '综合成绩须包含“考试”一项，各项权重为正数且合计为 100%',
    en: 'The composite must include the exam, with positive weights adding up to 100 %',
  },
  EXAM_MARKER_INVALID: {
    'zh-CN': '阅卷人须为考试组织单位范围内的管理员或培训者账号',
    en: 'Markers must be admin or trainer accounts within the organising unit',
  },
  EXAM_MARK_INVALID: {
    'zh-CN': '评分须在 0 到本题满分 {points} 分之间',
    en: "The mark must be between 0 and the question's {points} points",
  },
  EXAM_ANSWER_INVALID: {
    'zh-CN': '答案与试卷不符（题号超出试卷范围），请刷新页面后重试',
    en: 'The answer does not fit the paper (no such question); reload the page and try again',
  },
  XAPI_VERSION_INVALID: {
    'zh-CN': '请求缺少 X-Experience-API-Version 头，或其版本不受支持（支持 1.0.x 与 2.0.x）',
    en: 'The X-Experience-API-Version header is missing or names an unsupported version (1.0.x and 2.0.x are supported)',
  },
  XAPI_INVALID: {
    'zh-CN': '学习记录（xAPI）请求不符合规范：{reason}',
    en: 'The xAPI request does not follow the specification: {reason}',
  },
  XAPI_AUTH_REQUIRED: {
    'zh-CN': '需要学习记录接口的接口账号（key）和接口密钥（secret），以 HTTP Basic 方式发送；或该接口已被撤销',
    en: 'The key and secret of a learning-record interface are required (HTTP Basic), or the interface was revoked',
  },
  XAPI_FORBIDDEN: {
    'zh-CN': '该客户端无权进行此操作：{reason}',
    en: 'This client may not do this: {reason}',
  },
  XAPI_CONFLICT: {
    'zh-CN': '冲突：{reason}',
    en: 'Conflict: {reason}',
  },
  XAPI_PRECONDITION_FAILED: {
    'zh-CN': '文档已被他人修改（ETag 不符），请重新读取后再写入',
    en: 'The document was changed meanwhile (the ETag does not match); read it again before writing',
  },
  XAPI_TOO_LARGE: {
    'zh-CN': '请求内容过大（超过 {max}）',
    en: 'The request is too large (more than {max})',
  },
  XAPI_PRECONDITION_REQUIRED: {
    'zh-CN': '该文档已存在，写入时须带 If-Match 或 If-None-Match 头',
    en: 'The document exists: send If-Match or If-None-Match with the write',
  },
  LRS_CLIENT_INVALID: {
    'zh-CN': '学习记录接口的设置有误：{reason}',
    en: 'The learning-record interface settings are invalid: {reason}',
  },
  DEVELOPMENT_PLAN_INVALID: {
    'zh-CN': '发展规划填写有误：{reason}',
    en: 'The development plan is not filled in correctly: {reason}',
  },
  DEVELOPMENT_PLAN_STATE: {
    'zh-CN': '发展规划当前状态（{status}）下不能这样操作',
    en: 'The development plan cannot be changed that way in its current state ({status})',
  },
  DEVELOPMENT_PLAN_EXISTS: {
    'zh-CN': '{year} 年起的发展规划已经存在，请在原规划上修改',
    en: 'A development plan starting in {year} already exists; change that one',
  },
  SELF_REVIEW_NOT_OPEN: {
    'zh-CN': '{year} 年度自评要在规划通过后、{from} 起填写',
    en: 'The self-review of {year} can be written once the plan is approved, from {from}',
  },
  LRS_RULE_INVALID: {
    'zh-CN': '学时转换规则有误：{reason}',
    en: 'The mapping rule is invalid: {reason}',
  },
  EXAM_NOT_DRAFT: {
    'zh-CN': '考试已发布，试卷、准入条件和考试对象不能再修改',
    en: 'The exam is published: its paper, entry conditions and target can no longer change',
  },
  EXAM_NOT_PUBLISHED: {
    'zh-CN': '考试尚未发布',
    en: 'The exam has not been published',
  },
  EXAM_CLOSED: {
    'zh-CN': '考试已结束',
    en: 'The exam has closed',
  },
  EXAM_CANNOT_START: {
    'zh-CN': '暂不能参加本次考试，请查看页面所列的未满足条件',
    en: 'You cannot sit this exam yet; see the conditions listed on the page',
  },
  EXAM_TIME_UP: {
    'zh-CN': '考试时间已到，系统已按已保存的答案交卷',
    en: 'Time is up: the exam was submitted with the answers saved',
  },
  EXAM_ATTEMPT_CLOSED: {
    'zh-CN': '本次作答已交卷，不能再修改答案',
    en: 'This attempt has been submitted; its answers can no longer change',
  },
  EXAM_MARKING_STATE: {
    'zh-CN': '该答案现在不需要您评分（可能已评完、需由另一位阅卷人评分或待仲裁），请刷新后查看',
    en: 'This answer does not need your mark now (already marked, waiting for another marker, or for the arbiter); reload to see it',
  },
  EXAM_REGRADE_NOTHING: {
    'zh-CN': '该题没有比考试所用版本更新的版本，或本考试没有使用该题',
    en: 'The question has no newer version than the exam used, or the exam does not use it',
  },
  HOMEWORK_SCHEME_INVALID: {
    'zh-CN': '评分方式有误：{problem}',
    en: 'The grading is invalid: {problem}',
  },
  HOMEWORK_MARK_INVALID: {
    'zh-CN': '评分有误：{problem}',
    en: 'The mark is invalid: {problem}',
  },
  HOMEWORK_EMPTY: {
    'zh-CN': '请填写作业内容或上传附件后再提交',
    en: 'Write your work or attach a file before submitting',
  },
  HOMEWORK_STATE: {
    'zh-CN': '该作业当前的状态不能这样处理（可能已通过、已批改或已被他人处理），请刷新后查看',
    en: 'The work is not in a state that allows this (it may have passed, been graded or been handled by someone else); reload to see it',
  },
  HOMEWORK_VERSION_STALE: {
    'zh-CN': '学员已重新提交了作业，请查看最新版本后再批改',
    en: 'The teacher has sent a newer version; read it before grading',
  },
  HOMEWORK_HAS_SUBMISSIONS: {
    'zh-CN': '该作业已有学员提交，不能删除或更改评分方式',
    en: 'Teachers have already submitted work for this assignment; it cannot be deleted nor its grading changed',
  },
  HOMEWORK_FILE_NOT_ALLOWED: {
    'zh-CN': '作业附件只接受 PDF、图片（JPG/PNG）、Word、Excel 或 ZIP 文件',
    en: 'Homework files must be a PDF, an image (JPG/PNG), a Word or Excel file, or a ZIP',
  },
  FORUM_TOPIC_LOCKED: {
    'zh-CN': '该主题已被版主锁定，不能再回复',
    en: 'A moderator has locked this topic; it takes no more replies',
  },
  FORUM_ALREADY_REPORTED: {
    'zh-CN': '您已举报过该帖子，版主处理前无需重复举报',
    en: 'You have already reported this post; a moderator will answer it',
  },
  FORUM_STATE: {
    'zh-CN': '该帖子或举报已被处理，请刷新后查看',
    en: 'The post or report has already been handled; reload to see it',
  },
  FORUM_MODERATOR_INVALID: {
    'zh-CN': '版主只能从本班次的在读学员中选择（最多 {max} 人）',
    en: 'Moderators are chosen among the teachers enrolled in the class (at most {max})',
  },
  SPOT_CHECK_INVALID: {
    'zh-CN': '抽测设置有误，请检查标出的项目',
    en: 'The spot-check settings are invalid; check the marked fields',
  },
  SPOT_CHECK_STATE: {
    'zh-CN': '该抽测当前的状态不能这样处理（可能已被他人推进到下一步），请刷新后查看',
    en: 'The spot-check is not in a state that allows this (someone may have moved it on); reload to see it',
  },
  SPOT_CHECK_EMPTY: {
    'zh-CN': '组织单位下没有符合条件的教师，不能公示名单',
    en: "No teacher of the organiser's units matches the criteria; there is no list to publish",
  },
  SPOT_CHECK_NO_RESULTS: {
    'zh-CN': '抽测的统一考试还没有成绩，不能公布',
    en: "The spot-check's exam has no results yet; there is nothing to publish",
  },
  PAIR_INVALID: {
    'zh-CN': '结对信息有误，请检查标出的项目',
    en: 'The pairing details are invalid; check the marked fields',
  },
  PAIR_STATE: {
    'zh-CN': '该结对当前的状态不能这样处理（可能已被他人推进到下一步），请刷新后查看',
    en: 'The pair is not in a state that allows this (someone may have moved it on); reload to see it',
  },
  PAIR_TAKEN: {
    'zh-CN': '该教师已有一个进行中的同类结对，不能再申请',
    en: 'The teacher already has an open pair in this role; finish or end it first',
  },
  BACKBONE_ROUND_INVALID: {
    'zh-CN': '评选设置有误，请检查标出的项目',
    en: 'The selection round settings are invalid; check the marked fields',
  },
  BACKBONE_ROUND_STATE: {
    'zh-CN': '该评选当前的状态不能这样处理（可能已被他人推进到下一步），请刷新后查看',
    en: 'The round is not in a state that allows this (someone may have moved it on); reload to see it',
  },
  BACKBONE_DEADLINE_PASSED: {
    'zh-CN': '推荐截止日期（{deadline}）已过，不能再推荐',
    en: 'The nomination deadline ({deadline}) has passed',
  },
  BACKBONE_NO_QUOTA: {
    'zh-CN': '该教师所在单位在本次评选中没有推荐名额',
    en: "The teacher's unit has no quota in this round",
  },
  BACKBONE_NOT_ELIGIBLE: {
    'zh-CN': '该教师不符合本次评选的条件（教龄、学段或学科）',
    en: "The teacher does not meet the round's conditions (years of service, stage or subject)",
  },
  BACKBONE_NO_TITLE: {
    'zh-CN': '复评只能推荐持有本级有效骨干教师称号的教师',
    en: 'A re-review takes only teachers holding an active title of its level',
  },
  BACKBONE_OVER_QUOTA: {
    'zh-CN': '{unit}的推荐名额已用完（名额 {quota} 人，已推荐 {used} 人）',
    en: '{unit} has used its quota ({used} of {quota} nominated)',
  },
  BACKBONE_NOMINATION_TAKEN: {
    'zh-CN': '该教师已在本次评选的推荐名单中',
    en: 'The teacher is already nominated in this round',
  },
  BACKBONE_PANEL_INVALID: {
    'zh-CN': '评审组成员只能从组织单位及其下属单位的账号中选择',
    en: "Panel members are accounts of the organiser's units",
  },
  BACKBONE_SCORE_INVALID: { 'zh-CN': '评分应为 0 到 100 的整数', en: 'A score is a whole number from 0 to 100' },
  BACKBONE_LIST_INVALID: {
    'zh-CN': '公示名单有误：请从本次评选的推荐对象中选择至少一人',
    en: "The list is invalid: choose at least one of the round's nominees",
  },
  BACKBONE_NOT_SCORED: {
    'zh-CN': '名单中有尚无评分的推荐对象，评审组评分后才能公示',
    en: 'Someone on the list has no score yet; publish after the panel has scored',
  },
  BACKBONE_TITLE_STATE: {
    'zh-CN': '该称号当前的状态不能这样处理，请刷新后查看',
    en: 'The title is not in a state that allows this; reload to see it',
  },
  BACKBONE_DUTY_INVALID: {
    'zh-CN': '职责记录有误，请检查标出的项目',
    en: 'The duty record is invalid; check the marked fields',
  },
  BACKBONE_DUTY_STATE: {
    'zh-CN': '该职责记录已确认或退回，不能再修改',
    en: 'The duty record has been confirmed or rejected already',
  },
  BACKBONE_DUTY_NO_EVIDENCE: {
    'zh-CN': '该记录没有链接或附件，不能确认',
    en: 'The record has no link or file; it cannot be confirmed',
  },
  BACKBONE_FILE_NOT_ALLOWED: {
    'zh-CN': '只接受 PDF、图片、Word、Excel 或 ZIP 文件',
    en: 'Only PDF, image, Word, Excel or ZIP files are accepted',
  },
  PUBLICITY_CLOSED: {
    'zh-CN': '该公示已定稿或已撤回，不能再这样处理，请刷新后查看',
    en: 'The public notice is final or withdrawn; this can no longer be done. Reload to see it',
  },
  PUBLICITY_NOT_RUNNING: {
    'zh-CN': '不在公示期内，不能提出异议',
    en: 'The notice period is not running; objections can be lodged only during it',
  },
  PUBLICITY_NOT_OVER: {
    'zh-CN': '公示期未满，期满后才能定稿',
    en: 'The notice period is not over yet; the list can be finalised after it',
  },
  PUBLICITY_OBJECTIONS_OPEN: {
    'zh-CN': '还有未答复的异议，请先逐条答复再定稿',
    en: 'Some objections are not answered yet; answer each one before finalising',
  },
  PUBLICITY_ITEM_REMOVED: {
    'zh-CN': '该条目已因异议成立被移出名单',
    en: 'This line was removed from the list after an objection was upheld',
  },
  PUBLICITY_ALREADY_OBJECTED: {
    'zh-CN': '您对该条目的异议还在等待答复，不能重复提出',
    en: 'Your objection to this line is still waiting for an answer; it cannot be lodged twice',
  },
  PUBLICITY_ANSWERED: {
    'zh-CN': '该异议已答复，请刷新后查看',
    en: 'This objection was answered already; reload to see the answer',
  },
  COMMENDATION_INVALID: {
    'zh-CN': '评优设置有误：{reason}',
    en: 'The commendation settings are invalid: {reason}',
  },
  COMMENDATION_STATE: {
    'zh-CN': '该评优批次当前的状态不能这样处理（可能已公示或已定稿），请刷新后查看',
    en: 'The commendation batch is not in a state that allows this (it may be under public notice or final); reload to see it',
  },
  COMMENDATION_EMPTY: {
    'zh-CN': '名单中没有候选对象，不能公示',
    en: 'The list holds no candidate; there is nothing to publish',
  },
  HONOUR_REVOKED: {
    'zh-CN': '该荣誉已被撤销',
    en: 'This honour was revoked already',
  },
  COMPETITION_INVALID: {
    'zh-CN': '评比设置或填写有误，请检查标出的项目',
    en: 'The competition settings or the form are invalid; check the marked fields',
  },
  COMPETITION_SCORE_INVALID: {
    'zh-CN': '评分有误：每个评分项都要填写，且不能超过该项满分',
    en: 'The scores are invalid: give every item, none above its maximum',
  },
  COMPETITION_STATE: {
    'zh-CN': '该评比当前的状态不能这样处理（可能已被他人推进到下一步），请刷新后查看',
    en: 'The competition is not in a state that allows this (someone may have moved it on); reload to see it',
  },
  COMPETITION_DEADLINE: {
    'zh-CN': '报送截止日期（{deadline}）已过，不能再报送作品',
    en: 'The deadline for entries ({deadline}) has passed',
  },
  COMPETITION_LAST_ROUND: {
    'zh-CN': '这是本评比的最后一轮，没有上一级评选可以推荐',
    en: 'This is the last round of the competition; there is no higher round to advance entries to',
  },
  COMPETITION_NO_AWARDS: {
    'zh-CN': '按本轮的获奖设置没有作品获奖，也没有选择优秀组织奖单位，名单为空，不能公示；请检查获奖名额或比例',
    en: "The round's award settings give no entry a prize and no unit is chosen for the organisation award; there is nothing to publish",
  },
  COMPETITION_QUOTA_FULL: {
    'zh-CN': '本单位的报送名额已用完（名额 {quota} 个，已报 {used} 个），不能再报送',
    en: 'Your unit has used its quota ({used} of {quota} entries); no more entries can be submitted',
  },
  COMPETITION_UNASSIGNED: {
    'zh-CN': '还有 {n} 件作品没有分配评审组，不能开始评审',
    en: '{n} entries have no panel yet; assign them before judging starts',
  },
  COMPETITION_RECUSED: {
    'zh-CN': '您已对该作品申请回避，不能再评分',
    en: 'You have recused yourself from this entry and cannot score it',
  },
  COMPETITION_FILE_NOT_ALLOWED: {
    'zh-CN': '只能上传 PDF、图片、Word、Excel 或 ZIP 文件（按内容检查）',
    en: 'Only PDF, image, Word, Excel or ZIP files can be uploaded (checked by content)',
  },
  QUOTA_INVALID: { 'zh-CN': '名额设置有误：{problem}', en: 'The quotas are invalid: {problem}' },
  TEACHER_ID_TAKEN: {
    'zh-CN': '该证件号码的教师已在册（可能在其他学校），请改用调动',
    en: 'A teacher with this ID number is already registered (perhaps at another school); use a transfer instead',
  },
  IMPORT_STALE: {
    'zh-CN': '校验之后名册已被他人修改，请重新上传文件再确认导入',
    en: 'The registry changed after this file was checked; upload it again, then confirm',
  },
  IMPORT_NOT_OPEN: {
    'zh-CN': '该批次已导入或已放弃，不能再次确认',
    en: 'This upload was already imported or discarded',
  },
  IMPORT_EXPIRED: {
    'zh-CN': '该批次校验后 {hours} 小时内未确认，已过期，暂存的数据已删除；请重新上传文件',
    en:
      'This upload was not confirmed within {hours} hours of its check and has expired; its staged rows were deleted. ' +
      'Upload the file again',
  },
  IMPORT_UNPACKED_TOO_LARGE: {
    'zh-CN': '文件解压后超过 {mb} MB，已拒绝（可能是损坏或恶意文件），请拆分后上传',
    en: 'The file unpacks to more than {mb} MB and was refused (it may be damaged or malicious); split it and upload again',
  },
  IMPORT_TOO_MANY_ROWS: {
    'zh-CN': '一次最多导入 {max} 行，请拆分文件',
    en: 'At most {max} rows per file; split the file',
  },
  IMPORT_FILE_UNREADABLE: {
    'zh-CN': '无法读取该文件：请上传 Excel（.xlsx）或 CSV 文件，并确认文件完整未损坏',
    en: 'The file cannot be read: upload an Excel (.xlsx) or CSV file and check that it is complete',
  },
  IMPORT_NO_ROSTER_SHEET: {
    'zh-CN': '文件中没有找到教师名册表头（需包含“姓名”和“证件号码”列），请使用下载的模板',
    en: 'No roster header found (it needs “Name” and “ID number” columns); use the downloadable template',
  },
  REGISTRATION_SHEET_INVALID: {
    'zh-CN': '文件中没有找到学时登记表头（需包含“证件号码”和“学时”等列），或表中没有数据行；请使用下载的学时登记模板',
    en: 'No hours-registration header (with “ID number” and “Hours” columns) or no data rows were found; use the downloadable registration template',
  },
  IMPORT_MISSING_COLUMNS: { 'zh-CN': '缺少必填列：{columns}', en: 'Required columns are missing: {columns}' },
  AUTH_REQUIRED: { 'zh-CN': '请先登录', en: 'Please log in' },
  AUTH_INVALID_CREDENTIALS: { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password' },
  AUTH_SESSION_EXPIRED: { 'zh-CN': '登录已超时，请重新登录', en: 'Your session has expired; please log in again' },
  AUTH_PASSWORD_CHANGE_REQUIRED: {
    'zh-CN': '首次登录须先修改密码',
    en: 'You must change your password before continuing',
  },
  CSRF_INVALID: { 'zh-CN': '页面已过期，请刷新后重试', en: 'The page has expired; reload it and try again' },
  FORBIDDEN: { 'zh-CN': '您没有执行此操作的权限', en: 'You are not allowed to do this' },
  NOT_FOUND: { 'zh-CN': '未找到该记录，或不在您的管辖范围内', en: 'Not found, or outside your area' },
  CONFLICT: { 'zh-CN': '该记录已被修改或已存在', en: 'The record already exists or was changed' },
  USERNAME_TAKEN: { 'zh-CN': '用户名已被使用，请换一个', en: 'This username is taken; choose another' },
  ORG_CODE_TAKEN: { 'zh-CN': '机构代码已被其他单位使用', en: 'This unit code is already used by another unit' },
  DIVISION_CODE_TAKEN: {
    'zh-CN': '行政区划代码已被其他单位使用',
    en: 'This division code is already used by another unit',
  },
  PAYLOAD_TOO_LARGE: { 'zh-CN': '提交的内容过大', en: 'The request is too large' },
  FILE_TOO_LARGE: { 'zh-CN': '文件过大，请拆分后上传', en: 'The file is too large; split it and upload again' },
  UNSUPPORTED_MEDIA_TYPE: { 'zh-CN': '不支持的内容类型', en: 'Unsupported content type' },
  IMPORT_INVALID: {
    'zh-CN': '导入文件有错误，未导入任何数据，请修改后重新上传',
    en: 'The file has errors; nothing was imported. Fix them and upload again',
  },
  AUTH_ACCOUNT_LOCKED: {
    'zh-CN': '登录失败次数过多，账户已临时锁定，请稍后再试或联系管理员解锁',
    en: 'Too many failed logins: the account is locked for a while; try later or ask an administrator to unlock it',
  },
  RATE_LIMITED: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; try again shortly' },
  IDENTIFIER_LOOKUP_LIMIT: {
    'zh-CN': '按证件号码或手机号查询已连续达到 {max} 次，{until} 前暂停；可按姓名查询，或请县级、学校管理员协助',
    en:
      'You searched by ID number or phone {max} times in a row; such searches pause until {until}. ' +
      'Search by name, or ask a county or school administrator',
  },
  INTERNAL: {
    'zh-CN': '服务器内部错误，已记录，请稍后再试',
    en: 'Internal error; it has been logged. Try again later',
  },
  SERVICE_UNAVAILABLE: { 'zh-CN': '服务暂不可用，请稍后再试', en: 'The service is unavailable; try again shortly' },
  DATABASE_UNAVAILABLE: {
    'zh-CN': '数据库暂时无法访问，正在自动恢复，请稍后再试；已保存的数据不受影响',
    en: 'The database is briefly unreachable and is being brought back; try again shortly. Saved data is not affected',
  },
};

/** Messages for validation issues, by issue kind. */
const FIELD: Record<string, Record<Locale, string>> = {
  required: { 'zh-CN': '必填', en: 'is required' },
  too_long: { 'zh-CN': '过长，最多 {max} 个字符', en: 'is too long (at most {max} characters)' },
  too_short: { 'zh-CN': '过短，至少 {min} 个字符', en: 'is too short (at least {min} characters)' },
  bad_chars: {
    'zh-CN': '含有不允许的控制字符或不可见字符（如方向控制符、零宽字符）',
    en: 'contains control or invisible characters (such as direction overrides or zero-width characters) that are not allowed',
  },
  blank: { 'zh-CN': '不能为空白', en: 'must not be blank' },
  invalid: { 'zh-CN': '格式不正确', en: 'is not valid' },
  below_min: { 'zh-CN': '不能小于对应的下限', en: 'must not be below its lower bound' },
};

/** Problems of a roster row or a teacher form field, by code. */
const TEACHER_PROBLEMS: Record<string, Record<Locale, string>> = {
  required: { 'zh-CN': '必填', en: 'is required' },
  bad_chars: {
    'zh-CN': '含有不可见字符或控制字符（表中以 ⟨U+…⟩ 标出），请删除后重新上传',
    en: 'contains invisible or control characters (marked ⟨U+…⟩ in the table); delete them and upload again',
  },
  id_number_in_text: {
    'zh-CN': '像是一个证件号码，不能填在此列',
    en: 'looks like an ID number, which does not belong in this column',
  },
  invalid_choice: { 'zh-CN': '不是可选的值，请从下拉列表中选择', en: 'is not one of the choices; pick from the list' },
  invalid_yes_no: { 'zh-CN': '请填写“是”或“否”', en: 'must be “是” (yes) or “否” (no)' },
  text_too_long: { 'zh-CN': '过长，最多 30 个字', en: 'is too long (at most 30 characters)' },
  name_blank: { 'zh-CN': '不能为空', en: 'must not be empty' },
  name_too_long: { 'zh-CN': '过长，最多 50 个字', en: 'is too long (at most 50 characters)' },
  name_characters: {
    'zh-CN': '只能包含汉字、字母、空格和间隔号“·”',
    en: 'may only contain Chinese characters, letters, spaces and the middle dot “·”',
  },
  id_blank: { 'zh-CN': '不能为空', en: 'must not be empty' },
  id_length: { 'zh-CN': '居民身份证号码应为 18 位', en: 'a resident ID number has 18 characters' },
  id_characters: {
    'zh-CN': '前 17 位须为数字，最后一位为数字或 X',
    en: 'the first 17 characters must be digits and the last a digit or X',
  },
  id_region: { 'zh-CN': '前两位不是有效的省级行政区划代码', en: 'the first two digits are not a valid province code' },
  id_birth_date: { 'zh-CN': '第 7–14 位不是有效的出生日期', en: 'characters 7–14 are not a valid birth date' },
  id_future_birth_date: { 'zh-CN': '出生日期晚于今天', en: 'the birth date lies in the future' },
  id_check_digit: {
    'zh-CN': '校验位（最后一位）不正确，请核对号码',
    en: 'the check character (the last one) is wrong; check the number',
  },
  id_too_long: { 'zh-CN': '证件号码过长（最多 30 位）', en: 'the document number is too long (at most 30 characters)' },
  id_characters_other: {
    'zh-CN': '证件号码只能包含字母、数字、括号和短横线，5–30 位',
    en: 'the document number may only contain letters, digits, brackets and hyphens, 5–30 characters',
  },
  id_stored_as_number: {
    'zh-CN': '被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新填写',
    en: 'Excel stored it as a number and lost the last digits; format the column as text and type it again',
  },
  gender_mismatch: { 'zh-CN': '与身份证号码中的性别不一致', en: 'does not match the gender in the ID number' },
  birth_date_mismatch: {
    'zh-CN': '与身份证号码中的出生日期不一致',
    en: 'does not match the birth date in the ID number',
  },
  birth_date_invalid: {
    'zh-CN': '不是有效日期，可写 1985-03-12 或 1985年3月12日',
    en: 'is not a valid date; write e.g. 1985-03-12',
  },
  phone_invalid: {
    'zh-CN': '应为 11 位手机号或带区号的固定电话',
    en: 'must be an 11-digit mobile number or a landline with area code',
  },
  teaching_start_year_invalid: {
    'zh-CN': '应为 1950 年至今年之间的四位年份',
    en: 'must be a four-digit year from 1950 to this year',
  },
  school_unknown: {
    'zh-CN': '在本单位所辖学校中找不到，请填写学校全称或学校代码',
    en: 'is not a school of this unit; write its full name or code',
  },
  school_ambiguous: {
    'zh-CN': '有多所学校同名，请改填学校代码',
    en: 'several schools have this name; write the school code instead',
  },
  school_mismatch: { 'zh-CN': '与导入的学校不一致', en: 'is not the school being imported into' },
  duplicate_in_file: { 'zh-CN': '与第 {otherRow} 行证件号码重复', en: 'is the same as in row {otherRow}' },
};

/** "第 12 行「证件号码」：校验位…" — one row problem in the user's language. */
/** Said after a problem whose quoted value was partly hidden, and before the closest names of an unknown school. */
const IMPORT_NOTES: Record<string, Record<Locale, string>> = {
  id_number: {
    'zh-CN': '（所填内容疑似证件号码，已部分隐藏）',
    en: ' (the value looks like an ID number and is partly hidden)',
  },
  phone: {
    'zh-CN': '（所填内容疑似手机号码，已部分隐藏）',
    en: ' (the value looks like a mobile number and is partly hidden)',
  },
  suggestions: { 'zh-CN': '；是否指：{names}？', en: '; did you mean: {names}?' },
};

export function importProblemMessage(
  code: string,
  column: string,
  locale: Locale,
  value?: string,
  extra: { withheld?: string; suggestions?: string[]; otherRow?: number } = {},
): string {
  const col = ROSTER_COLUMNS.find((c) => c.key === column);
  const label = col ? (locale === 'en' ? col.en : col.zh) : column;
  // a report stored before the other row had its own field carried it as the value
  const otherRow = extra.otherRow ?? value ?? '';
  let text = fill((TEACHER_PROBLEMS[code] ?? FIELD['invalid']!)[locale], { value: value ?? '', otherRow });
  if (extra.withheld && IMPORT_NOTES[extra.withheld]) text += IMPORT_NOTES[extra.withheld]![locale];
  if (extra.suggestions?.length) {
    const names = extra.suggestions
      .map((n) => (locale === 'en' ? `"${n}"` : `“${n}”`))
      .join(locale === 'en' ? ', ' : '、');
    text += fill(IMPORT_NOTES['suggestions']![locale], { names });
  }
  return locale === 'en' ? `${label} ${text}` : `「${label}」${text}`;
}

export function pickLocale(acceptLanguage: string | undefined): Locale {
  return acceptLanguage && /^\s*en\b/i.test(acceptLanguage) ? 'en' : 'zh-CN';
}

function fill(template: string, params?: Record<string, string | number>): string {
  return params ? template.replace(/\{(\w+)\}/g, (m, k: string) => String(params[k] ?? m)) : template;
}

export function errorMessage(code: AppErrorCode, locale: Locale, params?: Record<string, string | number>): string {
  return fill(ERRORS[code][locale], locale === 'en' ? englishParams(params) : params);
}

/** A parameter that is itself text may come in both languages: `reasons` (zh-CN) beside `reasons_en`. */
function englishParams(params?: Record<string, string | number>): Record<string, string | number> | undefined {
  if (!params) return params;
  const out = { ...params };
  for (const [k, v] of Object.entries(params)) if (k.endsWith('_en')) out[k.slice(0, -3)] = v;
  return out;
}

export function fieldMessage(kind: string, locale: Locale, params?: Record<string, string | number>): string {
  return fill((FIELD[kind] ?? FIELD['invalid']!)[locale], params);
}
