// `check --nginx-t`: the real nginx -t run on each main config checked, its messages added to the
// findings (code nginx-t), as the editor's nginxTls.nginxTest does on save.
import { createNodeHost, sortAndDedupe, type ConfigDiagnostic, type ConfigTree } from '../service';
import { nginxTestCommand, testConfigWithNginx } from '../system/nginxTest';
import { UsageError, type ParsedArgs } from './parseArgs';

/** Flags and options this module reads (for parseArgs). */
export const NGINX_TEST_FLAGS = ['nginx-t'];
export const NGINX_TEST_OPTIONS = ['nginx-t-command'];

/** Usage lines of these options. */
export const NGINX_TEST_USAGE = `      --nginx-t         also run nginx -t on each main config and report what it says
                        (code nginx-t; runs nginx -t -q -e /dev/null [-g "pid /dev/null;"] -c MAIN)
      --nginx-t-command CMD  the nginx to run, with leading words (split at spaces, no shell),
                        e.g. "sudo -n /usr/sbin/nginx"; implies --nginx-t`;

/** Whether the arguments ask for nginx -t; throws UsageError where it cannot apply. */
export function wantsNginxTest(args: ParsedArgs): boolean {
  const wanted = args.flags['nginx-t'] === true || args.options['nginx-t-command'] !== undefined;
  if (wanted && args.options['nginx-T'] !== undefined) throw new UsageError('--nginx-t tests files on this machine: it cannot test an --nginx-T dump (run nginx -t on the server)');
  if (args.options['nginx-t-command'] !== undefined && args.options['nginx-t-command'].trim() === '') throw new UsageError('--nginx-t-command needs a command, e.g. "sudo -n nginx"');
  return wanted;
}

/**
 * Runs nginx -t on each tree whose main file is a main config (not a file checked alone in the
 * context it implies), and returns the findings with the text of every file they name, and the
 * runs that said nothing about the config (one line each, for stderr).
 */
export async function runNginxTests(args: ParsedArgs, trees: readonly ConfigTree[], textOf: (file: string) => string | undefined): Promise<{ diagnostics: ConfigDiagnostic[]; textOf: (file: string) => string | undefined; problems: string[] }> {
  const command = nginxTestCommand((args.options['nginx-t-command'] ?? '').split(/\s+/));
  const host = createNodeHost();
  const extra = new Map<string, string | undefined>();
  const withDisk = (file: string): string | undefined => {
    const known = textOf(file);
    if (known !== undefined) return known;
    if (!extra.has(file)) {
      const read = host.readFile(file);
      extra.set(file, read.kind === 'text' ? read.text : undefined);
    }
    return extra.get(file);
  };
  const diagnostics: ConfigDiagnostic[] = [];
  const problems: string[] = [];
  for (const tree of trees) {
    if (tree.rootContext.length > 0 || !tree.files.has(tree.mainFile)) continue;
    const run = await testConfigWithNginx(command, tree, withDisk);
    if (run.outcome.kind === 'unusable') problems.push(`${tree.mainFile}: ${run.outcome.message}`);
    else diagnostics.push(...run.outcome.diagnostics);
  }
  return { diagnostics: sortAndDedupe(diagnostics), textOf: withDisk, problems };
}
