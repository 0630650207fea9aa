#!/usr/bin/env bash
# Installs what sclab needs to build, test, benchmark and run on Debian 12, and nothing it already has.
# Idempotent: a second run installs nothing and runs no `apt-get update`. Only apt-get and npm are used.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages, grouped by why we need them.
build=(cmake g++ make pkg-config libboost1.81-dev libboost-program-options1.81-dev libssl-dev nlohmann-json3-dev libsimdjson-dev
       libgtest-dev libgmock-dev liburing-dev)
fuzz=(clang libclang-rt-14-dev)
clients=(curl openssl awscli ca-certificates)
bench=(wrk nginx-light hyperfine bc)

wanted=("${build[@]}" "${fuzz[@]}" "${clients[@]}" "${bench[@]}")
# Node.js may come from another packaging (with its own npm); ask Debian for it only when absent.
command -v node >/dev/null || wanted+=(nodejs)
command -v npm >/dev/null || wanted+=(npm)

missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "install-deps: need root to install: ${missing[*]}" >&2
        exit 2
    fi
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # nginx-light's package starts a system nginx on port 80; the benchmark runs its own, so stop that one.
    if command -v service >/dev/null && service nginx status >/dev/null 2>&1; then service nginx stop >/dev/null 2>&1 || true; fi
else
    echo "install-deps: all Debian packages present"
fi

# wrangler, pinned, into the project's own folder (never global): the Cloudflare control-plane tests drive it.
wrangler_version=$(cat "$here/scripts/wrangler.version")
wrangler_dir="$here/third_party/wrangler"
if [[ ! -x "$wrangler_dir/node_modules/.bin/wrangler" ]] ||
   [[ "$(node -p "require('$wrangler_dir/node_modules/wrangler/package.json').version" 2>/dev/null)" != "$wrangler_version" ]]; then
    echo "install-deps: installing wrangler@$wrangler_version into third_party/wrangler"
    mkdir -p "$wrangler_dir"
    [[ -f "$wrangler_dir/package.json" ]] || echo '{"name":"sclab-wrangler","private":true}' > "$wrangler_dir/package.json"
    npm install --prefix "$wrangler_dir" --no-audit --no-fund --loglevel=error "wrangler@$wrangler_version" >/dev/null
else
    echo "install-deps: wrangler@$wrangler_version present"
fi
