#!/usr/bin/env bash
# Builds (once) the Debian 12 root filesystem the real-host test boots, and caches it:
# debootstrap a small base, then install the rest with apt (whose resolver handles
# virtual packages that debootstrap's does not). Usage: make-rootfs.sh CACHE_DIR
set -euo pipefail
cache=${1:?usage: make-rootfs.sh CACHE_DIR}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the image holds; a change here rebuilds the cache.
base="systemd-sysv,dbus,openssh-server,python3,python3-apt,iproute2,ca-certificates,apt-transport-https"
extra="locales cloud-init fail2ban chrony unattended-upgrades curl gnupg python3-systemd sudo procps nftables rsync cron"
stamp="$( (printf '%s\n%s\n' "$mirror" "$extra"; cat "$0") | sha256sum | cut -c1-16)"
image="$cache/debian12-$stamp"
if [ -f "$image/.complete" ]; then
  echo "$image"
  exit 0
fi
mkdir -p "$cache"
building="$(mktemp -d "$cache/.build-XXXXXX")"
trap 'umount -R "$building/proc" 2>/dev/null || true; rm -rf "$building"' EXIT
echo "building Debian 12 image in $building (about two minutes, once per machine)" >&2
debootstrap --variant=minbase --include="$base" bookworm "$building" "$mirror" >&2
printf '#!/bin/sh\nexit 101\n' > "$building/usr/sbin/policy-rc.d"
chmod 0755 "$building/usr/sbin/policy-rc.d"
mount -t proc proc "$building/proc"
chroot "$building" apt-get install -y -q --no-install-recommends $extra >&2
# Cloud images ship a generated en_US.UTF-8; cloud-init's locale module expects it.
sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' "$building/etc/locale.gen"
chroot "$building" locale-gen >&2
umount "$building/proc"
rm -f "$building/usr/sbin/policy-rc.d" "$building"/etc/ssh/ssh_host_*
chroot "$building" apt-get clean
# Only cloud-init's NoCloud source, and no network configuration: the test wires the
# container's address from outside, as Hetzner's network does for a server.
cat > "$building/etc/cloud/cloud.cfg.d/90-node-fleet-test.cfg" <<'CFG'
datasource_list: [NoCloud, None]
network: {config: disabled}
CFG
touch "$building/.complete"
rm -rf "$image"
mv "$building" "$image"
trap - EXIT
echo "$image"
