#!/usr/bin/env bash
# Installs the Debian packages a command needs, only those missing (so a second run never waits on apt).
#   scripts/system-packages.sh run    WeasyPrint's libraries and fonts
#   scripts/system-packages.sh test   the above, plus PostgreSQL and Chromium for the test suite
set -euo pipefail
# Fonts: DejaVu for Latin, Hebrew and Arabic; Noto for other scripts and colour emoji; WenQuanYi
# Zen Hei for Chinese, Japanese and Korean (a twelfth the size of Noto CJK). A name or an answer in
# any of them prints, never as empty boxes.
packages=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji fonts-wqy-zenhei)
if [ "${1:-run}" = "test" ]; then
  packages+=(postgresql chromium poppler-utils)  # poppler-utils: pdftoppm, to look at PDFs as PNGs
fi
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
