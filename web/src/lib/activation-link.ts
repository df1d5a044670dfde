/**
 * The link an activation slip's QR code opens: the activation page with the code filled in (never
 * the ID number, which the teacher types). The page reads the code back with `codeFromLink`.
 * @example activationLink('https://peixun.example.cn', 'ABCD2345') // 'https://peixun.example.cn/activate?code=ABCD2345'
 */
export function activationLink(origin: string, code: string): string {
  return `${origin}/activate?code=${encodeURIComponent(code)}`;
}

/**
 * The code a link carries, as the form shows it (`ABCD-2345`): upper case, letters and digits only,
 * at most 8; an empty string when the link has none.
 * @example codeFromLink('abcd2345') // 'ABCD-2345'
 */
export function codeFromLink(value: string | null | undefined): string {
  const code = (value ?? '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 8);
  return code.replace(/(.{4})(?=.)/g, '$1-');
}
