/**
 * Exit codes of every command (a contract, for CI and cron): 0 nothing wrong; 1 an error finding
 * (check, probe), a file that would change (format --check) or a bad OCSP response (ocsp-fetch);
 * 2 a usage or I/O error.
 */
export const enum ExitCode {
  Clean = 0,
  Errors = 1,
  UsageOrIo = 2,
}
