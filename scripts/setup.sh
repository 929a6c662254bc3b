#!/usr/bin/env bash
# One command for a new bench host: system packages, npm packages (which
# build the rig), then the main job on the default simulated bench.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
npm ci --no-audit --no-fund
exec node bin/rig.js run plans/smoke.yaml
