import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { extractFile, classifyFlags } from '../../scripts/directives/extractCommands';
import { buildTable, debianVersionOf, docPathForModule, nginxVersionOf, type SourceTree } from '../../scripts/directives/buildTable';
import { TABLE_VERSIONS, acceptsCount, argumentShape, contextLabels, docUrl, lookupDirective, signature, suggestDirectiveNames } from '../../server/src/service/directives/directiveTable';
import { DESCRIPTIONS } from '../../server/src/service/directives/descriptions';
import { HAND_LISTED_DIRECTIVES } from '../../server/src/service/directives/handListed';
import type { DirectiveTableFile } from '../../server/src/service/directives/tableFormat';
import { BASE_SOURCE, DEFAULT_OUT, NEWER_SOURCES, THIRD_PARTY_SOURCES, defaultCacheDir, generate, unpackedTree } from '../../scripts/generate-directives';

/** A small module source in nginx's style (comments, #if, offsetof, a deprecation, enum values). */
const SAMPLE_C = `
static ngx_conf_deprecated_t  ngx_http_demo_deprecated = {
    ngx_conf_deprecated, "demo_old", "demo_new"
};

static ngx_conf_enum_t  ngx_http_demo_modes[] = {
    { ngx_string("off"), 0 },
    { ngx_string("on"), 1 },
    { ngx_string("optional"), 2 },
    { ngx_null_string, 0 }
};

static ngx_command_t  ngx_http_demo_commands[] = {

    { ngx_string("demo_flag"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_demo_conf_t, flag),
      NULL },

#if (NGX_HAVE_DEMO)
    /* a comment with { braces } and ngx_string("not_a_directive") */
    { ngx_string ("demo_list"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_HTTP_LIF_CONF
                        |NGX_CONF_TAKE12,
      ngx_conf_set_str_array_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_demo_conf_t, list),
      NULL },
#endif

    { ngx_string("demo_mode"),
      NGX_HTTP_LOC_CONF|NGX_HTTP_LMT_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_demo_conf_t, mode),
      &ngx_http_demo_modes },

    { ngx_string("demo_old"),
      NGX_HTTP_SRV_CONF|NGX_CONF_BLOCK|NGX_CONF_NOARGS,
      ngx_http_demo_block,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      &ngx_http_demo_deprecated },

      ngx_null_command
};

ngx_module_t  ngx_http_demo_module = {
    NGX_MODULE_V1,
    &ngx_http_demo_module_ctx,             /* module context */
    ngx_http_demo_commands,                /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NGX_MODULE_V1_PADDING
};

static char *
ngx_http_demo_block(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_demo_conf_t *dcf = conf;

    if (dcf->block) {
        return "is duplicate";
    }

    return NGX_CONF_OK;
}

char *
ngx_conf_set_flag_slot(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    if (*fp != NGX_CONF_UNSET) {
        return "is duplicate";
    }
    return NGX_CONF_OK;
}

char *
ngx_conf_set_str_array_slot(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    if (value[1].len == 0) {
        if (x) {
            return "is duplicate";
        }
    }
    return NGX_CONF_OK;
}
`;

test('the extractor reads ngx_command_t arrays, their module, handlers, values and deprecations', () => {
  const file = extractFile(SAMPLE_C);
  assert.deepEqual(file.modules.map((m) => [m.name, m.type, m.commands.map((c) => c.name)]), [
    ['ngx_http_demo_module', 'NGX_HTTP_MODULE', ['demo_flag', 'demo_list', 'demo_mode', 'demo_old']],
  ]);
  const list = file.modules[0].commands[1];
  assert.deepEqual(classifyFlags(list.flags), { contexts: ['http', 'server', 'location', 'if-in-location'], args: ['TAKE12'], block: false, unknown: [] });
  assert.deepEqual(file.valueLists.get('ngx_http_demo_modes'), ['off', 'on', 'optional']);
  assert.equal(file.deprecations.get('ngx_http_demo_deprecated'), 'demo_new');
  assert.equal(file.handlers.get('ngx_http_demo_block'), true);
  assert.equal(file.handlers.get('ngx_conf_set_flag_slot'), true);
  assert.equal(file.handlers.get('ngx_conf_set_str_array_slot'), false, 'a nested "is duplicate" depends on the arguments');
});

test('buildTable turns the sample into entries, and marks newer-only and removed directives', () => {
  const tree = (nginxVersion: string, text: string): SourceTree => ({
    package: 'nginx', debianVersion: `${nginxVersion}-1`, nginxVersion, files: [{ path: 'src/http/modules/ngx_http_demo_module.c', text }],
    debianRules: '--with-http_demo_module', autoOptions: '        --with-http_demo_module)        HTTP_DEMO=YES ;;\n',
  });
  const newer = SAMPLE_C.replace('"demo_flag"', '"demo_flag2"');
  const { table, warnings } = buildTable(tree('1.0.0', SAMPLE_C), [tree('2.0.0', newer)], [], 'test');
  assert.deepEqual(warnings, []);
  assert.equal(table.nginxVersion, '1.0.0');
  assert.deepEqual(table.modules.ngx_http_demo_module, { type: 'http', source: 'src/http/modules/ngx_http_demo_module.c', package: 'nginx', build: 'static', doc: 'http/ngx_http_demo_module.html' });
  const byName = new Map(table.directives.map((d) => [d.name, d]));
  assert.deepEqual(byName.get('demo_flag'), { name: 'demo_flag', module: 'ngx_http_demo_module', contexts: ['http', 'server'], args: ['FLAG'], handler: 'ngx_conf_set_flag_slot', single: true, goneIn: '2.0.0' });
  assert.deepEqual(byName.get('demo_flag2')?.from, '2.0.0');
  assert.deepEqual(byName.get('demo_mode'), { name: 'demo_mode', module: 'ngx_http_demo_module', contexts: ['location', 'limit_except'], args: ['TAKE1'], handler: 'ngx_conf_set_enum_slot', values: ['off', 'on', 'optional'] });
  assert.deepEqual(byName.get('demo_old'), { name: 'demo_old', module: 'ngx_http_demo_module', contexts: ['server'], args: ['NOARGS'], handler: 'ngx_http_demo_block', block: true, single: true, deprecated: 'demo_new' });
  assert.equal(byName.get('demo_list')?.single, undefined);
});

test('version helpers and documentation pages', () => {
  assert.equal(nginxVersionOf('#define NGINX_VERSION      "1.22.1"\n'), '1.22.1');
  assert.equal(debianVersionOf('nginx (1.22.1-9+deb12u9) bookworm-security; urgency=medium\n'), '1.22.1-9+deb12u9');
  assert.equal(docPathForModule('ngx_http_ssl_module', 'http'), 'http/ngx_http_ssl_module.html');
  assert.equal(docPathForModule('ngx_http_gzip_filter_module', 'http'), 'http/ngx_http_gzip_module.html');
  assert.equal(docPathForModule('ngx_http_upstream_keepalive_module', 'http'), 'http/ngx_http_upstream_module.html');
  assert.equal(docPathForModule('ngx_event_core_module', 'event'), 'ngx_core_module.html');
  assert.equal(docPathForModule('ngx_core_module', 'core'), 'ngx_core_module.html');
  assert.equal(docPathForModule('ngx_stream_ssl_module', 'stream'), 'stream/ngx_stream_ssl_module.html');
  assert.equal(docPathForModule('ngx_mail_ssl_module', 'mail'), 'mail/ngx_mail_ssl_module.html');
});

const committed = JSON.parse(fs.readFileSync(DEFAULT_OUT, 'utf8')) as DirectiveTableFile;

test('the committed table records the nginx and Debian versions the generator names', () => {
  assert.equal(committed.nginxVersion, '1.22.1');
  assert.equal(committed.debianVersion, BASE_SOURCE.version);
  assert.ok(committed.debianVersion.startsWith(`${committed.nginxVersion}-`));
  assert.deepEqual(committed.newer.map((n) => n.debianVersion), NEWER_SOURCES.map((s) => s.version));
  assert.deepEqual(committed.thirdPartyPackages.map((p) => `${p.package}=${p.debianVersion}`), THIRD_PARTY_SOURCES.map((s) => `${s.package}=${s.version}`));
  assert.equal(TABLE_VERSIONS.nginxVersion, committed.nginxVersion);
  assert.ok(committed.directives.length > 700);
});

test('well-known directives have nginx\'s contexts, argument counts and handlers', () => {
  const only = (name: string, module: string) => lookupDirective(name)!.variants.find((v) => v.def.module === module)!;
  const stapling = only('ssl_stapling', 'ngx_http_ssl_module');
  assert.deepEqual(stapling.def.contexts, ['http', 'server']);
  assert.deepEqual(stapling.def.args, ['FLAG']);
  assert.equal(stapling.def.single, true);
  assert.deepEqual(only('listen', 'ngx_http_core_module').def.contexts, ['server']);
  assert.deepEqual(only('resolver', 'ngx_http_core_module').def.contexts, ['http', 'server', 'location']);
  assert.deepEqual(only('ssl_protocols', 'ngx_http_ssl_module').def.values, ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
  assert.equal(only('ssl_certificate', 'ngx_http_ssl_module').def.single, undefined, 'str_array slots accept repeats');
  assert.deepEqual(only('include', 'ngx_conf_module').def.contexts, ['any']);
  assert.deepEqual(only('server', 'ngx_http_upstream_module').def.contexts, ['upstream']);
  assert.deepEqual(only('add_header', 'ngx_http_headers_filter_module').def.contexts, ['http', 'server', 'location', 'if-in-location']);
  assert.equal(only('ssl', 'ngx_http_ssl_module').def.deprecated, 'listen ... ssl');
  assert.equal(only('http2', 'ngx_http_v2_module').def.from, '1.26.3');
  assert.equal(only('content_by_lua_block', 'ngx_http_lua_module').def.thirdParty, true);
  assert.equal(only('more_set_headers', 'ngx_http_headers_more_filter_module').module.package, 'libnginx-mod-http-headers-more-filter');
  assert.equal(only('ssl_protocols', 'ngx_stream_ssl_module').module.build, 'dynamic');
  assert.equal(docUrl(stapling), 'https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_stapling');
  assert.equal(docUrl(only('worker_connections', 'ngx_event_core_module')), 'https://nginx.org/en/docs/ngx_core_module.html#worker_connections');
});

test('argument counts, shapes and context labels', () => {
  const v = (name: string) => lookupDirective(name)!.variants[0];
  assert.equal(acceptsCount(v('ssl_stapling'), 1), true);
  assert.equal(acceptsCount(v('ssl_stapling'), 2), false);
  assert.equal(acceptsCount(v('add_header'), 3), true);
  assert.equal(acceptsCount(v('add_header'), 1), false);
  assert.equal(signature(v('ssl_stapling').def), 'ssl_stapling on | off;');
  assert.equal(argumentShape(v('add_header').def), 'value value [value]');
  assert.equal(signature(v('events').def), 'events { ... }');
  assert.deepEqual(contextLabels(lookupDirective('ssl_stapling')!.contexts), ['http', 'server']);
});

test('near-miss suggestions', () => {
  assert.equal(suggestDirectiveNames('ssl_staple')[0].name, 'ssl_stapling');
  assert.equal(suggestDirectiveNames('proxy_passs')[0].name, 'proxy_pass');
  assert.equal(suggestDirectiveNames('ssl_certficate')[0].name, 'ssl_certificate');
  assert.deepEqual(suggestDirectiveNames('completely_unrelated_words'), []);
});

test('every TLS directive has our description; hand-listed entries are marked', () => {
  for (const d of committed.directives) {
    if (d.thirdParty || !/^(ssl_|resolver)|^(listen|server_name|ssl)$/.test(d.name)) continue;
    assert.ok(DESCRIPTIONS[d.name], `no description for ${d.name}`);
  }
  assert.ok(HAND_LISTED_DIRECTIVES.length > 20);
  for (const d of HAND_LISTED_DIRECTIVES) assert.ok(d.thirdParty && d.handListed, d.name);
  assert.ok(!committed.directives.some((d) => d.handListed), 'the generated file holds no hand-listed entry');
});

const cached = unpackedTree(defaultCacheDir(), BASE_SOURCE) && NEWER_SOURCES.concat(THIRD_PARTY_SOURCES).every((s) => unpackedTree(defaultCacheDir(), s));
test('reproducible: regenerating from the cached Debian sources gives the committed file byte for byte', { skip: cached ? false : `no apt-get source output in ${defaultCacheDir()} (scripts/generate-directives.ts --fetch)` }, () => {
  const { text } = generate(defaultCacheDir(), false);
  assert.equal(text, fs.readFileSync(DEFAULT_OUT, 'utf8'));
});

/** `nginx -V` output (it prints to stderr), or '' when nginx is not installed. */
function nginxV(): string {
  const r = spawnSync('nginx', ['-V'], { encoding: 'utf8' });
  return r.error ? '' : `${r.stdout}${r.stderr}`;
}

const installed = /nginx\/(\S+)/.exec(nginxV())?.[1];
test('the installed nginx (same version as the table) builds in the modules the table marks static', { skip: installed === committed.nginxVersion ? false : `installed nginx is ${installed ?? 'absent'}, table is ${committed.nginxVersion}` }, () => {
  const configure = nginxV();
  for (const m of configure.matchAll(/--with-(http_\w+_module)(=dynamic)?/g)) {
    const name = `ngx_${m[1]}`;
    const module = committed.modules[name] ?? committed.modules[name.replace(/_module$/, '_filter_module')];
    if (!module) continue;
    assert.equal(module.build, m[2] ? 'dynamic' : 'static', name);
  }
});
