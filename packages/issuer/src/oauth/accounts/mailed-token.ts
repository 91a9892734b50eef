// The token a mailed link carries (`?token=`), read from the query of the
// GET page the link opens: one value, or none.
import { Problem } from '../authorize/errors.js'
import { readQuery } from '../authorize/request.js'

export function linkToken(url: string): string | undefined {
  const query = readQuery(url)
  if (query instanceof Problem) return undefined
  const token = query.token
  return typeof token === 'string' ? token : undefined
}
