#!/usr/bin/env bash
# Installs what ser-gpu needs from the system when the machine lacks it (Debian bookworm; needs root):
# - a Vulkan driver Dawn can use: Mesa's lavapipe (a CPU rasteriser) from bookworm-backports. Bookworm's
#   own Mesa 22 is too old for Dawn; 25.x works. A machine with NVIDIA's driver or Mesa >= 24 is left alone.
# - a font for chart text (fonts-dejavu-core): resvg renders plots with the system's fonts.
# - with --browser: Debian's chromium, the headless browser of the web app's tests (test/web), when missing.
set -euo pipefail
with_browser=; [ "${1:-}" = --browser ] && with_browser=1
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { $SUDO apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  echo "setup-system: installing fonts-dejavu-core (chart text)"
  apt_install fonts-dejavu-core
fi

if [ -n "$with_browser" ] && ! command -v chromium >/dev/null 2>&1 && [ -z "${SER_GPU_CHROMIUM:-}" ]; then
  echo "setup-system: installing chromium (headless browser for the web app's tests)"
  apt_install chromium
fi

icds() { ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/nvidia/share/vulkan/icd.d/*.json 2>/dev/null || true; }
mesa_version() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true; }

has_loader=$(ldconfig -p 2>/dev/null | grep -c 'libvulkan.so.1' || true)
nvidia_icd=$(icds | grep -c nvidia || true)
mesa=$(mesa_version)
if [ "$has_loader" -gt 0 ] && { [ "$nvidia_icd" -gt 0 ] || { [ -n "$mesa" ] && dpkg --compare-versions "$mesa" ge 24; }; }; then
  echo "setup-system: Vulkan loader present; driver: ${mesa:+Mesa $mesa }$(icds | xargs -r -n1 basename | tr '\n' ' ')"
  exit 0
fi

. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
  echo "setup-system: not Debian bookworm ($PRETTY_NAME); install a Vulkan driver (Mesa >= 24 lavapipe or a GPU driver) yourself" >&2
  exit 1
fi
if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
echo "setup-system: installing Mesa lavapipe from bookworm-backports"
apt_updated=  # the backports list was just added
apt_install -t bookworm-backports mesa-vulkan-drivers libvulkan1
echo "setup-system: installed Mesa $(mesa_version)"
