/** The shape of directives.json (written by scripts/generate-directives.ts, read by the server). */

/** How Debian's nginx package carries a module. */
export type ModuleBuild = 'static' | 'dynamic' | 'no' | 'separate-package';

/** A module of the table: its type, source file, and where its directives are documented. */
export interface TableModule {
  /** http, stream, mail, event, core or conf. */
  type: string;
  /** Source file the module is defined in, relative to its source tree. */
  source: string;
  /** Debian source package the module comes from. */
  package: string;
  /** Whether Debian's nginx builds it in, as a loadable module, not at all, or in another package. */
  build: ModuleBuild;
  /** Path of the module's page under https://nginx.org/en/docs/ (nginx's own modules only). */
  doc?: string;
  /** Set for modules that are not part of nginx (from Debian's libnginx-mod-* packages). */
  thirdParty?: true;
}

/** One module's definition of a directive (a name can have several: `server`, `listen`, `ssl_*`). */
export interface TableDirective {
  name: string;
  module: string;
  /** Context names: main, events, http, server, location, upstream, if-in-server, ... or `any`. */
  contexts: string[];
  /** Argument flags without NGX_CONF_: NOARGS, TAKE1..TAKE7, TAKE12, TAKE13, TAKE23, TAKE123, TAKE1234, 1MORE, 2MORE, FLAG, ANY. */
  args: string[];
  /** Written with a `{ ... }` block. */
  block?: true;
  /** The C function that handles it. */
  handler: string;
  /** The handler refuses a second use in the same block (nginx: `"X" directive is duplicate`). */
  single?: true;
  /** The names an enum or bitmask argument accepts. */
  values?: string[];
  /** What nginx's deprecation warning names as the replacement. */
  deprecated?: string;
  /** Absent from the base nginx version; first seen in this newer one. */
  from?: string;
  /** Present in the base nginx version, absent from this newer one. */
  goneIn?: string;
  thirdParty?: true;
  /** Typed by hand (handListed.ts), not extracted from a source package. */
  handListed?: true;
}

/** The generated file. */
export interface DirectiveTableFile {
  generatedBy: string;
  /** The nginx version the table is based on (src/core/nginx.h NGINX_VERSION). */
  nginxVersion: string;
  /** The Debian source package version it was extracted from. */
  debianVersion: string;
  /** Newer nginx sources whose extra directives are merged in (marked `from`). */
  newer: { nginxVersion: string; debianVersion: string }[];
  /** Debian's third-party module source packages that were extracted. */
  thirdPartyPackages: { package: string; debianVersion: string }[];
  modules: Record<string, TableModule>;
  directives: TableDirective[];
}
