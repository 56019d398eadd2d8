import type { Rule } from './rule';
import { stapleFileFindings } from './support/stapleFile';

/** The ssl_stapling_file reaches its nextUpdate soon (within a tenth of nginxTls.certificateExpiryWarningDays, at least a day). */
export const staplingFileExpiring: Rule = {
  id: 'stapling-file-expiring',
  defaultSeverity: 'warning',
  summary: 'The ssl_stapling_file reaches its nextUpdate soon (within a tenth of nginxTls.certificateExpiryWarningDays, at least a day)',
  check(context) {
    return stapleFileFindings(context, 'expiring');
  },
};
