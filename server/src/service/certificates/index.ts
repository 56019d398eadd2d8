// Public API of the certificate file reader (pure library code: no vscode imports).
export { findChainOrderProblem, type ChainOrderProblem } from './chainOrder';
export { certificateCoversName } from './names';
export { MAX_CERTIFICATE_FILE_BYTES, clearCertificateCache, readCertificateData, readCertificateFile } from './readCertificateFile';
export type {
  CertificateFileError,
  CertificateFileErrorReason,
  CertificateFileOk,
  CertificateFileResult,
  CertificateInfo,
} from './types';
