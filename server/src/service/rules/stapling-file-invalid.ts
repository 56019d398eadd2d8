import type { Rule } from './rule';
import { stapleFileFindings } from './support/stapleFile';

/** The ssl_stapling_file is missing, not an OCSP response, for another certificate, revoked or past its nextUpdate: nginx serves it as it is. */
export const staplingFileInvalid: Rule = {
  id: 'stapling-file-invalid',
  defaultSeverity: 'error',
  summary: 'The ssl_stapling_file is missing, not an OCSP response, for another certificate, revoked or past its nextUpdate: nginx serves it as it is',
  check(context) {
    return stapleFileFindings(context, 'invalid');
  },
};
