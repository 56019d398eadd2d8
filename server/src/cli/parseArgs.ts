/** A command-line mistake: reported with the usage text and exit code 2. */
export class UsageError extends Error {}

/** Parsed `--flag`, `--option value` / `--option=value` and positional arguments. */
export interface ParsedArgs {
  flags: Record<string, boolean>;
  options: Record<string, string | undefined>;
  positionals: string[];
}

/** Parses arguments against the known flags and options; unknown ones are usage errors. */
export function parseArgs(argv: string[], spec: { flags: string[]; options: string[] }): ParsedArgs {
  const out: ParsedArgs = { flags: {}, options: {}, positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { out.positionals.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('--') || a === '-') { out.positionals.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.flags[name] = true;
    } else if (spec.options.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      out.options[name] = value;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return out;
}
