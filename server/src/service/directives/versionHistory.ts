/**
 * Exact nginx versions of the changes the directive table (built from 1.22.1 and 1.26.3 sources)
 * can only bracket, for the directives whose meaning matters to TLS. From nginx's CHANGES:
 * 1.25.0 added HTTP/3 (ngx_http_v3_module); 1.25.1 added the `http2` directive, deprecated
 * `listen ... http2`, and removed the `ssl` directive (deprecated since 1.15.0).
 */

/** Directives and the nginx version that introduced them. */
export const DIRECTIVE_SINCE: Readonly<Record<string, string>> = {
  http2: '1.25.1',
  http3: '1.25.0',
  http3_hq: '1.25.0',
  http3_max_concurrent_streams: '1.25.0',
  http3_stream_buffer_size: '1.25.0',
  quic_active_connection_id_limit: '1.25.0',
  quic_bpf: '1.25.0',
  quic_gso: '1.25.0',
  quic_host_key: '1.25.0',
  quic_retry: '1.25.0',
};

/** Directives nginx removed: the version that no longer knows them, since when they were deprecated, and the replacement. */
export const DIRECTIVE_REMOVED: Readonly<Record<string, { removedIn: string; deprecatedSince: string; instead: string }>> = {
  ssl: { removedIn: '1.25.1', deprecatedSince: '1.15.0', instead: 'listen ... ssl' },
};

/** `listen` parameters nginx deprecated: the version and the directive that replaces each. */
export const LISTEN_PARAMETER_DEPRECATED: Readonly<Record<string, { deprecatedIn: string; instead: string }>> = {
  http2: { deprecatedIn: '1.25.1', instead: 'http2 on' },
};
