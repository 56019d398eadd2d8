#!/usr/bin/env bash
# Installs code-server (the VS Code server + web workbench, from the npm registry) into .vscode-test/code-server,
# the stand-in for desktop VS Code in the end-to-end tests (see scripts/code-server-as-vscode.mjs).
# Needs Node 20 (code-server 4.90-4.100 require Node 20 exactly; 4.103+ need 22), python3 make g++ for node-gyp,
# and the Debian packages libkrb5-dev (kerberos addon), ripgrep (replaces @vscode/ripgrep's GitHub download)
# and chromium (the browser the tests drive).
set -euo pipefail
CS_VERSION=4.100.3            # Code 1.100.3
RG_PKG_VERSION=1.15.11        # @vscode/ripgrep pinned by code-server 4.100.3's lib/vscode/npm-shrinkwrap.json
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz   # the asset that version's postinstall looks for
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.vscode-test/code-server"
mkdir -p "$root/.vscode-test/tmp"
export XDG_CONFIG_HOME="$dir/xdg-config"   # else even `code-server --version` writes ~/.config/code-server/config.yaml
if [ -x "$dir/node_modules/.bin/code-server" ] && "$dir/node_modules/.bin/code-server" --version 2>/dev/null | grep -q "^$CS_VERSION "; then
  echo "code-server $CS_VERSION already installed"; exit 0
fi
missing=()
command -v rg >/dev/null || missing+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM:-}" ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing Debian packages: run  apt-get install -y ${missing[*]}" >&2; exit 1
fi
rm -rf "$dir" && mkdir -p "$dir/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION"
# @vscode/ripgrep's postinstall uses a tarball already in $TMPDIR/vscode-ripgrep-cache-<ver>/ instead of downloading.
tar czf "$dir/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION/$RG_ASSET" -C "$(dirname "$(command -v rg)")" rg
cd "$dir"
echo '{"name":"code-server-host","private":true}' > package.json
# unsafe_perm: postinstall.sh refuses to run as root without it; yes: node-pty's postinstall runs `npx node-gyp`,
# which an npmrc with yes=false would otherwise cancel.
TMPDIR="$dir/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" > "$dir/install.log" 2>&1 \
  || { tail -40 "$dir/install.log"; exit 1; }
rm -rf "$dir/tmp"
"$dir/node_modules/.bin/code-server" --version
