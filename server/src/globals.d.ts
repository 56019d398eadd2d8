/** Defined as true by scripts/build.mjs: large, rarely used parts then live in bundles of their own. */
declare const NGINX_TLS_SPLIT: boolean;
