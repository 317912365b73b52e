#!/usr/bin/env bash
# Installs what the real-editor end-to-end tests need:
#   - Debian packages: chromium (headless browser), ripgrep (seeds code-server's rg download),
#     neovim (second LSP client), libkrb5-dev pkg-config build-essential (code-server's native modules)
#   - code-server 4.100.3 (the newest release that runs on Node 20) in a cache directory outside the repo
#   - the extension's own npm dependencies (npm ci in client-vscode/, including playwright-core)
# Idempotent: a second run with everything present takes a second or two.
#
# Environment:
#   GEMINI_LSP_E2E_CACHE  where code-server is installed (default: $HOME/.cache/gemini-lsp-e2e)
#   SKIP_APT=1            do not touch apt (when the packages are provided otherwise)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
RG_CACHE_NAME=vscode-ripgrep-cache-1.15.11
RG_TARBALL=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${GEMINI_LSP_E2E_CACHE:-$HOME/.cache/gemini-lsp-e2e}"
t0=$(date +%s)

log() { printf '[install-test-deps] %s\n' "$*" >&2; }

# 1. apt packages
if [ "${SKIP_APT:-0}" != 1 ]; then
  need=()
  for pkg in chromium ripgrep neovim libkrb5-dev pkg-config build-essential; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
  done
  if [ ${#need[@]} -gt 0 ]; then
    log "apt-get install ${need[*]}"
    SUDO=""
    [ "$(id -u)" != 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    log "apt packages present"
  fi
fi

# 2. code-server, in a cache dir outside the repository
cs_dir="$cache/code-server-$CODE_SERVER_VERSION"
cs_bin="$cs_dir/node_modules/.bin/code-server"
if [ -x "$cs_bin" ] && [ -f "$cs_dir/.complete" ]; then
  log "code-server $CODE_SERVER_VERSION present in $cs_dir"
else
  log "installing code-server $CODE_SERVER_VERSION into $cs_dir (about 40 s)"
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir" "$cache/rgcache/$RG_CACHE_NAME"
  # @vscode/ripgrep downloads rg from GitHub at install time; hand it Debian's rg instead.
  rg_path="$(command -v rg)"
  tar czf "$cache/rgcache/$RG_CACHE_NAME/$RG_TARBALL" -C "$(dirname "$rg_path")" "$(basename "$rg_path")"
  (
    cd "$cs_dir"
    printf '{"name":"gemini-lsp-e2e-code-server","private":true,"version":"0.0.0"}\n' > package.json
    # --unsafe-perm: code-server's postinstall refuses to run as root without it.
    # npm_config_yes=true: node-pty's postinstall runs `npx node-gyp`, which an npmrc `yes=false` would cancel.
    TMPDIR="$cache/rgcache" npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm \
      "code-server@$CODE_SERVER_VERSION" > "$cache/code-server-install.log" 2>&1 \
      || { tail -40 "$cache/code-server-install.log" >&2; exit 1; }
  )
  "$cs_bin" --version >/dev/null
  touch "$cs_dir/.complete"
fi

# 3. the extension's npm dependencies (typescript, esbuild, vsce, playwright-core)
if [ ! -d "$here/node_modules/vscode-languageclient" ] || [ ! -d "$here/node_modules/playwright-core" ] \
   || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  log "npm ci in $here"
  (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
else
  log "client-vscode/node_modules up to date"
fi

log "done in $(( $(date +%s) - t0 )) s; code-server: $cs_bin"
