import type { Rule } from './rule';
import { certificateChainIncomplete } from './certificate-chain-incomplete';
import { certificateChainOrder } from './certificate-chain-order';
import { certificateExpired } from './certificate-expired';
import { certificateExpiring } from './certificate-expiring';
import { certificateMissing } from './certificate-missing';
import { certificateNameMismatch } from './certificate-name-mismatch';
import { certificateNotYetValid } from './certificate-not-yet-valid';
import { certificateUnreadable } from './certificate-unreadable';
import { certificateVariablePath } from './certificate-variable-path';
import { duplicateDefaultServer } from './duplicate-default-server';
import { ecdhCurveFromDefaultServer } from './ecdh-curve-from-default-server';
import { mustStapleColdStart } from './must-staple-cold-start';
import { mustStapleWithoutStapling } from './must-staple-without-stapling';
import { protocolsFromDefaultServer } from './protocols-from-default-server';
import { resolverWithoutTimeout } from './resolver-without-timeout';
import { sessionSettingsFromDefaultServer } from './session-settings-from-default-server';
import { sessionTicketsMismatch } from './session-tickets-mismatch';
import { staplingFileExpiring } from './stapling-file-expiring';
import { staplingFileInvalid } from './stapling-file-invalid';
import { staplingMissing } from './stapling-missing';
import { staplingResponderInvalid } from './stapling-responder-invalid';
import { staplingVerifyWithoutTrust } from './stapling-verify-without-trust';
import { staplingWithoutOcspUrl } from './stapling-without-ocsp-url';
import { staplingWithoutResolver } from './stapling-without-resolver';

/** Every TLS rule, sorted by id (an explicit registry: no discovery, it survives bundling). */
export const RULES: readonly Rule[] = [
  certificateChainIncomplete,
  certificateChainOrder,
  certificateExpired,
  certificateExpiring,
  certificateMissing,
  certificateNameMismatch,
  certificateNotYetValid,
  certificateUnreadable,
  certificateVariablePath,
  duplicateDefaultServer,
  ecdhCurveFromDefaultServer,
  mustStapleColdStart,
  mustStapleWithoutStapling,
  protocolsFromDefaultServer,
  resolverWithoutTimeout,
  sessionSettingsFromDefaultServer,
  sessionTicketsMismatch,
  staplingFileExpiring,
  staplingFileInvalid,
  staplingMissing,
  staplingResponderInvalid,
  staplingVerifyWithoutTrust,
  staplingWithoutOcspUrl,
  staplingWithoutResolver,
];
