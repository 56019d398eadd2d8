// The probe's test lab: real nginx, a real `openssl ocsp` responder and misbehaving servers, all on loopback.
export { startNginx, type NginxInstance, type StartNginxOptions } from './nginx';
export { startOcspResponder, type OcspResponder, type OcspResponderOptions } from './ocspResponder';
export { tamperSignedData, writeOcspResponse } from './ocspFiles';
export { LAB_HOST, freeLoopbackPort, isLoopbackAddress, waitForPort } from './ports';
export { startRogueServer, type RogueBehaviour, type RogueServer } from './rogueServers';
export { resolverIsolationUnavailable, withIsolatedResolver, type CommandLine } from './isolatedResolver';
export { leafTls, openProbeLab, skipLab, tlsFiles, type CliRun, type LabProbe, type ProbeLab } from './harness';
