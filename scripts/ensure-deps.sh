#!/usr/bin/env bash
# Installs the Debian packages SymmetryLab needs, only when missing.
# apt installs here sometimes fail once (a docker-clean hook removes downloaded .debs between
# dpkg calls) and pass when repeated, so each install is retried once.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq -o DPkg::Lock::Timeout=600 || $SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
# Another apt run (a second session on the machine) holds the dpkg lock: wait for it.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" \
  || $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}"
