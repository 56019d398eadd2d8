import type { Rule, RuleContext } from './rule';
import { compareVersions, TLS13_DEFAULT_SINCE } from '../versions';
import { checkSettingFromDefaultServer, type DefaultServerSetting } from './support/defaultServerSetting';

/** nginx's default ssl_protocols for the version that runs, as precisely as it is known. */
function defaultProtocols(context: RuleContext): string {
  const version = context.settings.nginxVersion;
  if (version === undefined) return `nginx's default, which has no TLS 1.3 before nginx ${TLS13_DEFAULT_SINCE}`;
  if (compareVersions(version, TLS13_DEFAULT_SINCE) < 0) return `nginx ${version}'s default, TLSv1 TLSv1.1 TLSv1.2: no TLS 1.3 at all on this address`;
  return `nginx ${version}'s default, which includes TLSv1.3`;
}

/** The protocols a list enables: order, case and repeats do not matter to nginx (a repeat only gets a warning). */
function protocolsKey(value: string): string {
  return [...new Set(value.split(/\s+/).filter(Boolean).map((n) => n.toLowerCase()))].sort().join(' ');
}

const PROTOCOLS: DefaultServerSetting = {
  directive: 'ssl_protocols',
  keyOf: protocolsKey,
  describeDefault: defaultProtocols,
  // ngx_http_ssl_module's default: TLSv1 TLSv1.1 TLSv1.2, and TLSv1.2 TLSv1.3 from 1.23.4.
  defaultKey: (context) => {
    const version = context.settings.nginxVersion;
    if (version === undefined) return undefined;
    return protocolsKey(compareVersions(version, TLS13_DEFAULT_SINCE) < 0 ? 'TLSv1 TLSv1.1 TLSv1.2' : 'TLSv1.2 TLSv1.3');
  },
  decides: 'the TLS version',
};

/**
 * `ssl_protocols` in a server that is not the default server of its address: the TLS version is
 * negotiated in the default server's SSL context, before SNI selects the server, so this server's
 * own list is not what clients get (measured with nginx 1.22 + OpenSSL 3.0 in the probe tests).
 */
export const protocolsFromDefaultServer: Rule = {
  id: 'protocols-from-default-server',
  defaultSeverity: 'warning',
  summary: 'ssl_protocols set in a non-default server differs from the default server\'s and does not take effect',
  check: (context) => checkSettingFromDefaultServer(context, PROTOCOLS),
};
