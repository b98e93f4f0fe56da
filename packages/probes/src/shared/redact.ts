const SECRET_PARAM = /token|key|secret|pass|auth|sig|credential/i;

/**
 * A URL safe to print: user info removed and the values of query parameters that look like
 * credentials (token, key, secret, password, auth, sig) replaced by `***`.
 */
export function redactUrl(url: URL | string): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return '(invalid URL)';
  }
  u.username = '';
  u.password = '';
  for (const name of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) u.searchParams.set(name, '***');
  }
  return u.toString();
}
