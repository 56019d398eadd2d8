import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../server/src/service/parser/parseConfig';
import { LineIndex } from '../../server/src/service/lineIndex';
import { findNginx, nginxTest } from '../support/nginxBinary';

/** Broken configs whose first syntax error a real `nginx -t` must report on the same line as we do. */
const CASES: Record<string, string> = {
  'missing semicolon before }': 'events {}\nhttp {\n  server {\n    return 204\n  }\n}\n',
  'extra closing brace': 'events {}\nhttp {\n  server { return 204; }\n}\n}\n',
  'missing closing brace': 'events {}\nhttp {\n  server {\n    return 204;\n\n',
  'eof inside a directive': 'events {}\nhttp {\n  server {\n    return 204',
  'stray semicolon': 'events {}\nhttp {\n  ;\n}\n',
  'nameless block': 'events {}\nhttp {\n  { }\n}\n',
  'text glued to a quoted string': 'events {}\nhttp {\n  server {\n    add_header X "a"b;\n  }\n}\n',
  'quoted then brace': 'events {}\nhttp {\n  server {\n    return 200 "x"}\n}\n',
  'block directive with semicolon': 'events {}\nhttp {\n  server;\n}\n',
  'nested block in map': 'events {}\nhttp {\n  map $uri $x {\n    default 0;\n    a { }\n  }\n}\n',
  'valid quoting and variables': 'events {}\nhttp {\n  server {\n    set $a "${uri}x";\n    add_header X a#b;\n    location ~* "\\.(png|gif)$" { return 204; }\n    if ($a = "b") { return 403; }\n  }\n}\n',
};

const nginx = findNginx();

test('the first syntax error is on the line nginx -t reports', { skip: nginx ? false : 'nginx is not installed (apt-get install nginx-light); CI installs it' }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-tls-parity-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { loadConfig } = await import('../../server/src/service/model/loadConfig');
  const { createNodeHost } = await import('../../server/src/service/model/configHost');
  const { analyzeTree } = await import('../../server/src/service/analyzeTree');
  for (const [name, text] of Object.entries(CASES)) {
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, text);
    const verdict = nginxTest(nginx!, dir, conf);
    const ours = analyzeTree(loadConfig(conf, { host: createNodeHost() }), {}).filter((d) => d.code === 'syntax-error');
    if (verdict.ok) {
      assert.deepEqual(ours, [], `${name}: nginx accepts it, we must too`);
      continue;
    }
    assert.ok(verdict.line, `${name}: nginx gave no line: ${verdict.output}`);
    assert.ok(ours.length > 0, `${name}: nginx says "${verdict.message}" at line ${verdict.line}, we found nothing`);
    const first = ours[0];
    const line = new LineIndex(text).positionAt(first.start).line + 1;
    assert.equal(line, verdict.line, `${name}: nginx "${verdict.message}" at ${verdict.line}, ours "${first.message}" at ${line}`);
    assert.ok(first.message.startsWith(verdict.message!.replace(/ in \S+$/, '')) || first.message.includes(verdict.message!),
      `${name}: our message "${first.message}" should carry nginx's "${verdict.message}"`);
  }
  assert.equal(parseConfig(CASES['valid quoting and variables'], '/x').problems.length, 0);
});
