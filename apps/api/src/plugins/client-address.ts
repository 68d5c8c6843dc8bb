import ipaddr from 'ipaddr.js';

/**
 * The key a per-address limit counts a client under: an IPv4 address as it is (an IPv4-mapped
 * IPv6 address as the IPv4 one), an IPv6 address by its /64 network. One subscriber gets a
 * whole /64 to choose addresses from, so counting single IPv6 addresses would count nothing.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${network.map((part) => part.toString(16)).join(':')}::/64`;
}
