/** The name of the httpOnly cookie that carries a session's token. */
export const SESSION_COOKIE = 'peixun_session';
