// A store location as it may be shown: a path as is, a URL without its
// password (in the userinfo, or as a `password` query parameter, which
// node-postgres also reads).

export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    if (u.searchParams.has('password')) u.searchParams.set('password', '***')
    return u.toString()
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@').replace(/([?&]password=)[^&]*/gi, '$1***')
  }
}
