import type { TableDirective } from './tableFormat';

/**
 * HAND-LISTED third-party directives: typed by hand (name, contexts, argument flags), not
 * extracted, for well-known modules whose Debian source package the generator cannot use (njs)
 * or that Debian does not ship (stream-lua, part of OpenResty). Every entry is marked
 * `thirdParty` and `handListed`; the generated table (directives.json) never contains these.
 * Where an argument count was not certain the entry says ANY, so no count is ever reported wrongly.
 */
interface HandEntry {
  names: string[];
  contexts: string[];
  args: string[];
  block?: true;
}

const HTTP_ANY = ['http', 'server', 'location'];
const HTTP_CONTENT = ['location', 'if-in-location', 'limit_except'];
const STREAM_ANY = ['stream', 'stream-server'];

/** njs: ngx_http_js_module and ngx_stream_js_module (module `njs`, nginx's own but packaged apart). */
const NJS_HTTP: HandEntry[] = [
  { names: ['js_content', 'js_header_filter'], contexts: HTTP_CONTENT, args: ['TAKE1'] },
  { names: ['js_body_filter'], contexts: HTTP_CONTENT, args: ['TAKE12'] },
  { names: ['js_import', 'js_preload_object'], contexts: HTTP_ANY, args: ['TAKE13'] },
  { names: ['js_path', 'js_context_reuse', 'js_engine', 'js_fetch_buffer_size', 'js_fetch_ciphers', 'js_fetch_max_response_buffer_size', 'js_fetch_timeout', 'js_fetch_trusted_certificate', 'js_fetch_verify_depth'], contexts: HTTP_ANY, args: ['TAKE1'] },
  { names: ['js_fetch_verify'], contexts: HTTP_ANY, args: ['FLAG'] },
  { names: ['js_fetch_protocols'], contexts: HTTP_ANY, args: ['1MORE'] },
  { names: ['js_set'], contexts: HTTP_ANY, args: ['TAKE23'] },
  { names: ['js_var'], contexts: HTTP_ANY, args: ['TAKE12'] },
  { names: ['js_include'], contexts: ['http'], args: ['TAKE1'] },
  { names: ['js_shared_dict_zone'], contexts: ['http'], args: ['1MORE'] },
  { names: ['js_periodic'], contexts: ['location'], args: ['1MORE'] },
];

const NJS_STREAM: HandEntry[] = [
  { names: ['js_access', 'js_filter', 'js_preread'], contexts: STREAM_ANY, args: ['TAKE1'] },
  { names: ['js_import', 'js_preload_object'], contexts: STREAM_ANY, args: ['TAKE13'] },
  { names: ['js_path', 'js_context_reuse', 'js_engine', 'js_fetch_buffer_size', 'js_fetch_ciphers', 'js_fetch_max_response_buffer_size', 'js_fetch_timeout', 'js_fetch_trusted_certificate', 'js_fetch_verify_depth'], contexts: STREAM_ANY, args: ['TAKE1'] },
  { names: ['js_fetch_verify'], contexts: STREAM_ANY, args: ['FLAG'] },
  { names: ['js_fetch_protocols'], contexts: STREAM_ANY, args: ['1MORE'] },
  { names: ['js_set'], contexts: STREAM_ANY, args: ['TAKE23'] },
  { names: ['js_var'], contexts: STREAM_ANY, args: ['TAKE12'] },
  { names: ['js_include'], contexts: ['stream'], args: ['TAKE1'] },
  { names: ['js_shared_dict_zone'], contexts: ['stream'], args: ['1MORE'] },
  { names: ['js_periodic'], contexts: ['stream-server'], args: ['1MORE'] },
];

/** stream-lua-nginx-module (OpenResty's `stream {}` Lua): same directive names as the http one. */
const STREAM_LUA: HandEntry[] = [
  { names: ['lua_package_path', 'lua_package_cpath', 'lua_regex_cache_max_entries', 'lua_regex_match_limit', 'lua_max_pending_timers', 'lua_max_running_timers', 'lua_capture_error_log', 'lua_add_variable', 'lua_malloc_trim', 'lua_thread_cache_max_entries', 'init_by_lua', 'init_by_lua_file', 'init_worker_by_lua', 'init_worker_by_lua_file', 'exit_worker_by_lua_file'], contexts: ['stream'], args: ['TAKE1'] },
  { names: ['lua_shared_dict'], contexts: ['stream'], args: ['TAKE2'] },
  { names: ['lua_sa_restart', 'lua_load_resty_core', 'preread_by_lua_no_postpone'], contexts: ['stream'], args: ['FLAG'] },
  { names: ['init_by_lua_block', 'init_worker_by_lua_block', 'exit_worker_by_lua_block'], contexts: ['stream'], args: ['NOARGS'], block: true },
  { names: ['preread_by_lua_block', 'log_by_lua_block', 'ssl_certificate_by_lua_block', 'ssl_client_hello_by_lua_block'], contexts: STREAM_ANY, args: ['NOARGS'], block: true },
  { names: ['preread_by_lua_file', 'log_by_lua_file', 'ssl_certificate_by_lua_file', 'ssl_client_hello_by_lua_file'], contexts: STREAM_ANY, args: ['TAKE1'] },
  { names: ['content_by_lua_block'], contexts: ['stream-server'], args: ['NOARGS'], block: true },
  { names: ['content_by_lua_file'], contexts: ['stream-server'], args: ['TAKE1'] },
  { names: ['balancer_by_lua_block'], contexts: ['stream-upstream'], args: ['NOARGS'], block: true },
  { names: ['balancer_by_lua_file'], contexts: ['stream-upstream'], args: ['TAKE1'] },
  { names: ['lua_code_cache', 'lua_socket_log_errors', 'lua_check_client_abort'], contexts: STREAM_ANY, args: ['FLAG'] },
  { names: ['lua_socket_connect_timeout', 'lua_socket_send_timeout', 'lua_socket_read_timeout', 'lua_socket_buffer_size', 'lua_socket_pool_size', 'lua_socket_keepalive_timeout', 'lua_ssl_ciphers', 'lua_ssl_trusted_certificate', 'lua_ssl_verify_depth', 'lua_ssl_crl', 'lua_ssl_certificate', 'lua_ssl_certificate_key'], contexts: STREAM_ANY, args: ['TAKE1'] },
  { names: ['lua_ssl_protocols'], contexts: STREAM_ANY, args: ['1MORE'] },
  { names: ['lua_ssl_conf_command'], contexts: STREAM_ANY, args: ['TAKE2'] },
];

function expand(module: string, entries: HandEntry[]): TableDirective[] {
  const out: TableDirective[] = [];
  for (const e of entries) {
    for (const name of e.names) {
      const d: TableDirective = { name, module, contexts: e.contexts, args: e.args, handler: '', thirdParty: true, handListed: true };
      if (e.block) d.block = true;
      out.push(d);
    }
  }
  return out;
}

/** Modules of the hand-listed directives, with the project that provides each. */
export const HAND_LISTED_MODULES: Readonly<Record<string, { type: string; project: string }>> = {
  ngx_http_js_module: { type: 'http', project: 'njs' },
  ngx_stream_js_module: { type: 'stream', project: 'njs' },
  ngx_stream_lua_module: { type: 'stream', project: 'stream-lua-nginx-module' },
};

/** Every hand-listed directive definition. */
export const HAND_LISTED_DIRECTIVES: readonly TableDirective[] = [
  ...expand('ngx_http_js_module', NJS_HTTP),
  ...expand('ngx_stream_js_module', NJS_STREAM),
  ...expand('ngx_stream_lua_module', STREAM_LUA),
];
