import type { Rule } from './rule';
import { checkSettingFromDefaultServer, type DefaultServerSetting } from './support/defaultServerSetting';

/** Names OpenSSL gives one group under (its NIST and SEC names), each to one of them. */
const GROUP_ALIASES: Readonly<Record<string, string>> = {
  'p-256': 'prime256v1',
  secp256r1: 'prime256v1',
  'p-384': 'secp384r1',
  'p-521': 'secp521r1',
};

/** The groups in order (the order is the server's preference), one name per group, case ignored as OpenSSL ignores it. */
function groupsKey(value: string): string {
  return value.split(':').map((g) => g.trim().toLowerCase()).map((g) => GROUP_ALIASES[g] ?? g).join(':');
}

const ECDH_CURVE: DefaultServerSetting = {
  directive: 'ssl_ecdh_curve',
  keyOf: groupsKey,
  describeDefault: () => "nginx's default, auto (OpenSSL's own list)",
  defaultKey: () => groupsKey('auto'),
  decides: 'the key exchange group',
};

/**
 * `ssl_ecdh_curve` in a server that is not the default server of its address: the key exchange
 * group is chosen in the default server's SSL context before SNI selects the server (measured with
 * nginx 1.22.1 + OpenSSL 3.0: a virtual server's own list is ignored).
 */
export const ecdhCurveFromDefaultServer: Rule = {
  id: 'ecdh-curve-from-default-server',
  defaultSeverity: 'warning',
  summary: 'ssl_ecdh_curve set in a non-default server differs from the default server\'s and does not take effect',
  check: (context) => checkSettingFromDefaultServer(context, ECDH_CURVE),
};
