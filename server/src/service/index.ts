// The language service's one door: everything the fronts (lsp/, cli/) use comes from here. The
// service takes text and settings and returns plain data; it never imports a transport or vscode.

export type { ConfigDiagnostic, Fix, RelatedLocation, Severity, Span, TextEdit } from './diagnostics';
export { sortAndDedupe } from './diagnostics';
export { allCodes, docsPathOf, type CodeInfo, type CodeOrigin } from './codes';
export { readCertificateFile, type CertificateInfo } from './certificates';
export { forgetFileReads, snapshotFileReads } from './fileSnapshot';
export { completeSettings, DEFAULT_ANALYSIS_SETTINGS, type AnalysisSettings } from './settings';
export { createReporter, type Reporter } from './report';
export { compareVersions } from './versions';
export { parseHostPort, type HostPort } from './hostPort';

export { AnalysisCache, analyzeFile, type FileAnalysis } from './analyzeFile';
export { analyzeTree } from './analyzeTree';
export { checkPaths, type CheckResult } from './checkPaths';
export { selectFixes, planFixes, applyEdits, type FixPlan, type FixSelection } from './fixes/applyFixes';
export { fixAll, wholeChangeEdit, MAX_FIX_ROUNDS, type FixAllResult } from './fixes/fixAll';

export { FilePositions, LineIndex, type Position, type Range } from './lineIndex';
export { createNodeHost, DEFAULT_MAX_FILE_SIZE, type ConfigHost } from './model/configHost';
export { treePositions, type ConfigTree } from './model/configTree';
export { loadConfig } from './model/loadConfig';
export { readRegularFile } from './model/readRegularFile';
export { createDumpHost } from './model/dumpHost';
export { parseNginxV, type NginxBuildInfo } from './model/nginxBuildInfo';
export { NGINX_TEST_CODE, parseNginxTestOutput, readNginxTestOutput, setsPidFile, type NginxTestMessage, type NginxTestOutcome } from './nginxTestOutput';
export { findDumpTruncation, parseNginxDump, type NginxDump } from './model/parseNginxDump';
export { loadConfigFor, TreeCache, treeReadFile } from './model/locateMainConfig';
export { ParseCache, DerivedParses } from './model/parseCache';
export { buildServerModel, type HttpServer, type ServerModel } from './model/serverModel';

export * from './features';

export { compareWithConfig } from './probe/compareWithConfig';
export * from './probe/expectationFromConfig';
export { createProbeReport, formatProbeReport, formatProbeTable, probeFindingsAsDiagnostics } from './probe/formatProbeReport';
export { renderProbeAllHtml, renderProbeReportHtml } from './probe/renderProbeReportHtml';
export type { ProbeExpectation, ProbeFinding, ProbeOptions, ProbeReport, ProbeTarget } from './probe/types';
export * from './format';
