// Loopback hosts, where plain http is acceptable (a JWKS, a resource URL in
// development). Imports nothing.

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}
