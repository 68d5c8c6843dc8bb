import proxyAddr from '@fastify/proxy-addr';

/**
 * Fastify's trustProxy, limited to `hops` proxies: the socket's peer is believed only when it is
 * one of `trusted`, and only the last `hops` entries of X-Forwarded-For are read. Whatever a
 * client wrote into the header before it reached the first trusted proxy names no one: behind
 * the bundled web proxy (one hop, which appends the address it saw), a forged header leaves the
 * client counted as the address the proxy saw.
 */
export function trustedProxies(trusted: string, hops: number) {
  const isTrusted = proxyAddr.compile(trusted.split(',').map((entry) => entry.trim()));
  return (address: string, hop: number) => hop < hops && isTrusted(address, hop);
}
