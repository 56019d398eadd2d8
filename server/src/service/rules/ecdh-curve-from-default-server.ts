import type { Rule } from './rule';
import { checkSettingFromDefaultServer, type DefaultServerSetting } from './support/defaultServerSetting';

const ECDH_CURVE: DefaultServerSetting = {
  directive: 'ssl_ecdh_curve',
  // OpenSSL reads a colon-separated list of group names, case-insensitively.
  keyOf: (value) => value.split(':').map((g) => g.trim().toLowerCase()).join(':'),
  describeDefault: () => "nginx's default, auto (OpenSSL's own list)",
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
