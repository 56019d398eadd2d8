// expectationFromConfig: effective ssl_* settings of one server block, across includes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNodeHost } from '../../server/src/service/model/configHost';
import { loadConfig } from '../../server/src/service/model/loadConfig';
import { buildServerModel } from '../../server/src/service/model/serverModel';
import { chooseProbeServer, expectationFromConfig, probeServerAt, type ServerSelection } from '../../server/src/service/probe/expectationFromConfig';
import type { Span, ProbeExpectation } from '../../server/src/service/probe/types';

let dir: string;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function expect(mainFile: string, selection: ServerSelection = {}): ProbeExpectation {
  const model = buildServerModel(loadConfig(mainFile, { host: createNodeHost() }));
  const result = chooseProbeServer(model, selection);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return expectationFromConfig(model, result.chosen);
}

function textAt(location: Span | undefined): string {
  assert.ok(location);
  return fs.readFileSync(location.file, 'utf8').slice(location.start, location.end);
}

describe('expectationFromConfig', () => {
  let main: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-expect-'));
    main = write(
      'nginx.conf',
      `events {}
http {
    ssl_stapling on;
    ssl_session_cache shared:SSL:10m;
    ssl_protocols TLSv1.2 TLSv1.3;
    include sites/*.conf;
}
`,
    );
    write(
      'sites/a.conf',
      `server {
    listen 80;
    listen 8443 ssl;
    server_name a.test www.a.test;
    include snippets/a-tls.conf;
    ssl_protocols TLSv1.3;
    location / { return 204; }
}
server {
    listen 8443 ssl default_server;
    server_name *.wild.test;
    ssl_certificate /etc/ssl/wild.crt;
    ssl_certificate $ssl_server_name.crt;
    ssl_session_tickets off;
    ssl_stapling off;
}
server {
    listen 127.0.0.1:9443 ssl;
    listen [::1]:9443 ssl;
    server_name _ ~^regex\\.test$ port.test;
    ssl_certificate certs/rsa.crt;
    ssl_certificate certs/ecdsa.crt;
    ssl_session_cache none;
}
`,
    );
    write('snippets/a-tls.conf', 'ssl_certificate certs/a.crt;\nssl_stapling_verify on;\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('inherits from http {}, reads included files, resolves paths against the prefix', () => {
    const expectation = expect(main, { serverName: 'a.test' });
    assert.equal(expectation.serverName, 'a.test');
    assert.equal(expectation.port, 8443);
    assert.equal(expectation.staplingOn, true);
    assert.equal(expectation.staplingVerify, true);
    assert.deepEqual(expectation.certificateFiles, [path.join(dir, 'certs/a.crt')]);
    assert.deepEqual(expectation.protocols, ['TLSv1.3'], "the server's own directive replaces http's");
    assert.equal(expectation.sessionTickets, undefined);
    assert.equal(expectation.sessionCache, true);
    assert.equal(textAt(expectation.locations?.stapling), 'ssl_stapling on');
    assert.equal(textAt(expectation.locations?.certificateFiles?.[0]), 'ssl_certificate certs/a.crt');
    assert.equal(expectation.locations?.certificateFiles?.[0]?.file, path.join(dir, 'snippets/a-tls.conf'));
    assert.equal(textAt(expectation.locations?.listen), 'listen 8443 ssl');
    assert.equal(textAt(expectation.locations?.server), 'server');
  });

  test('names the default_server of the listen socket when it is another server', () => {
    const expectation = expect(main, { serverName: 'www.a.test' });
    assert.equal(expectation.defaultServerName, '*.wild.test');
    assert.equal(textAt(expectation.locations?.defaultServer), 'server');
  });

  test('wildcard server names match; certificate paths with variables are left out', () => {
    const expectation = expect(main, { serverName: 'x.wild.test' });
    assert.equal(expectation.staplingOn, false);
    assert.equal(expectation.sessionTickets, false);
    assert.deepEqual(expectation.certificateFiles, ['/etc/ssl/wild.crt']);
    assert.equal(expectation.defaultServerName, undefined, 'it is the default server itself');
  });

  test('several certificates, session cache none, address:port listens', () => {
    const expectation = expect(main, { serverName: 'port.test', port: 9443 });
    assert.equal(expectation.port, 9443);
    assert.deepEqual(expectation.certificateFiles, [path.join(dir, 'certs/rsa.crt'), path.join(dir, 'certs/ecdsa.crt')]);
    assert.equal(expectation.sessionCache, false);
  });

  test('without a name: the first TLS server with a plain server_name', () => {
    const expectation = expect(main);
    assert.equal(expectation.serverName, 'a.test');
  });

  test('explains when nothing matches', () => {
    const missing = chooseProbeServer(buildServerModel(loadConfig(main, { host: createNodeHost() })), { serverName: 'nope.test' });
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.reason, /no server block with an ssl listen has server_name nope\.test/);
    const plain = write('plain.conf', 'events {}\nhttp { server { listen 80; server_name plain.test; } }\n');
    const none = chooseProbeServer(buildServerModel(loadConfig(plain, { host: createNodeHost() })), {});
    assert.equal(none.ok, false);
  });

  test('a site file analysed alone (http context) works too', () => {
    const expectation = expect(path.join(dir, 'sites/a.conf'), { serverName: 'a.test' });
    assert.equal(expectation.staplingOn, undefined, 'no http {} above it');
    assert.equal(expectation.port, 8443);
  });

  describe('one name on two addresses (two server blocks)', () => {
    let twoAddresses: string;
    before(() => {
      twoAddresses = write(
        'two-addresses.conf',
        `events {}
http {
    server { listen 127.0.0.1:443 ssl; server_name shop.test; ssl_certificate one.crt; ssl_stapling on; }
    server { listen 127.0.0.2:443 ssl; server_name shop.test; ssl_certificate two.crt; }
}
`,
      );
    });

    test('the block the editor pinned by offset is the one compared, not the first with that name', () => {
      const model = buildServerModel(loadConfig(twoAddresses, { host: createNodeHost() }));
      const second = model.servers[1]!;
      const chosen = probeServerAt(model, twoAddresses, second.directive.start, 'shop.test', 443);
      assert.ok(chosen);
      const expectation = expectationFromConfig(model, chosen);
      assert.deepEqual(expectation.certificateFiles, [path.join(dir, 'two.crt')]);
      assert.equal(expectation.staplingOn, undefined);
      assert.equal(textAt(expectation.locations?.listen), 'listen 127.0.0.2:443 ssl');
    });

    test('the CLI selection by the address connected to, or by listen, picks the matching block', () => {
      assert.deepEqual(expect(twoAddresses, { serverName: 'shop.test', address: '127.0.0.2' }).certificateFiles, [path.join(dir, 'two.crt')]);
      assert.deepEqual(expect(twoAddresses, { serverName: 'shop.test', address: '127.0.0.2:443' }).certificateFiles, [path.join(dir, 'two.crt')]);
      assert.deepEqual(expect(twoAddresses, { serverName: 'shop.test', address: '127.0.0.1' }).certificateFiles, [path.join(dir, 'one.crt')]);
      assert.deepEqual(expect(twoAddresses, { serverName: 'shop.test' }).certificateFiles, [path.join(dir, 'one.crt')]);
      const model = buildServerModel(loadConfig(twoAddresses, { host: createNodeHost() }));
      assert.equal(chooseProbeServer(model, { serverName: 'shop.test', address: '127.0.0.3:443' }).ok, false);
    });

    test('a block on a wildcard address answers for an address no block names', () => {
      const wildcard = write('wildcard.conf', 'events {}\nhttp {\n    server { listen 443 ssl; server_name w.test; ssl_certificate w.crt; }\n}\n');
      assert.deepEqual(expect(wildcard, { serverName: 'w.test', address: '127.0.0.9' }).certificateFiles, [path.join(dir, 'w.crt')]);
    });
  });
});
