import type { Directive, Token } from '../parser/ast';
import type { RelatedLocation, Span } from '../diagnostics';
import { ownsPlaced, type HttpServer, type Placed } from './serverModel';

/** A directive from its name to its last argument (the `;` excluded). */
export function directiveSpan(d: Directive): Span {
  const last = d.args[d.args.length - 1] ?? d.nameToken;
  return { file: d.file, start: d.nameToken.start, end: last.end };
}

/** One token of a directive. */
export function tokenSpan(d: Directive, token: Token): Span {
  return { file: d.file, start: token.start, end: token.end };
}

/** The line of a server's own file where a placed directive shows: itself, or its include. */
export function anchorSpan(p: Placed): Span {
  return directiveSpan(p.anchor);
}

/** A related location pointing at the directive itself, when it lives behind an include. */
export function relatedIfIncluded(p: Placed, message: string): RelatedLocation[] {
  return p.anchor === p.directive ? [] : [{ ...directiveSpan(p.directive), message }];
}

/**
 * Where a file path set by a placed directive shows in the block's own file: the path argument
 * itself, or the path of the `include` that brings it in.
 */
export function pathSpan(p: Placed): Span {
  const token = p.anchor.args[0];
  return token ? tokenSpan(p.anchor, token) : directiveSpan(p.anchor);
}

/**
 * Where a finding about one server's use of a certificate goes: the certificate's path when the
 * server sets it, else the server's `server` keyword (an inherited `ssl_certificate` is shared by
 * every server, and each server's finding belongs to that server).
 */
export function serverPathSpan(server: HttpServer, p: Placed): Span {
  return ownsPlaced(server, p) ? pathSpan(p) : tokenSpan(server.directive, server.directive.nameToken);
}

/** The related location for serverPathSpan: the directive itself when the spot is elsewhere. */
export function serverPathRelated(server: HttpServer, p: Placed, message: string): RelatedLocation[] {
  const own = ownsPlaced(server, p);
  return own && p.anchor === p.directive ? [] : [{ ...directiveSpan(p.directive), message }];
}
