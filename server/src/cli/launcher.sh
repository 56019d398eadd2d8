#!/bin/sh
# nginx-tls: starts the CLI from its V8 startup snapshot when this node is the one `npm run build`
# made the snapshot with (path, size and time of the binary match cli-snapshot.node), else from
# cli.js. Same arguments, output and exit status either way; the snapshot saves compiling the
# bundle and building the directive table on every run.
# Follow the links (npm link, npm install -g) to the real dist/ folder; plain readlink is everywhere.
self=$0
folder() { case $1 in */*) echo "${1%/*}" ;; *) echo . ;; esac; }
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=$(folder "$self")/$link ;;
  esac
done
dir=$(folder "$self")
node=$(command -v node) || { echo 'nginx-tls: node is not on the PATH' >&2; exit 2; }
if [ -f "$dir/cli-snapshot.blob" ] && [ -f "$dir/cli-snapshot.node" ] && [ -z "$NGINX_TLS_NO_SNAPSHOT" ]; then
  real=$(readlink -f "$node" 2>/dev/null) && id=$(stat -c '%s:%Y' "$real" 2>/dev/null) && read -r built < "$dir/cli-snapshot.node"
  if [ "$real:$id" = "$built" ]; then
    exec "$node" --snapshot-blob "$dir/cli-snapshot.blob" -- "$@"
  fi
fi
exec "$node" "$dir/cli.js" "$@"
