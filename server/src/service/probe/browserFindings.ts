// What browsers make of the site: the certificate verdicts they show as error pages, Must-Staple
// on the first connection, addresses that disagree, and one verdict line per browser family.
import type {
  OtherCertificate,
  Span,
  AddressObservation,
  BrowserVerdict,
  ProbeExpectation,
  ProbeFinding,
  ProbeObservation,
  ServedCertificate,
} from './types';
import { TLS_PROTOCOL_NAMES } from './types';
import { finding } from './finding';

const DAY_MS = 24 * 60 * 60 * 1000;
const CERTIFICATE_PAGE_CODES = ['probe-certificate-expired', 'probe-certificate-not-yet-valid', 'probe-certificate-name-mismatch', 'probe-certificate-untrusted'];
/** As certificate-expiring's default (nginxTls.certificateExpiryWarningDays). */
const EXPIRY_WARNING_DAYS = 30;

/** The intermediate the server sends that issued the leaf (not a self-signed root): clients verify the leaf through it. */
function sentIntermediate(chain: readonly ServedCertificate[]): ServedCertificate | undefined {
  const leaf = chain[0];
  return leaf && chain.slice(1).find((c) => c.subject === leaf.issuer && c.subject !== c.issuer);
}

/** Expired, not yet valid, wrong name, no path to a trusted root, or a chain missing an intermediate. */
export function certificateVerdicts(observation: ProbeObservation, expectation: ProbeExpectation | undefined): ProbeFinding[] {
  const certificate = observation.certificate;
  const leaf = certificate?.chain[0];
  if (!certificate || !leaf) return [];
  const now = Date.parse(observation.startedAt);
  const configLocation = expectation?.locations?.certificateFiles?.[0] ?? expectation?.locations?.server;
  const findings: ProbeFinding[] = [];
  const notAfter = Date.parse(leaf.notAfter);
  const notBefore = Date.parse(leaf.notBefore);
  if (notAfter < now) {
    findings.push(
      finding('probe-certificate-expired', `The certificate served expired on ${leaf.notAfter.slice(0, 10)}: Chrome shows NET::ERR_CERT_DATE_INVALID, Firefox SEC_ERROR_EXPIRED_CERTIFICATE, Safari "This Connection Is Not Private".`, {
        expected: 'a certificate valid now (renew it and reload nginx)',
        observed: `notAfter ${leaf.notAfter}, ${Math.floor((now - notAfter) / DAY_MS)} day(s) ago (${leaf.subject})`,
        configLocation,
      }),
    );
  }
  if (notBefore > now) {
    findings.push(
      finding('probe-certificate-not-yet-valid', `The certificate served is not valid before ${leaf.notBefore}: Chrome shows NET::ERR_CERT_DATE_INVALID, Firefox MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE.`, {
        expected: 'a certificate valid now (check the clock of the machine that issued it, or of this one)',
        observed: `notBefore ${leaf.notBefore} (${leaf.subject})`,
        configLocation,
      }),
    );
  }
  const intermediate = sentIntermediate(certificate.chain);
  if (intermediate && notAfter >= now && notBefore <= now) {
    if (Date.parse(intermediate.notAfter) < now) {
      findings.push(
        finding('probe-certificate-expired', `The intermediate certificate "${intermediate.subject}" the server sends expired on ${intermediate.notAfter.slice(0, 10)}: clients that build the chain through it refuse the site (Chrome NET::ERR_CERT_DATE_INVALID, Firefox SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE, curl and OpenSSL "certificate has expired") unless they hold a current copy of it.`, {
          expected: "the CA's current intermediate in the ssl_certificate file",
          observed: `intermediate notAfter ${intermediate.notAfter}, ${Math.floor((now - Date.parse(intermediate.notAfter)) / DAY_MS)} day(s) ago; the certificate itself is valid until ${leaf.notAfter.slice(0, 10)}`,
          configLocation,
        }),
      );
    } else if (Date.parse(intermediate.notBefore) > now) {
      findings.push(
        finding('probe-certificate-not-yet-valid', `The intermediate certificate "${intermediate.subject}" the server sends is not valid before ${intermediate.notBefore}: clients that build the chain through it refuse the site (Chrome NET::ERR_CERT_DATE_INVALID, Firefox MOZILLA_PKIX_ERROR_NOT_YET_VALID_ISSUER_CERTIFICATE).`, {
          expected: "the CA's current intermediate in the ssl_certificate file",
          observed: `intermediate notBefore ${intermediate.notBefore}`,
          configLocation,
        }),
      );
    }
  }
  const ending = [leaf, ...(intermediate ? [intermediate] : [])].find((c) => Date.parse(c.notAfter) >= now && Date.parse(c.notAfter) - now <= EXPIRY_WARNING_DAYS * DAY_MS);
  if (ending && notAfter >= now && notBefore <= now && !findings.length) {
    const which = ending === leaf ? 'The certificate served' : `The intermediate certificate "${ending.subject}" the server sends`;
    findings.push(
      finding('probe-certificate-expiring', `${which} expires on ${ending.notAfter.slice(0, 10)}, in ${Math.max(0, Math.floor((Date.parse(ending.notAfter) - now) / DAY_MS))} day(s): from then on browsers refuse the site.`, {
        expected: `a certificate chain valid for more than ${EXPIRY_WARNING_DAYS} days (renewal runs 30 days ahead; reload nginx after it)`,
        observed: `notAfter ${ending.notAfter} (${ending.subject})`,
        configLocation,
      }),
    );
  }
  if (!certificate.coversServerName) {
    findings.push(
      finding('probe-certificate-name-mismatch', `The certificate served does not cover ${observation.target.serverName}: Chrome shows NET::ERR_CERT_COMMON_NAME_INVALID, Firefox SSL_ERROR_BAD_CERT_DOMAIN.`, {
        expected: `${observation.target.serverName} among the certificate's subjectAltName entries`,
        observed: nameMismatchDetail(leaf, observation.target.serverName),
        configLocation,
      }),
    );
  }
  const path = certificate.path;
  if (path && !path.trustedRoot && (path.complete || path.lastIsCa)) {
    findings.push(
      finding('probe-certificate-untrusted', 'No path from the certificate served to a trusted root: Chrome shows NET::ERR_CERT_AUTHORITY_INVALID, Firefox SEC_ERROR_UNKNOWN_ISSUER.', {
        expected: 'a chain ending at a root of the system store (or of --ca / nginxTls.probe.caFile for a private CA)',
        observed: path.selfSigned
          ? `the chain ends at a self-signed certificate that is not a trusted root (${certificate.chain.at(-1)?.subject ?? leaf.subject})`
          : `the chain ends at ${certificate.chain.at(-1)?.subject ?? leaf.subject}, issued by ${path.missingIssuer ?? 'an unknown CA'}, which is not a trusted root`,
        configLocation,
      }),
    );
  } else if (path && !path.complete) {
    findings.push(
      finding('probe-chain-incomplete', `The server does not send the intermediate certificate "${path.missingIssuer ?? 'unknown'}": ${incompleteChainClients(path.caIssuersUrl)}`, {
        expected: 'the leaf followed by its intermediate certificate(s) in the ssl_certificate file (e.g. fullchain.pem, not cert.pem)',
        observed: `${certificate.chain.length} certificate(s) served; the issuer of ${certificate.chain.at(-1)?.subject ?? leaf.subject} ("${path.missingIssuer ?? 'unknown'}") is missing${path.missingIssuerFoundIn === 'ca' ? ' (found in the --ca file: that is how the probe completed the path)' : ''}`,
        configLocation,
      }),
    );
  }
  const explained = findings.some((f) => CERTIFICATE_PAGE_CODES.includes(f.code) || f.code === 'probe-chain-incomplete');
  if (certificate.trusted === false && !explained) {
    findings.push(
      finding('probe-certificate-untrusted', `The served chain does not verify (${certificate.trustError ?? 'verification failed'}): browsers refuse the site.`, {
        expected: 'a chain that verifies from the certificate to a trusted root (dates, names, signatures, key usages)',
        observed: `a TLS client that verifies the chain fails with ${certificate.trustError ?? 'an error'}`,
        configLocation,
      }),
    );
  }
  findings.push(...otherCertificateFindings(certificate.others ?? [], observation.target.serverName, now, configLocation));
  const revoked = observation.ocspResponder?.http?.response;
  if (revoked?.certStatus === 'revoked' && revoked.forCertificate !== false && revoked.signature !== 'invalid' && revoked.signature !== 'untrusted-signer') {
    findings.push(
      finding('probe-certificate-revoked', `The certificate served is revoked${revoked.revocationTime ? ` (since ${revoked.revocationTime})` : ''}, says its CA's OCSP responder: Firefox refuses it (SEC_ERROR_REVOKED_CERTIFICATE: CRLite for public CAs), Safari too; Chrome only for revocations in its CRLSet; nginx never staples a revoked status.`, {
        expected: 'a certificate that is not revoked (get a new one and reload nginx)',
        observed: `OCSP status revoked from ${observation.ocspResponder?.url ?? 'the responder'}${revoked.revocationTime ? `, revocation time ${revoked.revocationTime}` : ''}`,
        configLocation,
      }),
    );
  }
  return findings;
}

/** Who gets a certificate served to clients that offer one kind of key only. */
function whoGets(offered: OtherCertificate['offered']): string {
  return offered === 'RSA'
    ? 'clients that offer only RSA signatures (older clients, some API clients and appliances)'
    : 'clients that offer only ECDSA signatures';
}

/**
 * The server's other certificate for the name (RSA beside ECDSA, or the other way round): its
 * dates and names, as for the main one; browsers get the main one, so their verdicts stay.
 */
function otherCertificateFindings(others: readonly OtherCertificate[], serverName: string, now: number, configLocation: Span | undefined): ProbeFinding[] {
  const findings: ProbeFinding[] = [];
  for (const other of others) {
    const leaf = other.chain[0];
    if (!leaf) continue;
    const problems: string[] = [];
    if (Date.parse(leaf.notAfter) < now) problems.push(`expired on ${leaf.notAfter.slice(0, 10)}`);
    if (Date.parse(leaf.notBefore) > now) problems.push(`is not valid before ${leaf.notBefore}`);
    if (!other.coversServerName) problems.push(`does not cover ${serverName}`);
    const described = `${leaf.subject} (SHA-256 ${leaf.sha256Fingerprint.slice(0, 16)}…, valid ${leaf.notBefore.slice(0, 10)} to ${leaf.notAfter.slice(0, 10)})`;
    if (problems.length > 0) {
      findings.push(
        finding('probe-other-certificate-invalid', `The ${other.offered} certificate the server sends to ${whoGets(other.offered)} ${problems.join(' and ')}: those clients refuse the connection (curl and OpenSSL: certificate verify failed), while browsers get the other certificate.`, {
          expected: `a valid ${other.offered} certificate for ${serverName} (each ssl_certificate of the block renewed)`,
          observed: `with ${other.offered} signatures only, the server sends ${described}`,
          configLocation,
        }),
      );
      continue;
    }
    const left = Date.parse(leaf.notAfter) - now;
    if (left <= EXPIRY_WARNING_DAYS * DAY_MS) {
      findings.push(
        finding('probe-certificate-expiring', `The ${other.offered} certificate the server sends to ${whoGets(other.offered)} expires on ${leaf.notAfter.slice(0, 10)}, in ${Math.max(0, Math.floor(left / DAY_MS))} day(s).`, {
          expected: `each certificate of the block valid for more than ${EXPIRY_WARNING_DAYS} days`,
          observed: `with ${other.offered} signatures only, the server sends ${described}`,
          configLocation,
        }),
      );
    }
  }
  return findings;
}

function nameMismatchDetail(leaf: ServedCertificate, serverName: string): string {
  const names = [...leaf.dnsNames, ...leaf.ipAddresses];
  const listed = `subjectAltName: ${names.length > 0 ? names.join(', ') : '(none)'}`;
  if (names.length === 0 && leaf.commonName !== undefined) return `${listed}; only the subject CN "${leaf.commonName}" names a host, and browsers ignore the CN`;
  if (/^[\d.]+$|:/.test(serverName) && leaf.ipAddresses.length === 0) return `${listed}; an IP address is covered only by an iPAddress SAN`;
  return listed;
}

function incompleteChainClients(caIssuersUrl: string | undefined): string {
  const fetchers = caIssuersUrl
    ? `Chrome, Edge and Safari fetch it from the certificate's CA Issuers URL (${caIssuersUrl}) and work`
    : 'the certificate has no CA Issuers URL, so Chrome and Safari cannot fetch it and show NET::ERR_CERT_AUTHORITY_INVALID unless they have it cached';
  return `${fetchers}; Firefox works only when it has the intermediate cached or preloaded, else SEC_ERROR_UNKNOWN_ISSUER; curl, OpenSSL, Python, Java and most apps fail with "unable to get local issuer certificate".`;
}

/** A Must-Staple certificate whose staple arrived only after the first handshake. */
export function coldStartFindings(observation: ProbeObservation, expectation: ProbeExpectation | undefined): ProbeFinding[] {
  const leaf = observation.certificate?.chain[0];
  const stapling = observation.stapling;
  if (!leaf?.mustStaple || !stapling?.stapled || stapling.firstHandshake?.stapled !== false) return [];
  return [
    finding(
      'probe-must-staple-cold-start',
      'The certificate is OCSP Must-Staple and the first handshake carried no staple: after each nginx start or reload, Firefox refuses the first connections (MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING) until every worker has fetched the OCSP response; Chrome does not enforce Must-Staple.',
      {
        expected: 'a staple from the first handshake on (ssl_stapling_file, or a request with status_request to every worker right after each reload)',
        observed: `first handshake without a staple; stapled from handshake ${stapling.firstStapleAt ?? '?'} of ${stapling.handshakes} (nginx fetches the response lazily, per worker)`,
        configLocation: expectation?.locations?.stapling ?? expectation?.locations?.certificateFiles?.[0] ?? expectation?.locations?.server,
      },
    ),
  ];
}

/** The name's addresses serve different certificates, staples or protocol sets, or some do not answer. */
export function addressFindings(observation: ProbeObservation, expectation: ProbeExpectation | undefined): ProbeFinding[] {
  const addresses = observation.addresses ?? [];
  const main = addresses.find((entry) => entry.address === observation.target.address);
  if (addresses.length < 2 || !main) return [];
  const differences = addresses.filter((entry) => entry !== main).flatMap((entry) => addressDifferences(main, entry));
  if (differences.length === 0) return [];
  return [
    finding('probe-addresses-differ', `The addresses of ${observation.target.connectHost} do not serve the same site: each browser connection gets one or the other.`, {
      expected: `the same certificate, staple and TLS versions on every address (${addresses.map((entry) => entry.address).join(', ')})`,
      observed: differences.join('; '),
      configLocation: expectation?.locations?.listen ?? expectation?.locations?.server,
    }),
  ];
}

function addressDifferences(main: AddressObservation, other: AddressObservation): string[] {
  if (!other.certificate) return [`${other.address}: ${other.connectFailure ? `${other.connectFailure.step} failed: ${other.connectFailure.reason}` : 'no handshake'} (${main.address} answers)`];
  const differences: string[] = [];
  const [mainLeaf, otherLeaf] = [main.certificate?.chain[0], other.certificate.chain[0]];
  if (mainLeaf && otherLeaf && mainLeaf.sha256Fingerprint !== otherLeaf.sha256Fingerprint) {
    differences.push(`${other.address} serves ${describeLeaf(otherLeaf)}, ${main.address} serves ${describeLeaf(mainLeaf)}`);
  }
  if (main.stapling && other.stapling && main.stapling.stapled !== other.stapling.stapled) {
    differences.push(`${other.address} ${other.stapling.stapled ? 'staples' : 'sends no staple'}, ${main.address} ${main.stapling.stapled ? 'staples' : 'does not'}`);
  }
  if (main.protocols && other.protocols) {
    const accepted = (entry: AddressObservation): string => TLS_PROTOCOL_NAMES.filter((version) => entry.protocols?.[version].result === 'accepted').join(' ') || 'none';
    if (accepted(main) !== accepted(other)) differences.push(`${other.address} accepts ${accepted(other)}, ${main.address} accepts ${accepted(main)}`);
  }
  return differences;
}

function describeLeaf(leaf: ServedCertificate): string {
  return `${leaf.subject} (SHA-256 ${leaf.sha256Fingerprint.slice(0, 16)}…, valid until ${leaf.notAfter.slice(0, 10)})`;
}

/** One line per browser family, from the findings: works, or refuses and why. */
export function browserVerdicts(observation: ProbeObservation, findings: readonly ProbeFinding[]): BrowserVerdict[] {
  const has = (code: string): boolean => findings.some((entry) => entry.code === code);
  const pageCode = CERTIFICATE_PAGE_CODES.find(has);
  const connect = has('probe-connect-failed');
  const refusal = (chrome: string, firefox: string): { chrome: string; firefox: string } | undefined => (connect || pageCode ? { chrome, firefox } : undefined);
  const leaf = observation.certificate?.chain[0];
  const now = Date.parse(observation.startedAt);
  // A date page code with a current leaf is about the intermediate.
  const ofIssuer = leaf !== undefined && Date.parse(leaf.notAfter) >= now && Date.parse(leaf.notBefore) <= now;
  const pages = refusal(chromePage(pageCode, connect), firefoxPage(pageCode, connect, ofIssuer));
  const incomplete = has('probe-chain-incomplete');
  const revoked = has('probe-certificate-revoked');
  const badStaple = has('probe-stapled-response-bad');
  const fetchable = observation.certificate?.path?.caIssuersUrl !== undefined;
  const chrome: BrowserVerdict = pages
    ? { browser: 'Chrome', works: false, why: pages.chrome }
    : incomplete && !fetchable
      ? { browser: 'Chrome', works: false, why: 'NET::ERR_CERT_AUTHORITY_INVALID: an intermediate is missing and the certificate names no CA Issuers URL to fetch it from' }
      : { browser: 'Chrome', works: true, ...(incomplete ? { why: 'fetches the missing intermediate from the CA Issuers URL' } : revoked ? { why: 'unless the revocation is in its CRLSet (mostly high-profile revocations)' } : {}) };
  const firefox: BrowserVerdict = pages
    ? { browser: 'Firefox', works: false, why: pages.firefox }
    : revoked
      ? { browser: 'Firefox', works: false, why: 'SEC_ERROR_REVOKED_CERTIFICATE (it learns revocations of publicly trusted certificates through CRLite)' }
    : badStaple
      ? { browser: 'Firefox', works: false, why: 'refuses the stapled response (SEC_ERROR_OCSP_OLD_RESPONSE, MOZILLA_PKIX_ERROR_OCSP_RESPONSE_FOR_CERT_MISSING or SEC_ERROR_REVOKED_CERTIFICATE, as the response is)' }
    : has('probe-must-staple-violated')
      ? { browser: 'Firefox', works: false, why: 'MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING: Must-Staple certificate without a staple' }
      : incomplete
        ? { browser: 'Firefox', works: false, why: 'SEC_ERROR_UNKNOWN_ISSUER unless the missing intermediate is cached or preloaded' }
        : { browser: 'Firefox', works: true, ...(has('probe-must-staple-cold-start') ? { why: 'but refuses the first connections after each nginx reload (MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING)' } : {}) };
  const safari: BrowserVerdict = pages
    ? { browser: 'Safari', works: false, why: connect ? 'cannot connect' : '"This Connection Is Not Private"' }
    : revoked
      ? { browser: 'Safari', works: false, why: '"This Connection Is Not Private": the certificate is revoked' }
    : incomplete && !fetchable
      ? { browser: 'Safari', works: false, why: '"This Connection Is Not Private": an intermediate is missing and cannot be fetched' }
      : { browser: 'Safari', works: true };
  return [chrome, firefox, safari];
}

function chromePage(code: string | undefined, connect: boolean): string {
  if (connect) return 'cannot connect (ERR_CONNECTION_* or ERR_SSL_PROTOCOL_ERROR)';
  if (code === 'probe-certificate-name-mismatch') return 'NET::ERR_CERT_COMMON_NAME_INVALID';
  if (code === 'probe-certificate-untrusted') return 'NET::ERR_CERT_AUTHORITY_INVALID';
  return 'NET::ERR_CERT_DATE_INVALID';
}

function firefoxPage(code: string | undefined, connect: boolean, ofIssuer: boolean): string {
  if (connect) return 'cannot connect (PR_CONNECT_RESET_ERROR or SSL_ERROR_*)';
  if (code === 'probe-certificate-name-mismatch') return 'SSL_ERROR_BAD_CERT_DOMAIN';
  if (code === 'probe-certificate-untrusted') return 'SEC_ERROR_UNKNOWN_ISSUER';
  if (code === 'probe-certificate-not-yet-valid') return ofIssuer ? 'MOZILLA_PKIX_ERROR_NOT_YET_VALID_ISSUER_CERTIFICATE' : 'MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE';
  return ofIssuer ? 'SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE' : 'SEC_ERROR_EXPIRED_CERTIFICATE';
}
