#!/usr/bin/env bash
# Installs a Vulkan driver Dawn can use when the machine has none: Mesa's lavapipe (a CPU rasteriser)
# from bookworm-backports. Bookworm's own Mesa 22 is too old for Dawn; 25.x works. Needs root (apt).
# A machine with NVIDIA's driver, or Mesa >= 24 already, is left alone.
set -euo pipefail

icds() { ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/nvidia/share/vulkan/icd.d/*.json 2>/dev/null || true; }
mesa_version() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true; }

has_loader=$(ldconfig -p 2>/dev/null | grep -c 'libvulkan.so.1' || true)
nvidia_icd=$(icds | grep -c nvidia || true)
mesa=$(mesa_version)
if [ "$has_loader" -gt 0 ] && { [ "$nvidia_icd" -gt 0 ] || { [ -n "$mesa" ] && dpkg --compare-versions "$mesa" ge 24; }; }; then
  echo "setup-vulkan: Vulkan loader present; driver: ${mesa:+Mesa $mesa }$(icds | xargs -r -n1 basename | tr '\n' ' ')"
  exit 0
fi

. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
  echo "setup-vulkan: not Debian bookworm ($PRETTY_NAME); install a Vulkan driver (Mesa >= 24 lavapipe or a GPU driver) yourself" >&2
  exit 1
fi
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
echo "setup-vulkan: installing Mesa lavapipe from bookworm-backports"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
echo "setup-vulkan: installed Mesa $(mesa_version)"
