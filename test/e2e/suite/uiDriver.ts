import * as http from 'node:http';

/** A locator in the workbench page, as scripts/code-server-as-vscode.mjs's UI driver understands it. */
export interface UiTarget {
  /** CSS selector. */
  selector: string;
  /** Only elements containing this text. */
  hasText?: string;
  /** Search inside the first element matching this, instead of the whole page. */
  within?: { selector: string; hasText?: string };
  timeoutMs?: number;
}

/** Drives the workbench UI around the extension host (clicks a notification's button, waits for an element to go). */
export interface UiDriver {
  click(target: UiTarget): Promise<void>;
  waitFor(target: UiTarget & { state?: 'visible' | 'hidden' | 'attached' | 'detached' }): Promise<void>;
}

/**
 * The UI driver of the test run, when there is one: scripts/code-server-as-vscode.mjs serves it on loopback and passes
 * its URL as E2E_UI_DRIVER. Desktop VS Code (VSCODE_DESKTOP=1) has none.
 */
export function uiDriver(): UiDriver | undefined {
  const base = process.env.E2E_UI_DRIVER;
  if (!base) return undefined;
  const call = (action: string, body: unknown): Promise<void> => new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(`${base}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        if (res.statusCode === 200) resolve();
        else reject(new Error(`UI driver ${action} ${JSON.stringify(body)}: ${text}`));
      });
    });
    req.on('error', reject);
    req.end(data);
  });
  return { click: (target) => call('click', target), waitFor: (target) => call('waitFor', target) };
}
