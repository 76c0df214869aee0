#!/usr/bin/env bash
# Builds (once) the panel test host: the base image of make-rootfs.sh plus Webmin and
# Virtualmin GPL from the pinned upstream tarballs, laid out as the pinned installer lays
# them out on a node (the webmin and webmin-virtual-server packages, configured by
# `virtualmin-config-system --bundle LAMP`, then the installer's "installed" marker).
# Cached as a second layer keyed by the base image, the tarballs' sums and this script.
# Never used on a real node. Usage: make-panel-rootfs.sh CACHE_DIR BASE_IMAGE VENDOR_DIR
set -euo pipefail
self="$(readlink -f "$0")"
cache=${1:?usage: make-panel-rootfs.sh CACHE_DIR BASE_IMAGE VENDOR_DIR}
base=${2:?usage: make-panel-rootfs.sh CACHE_DIR BASE_IMAGE VENDOR_DIR}
vendor=${3:?usage: make-panel-rootfs.sh CACHE_DIR BASE_IMAGE VENDOR_DIR}
webmin_version=2.660
virtualmin_version=8.1.0
config_version=8.1.6
tarballs="webmin-$webmin_version.tar.gz virtualmin-gpl-$virtualmin_version.tar.gz Virtualmin-Config-$config_version.tar.gz"
# Debian's packages for every service the LAMP bundle configures, Webmin's and
# Virtualmin-Config's Perl dependencies, and what building the two packages needs.
services="apache2 libapache2-mod-fcgid php-fpm php-cli php-mysql mariadb-server mariadb-client bind9 bind9-dnsutils
  postfix dovecot-imapd dovecot-pop3d proftpd-basic procmail sasl2-bin libsasl2-modules quota"
perl_deps="perl libnet-ssleay-perl openssl libauthen-pam-perl libpam-runtime libio-pty-perl unzip shared-mime-info
  libdigest-sha-perl libdatetime-perl libdatetime-timezone-perl libdatetime-locale-perl
  libencode-detect-perl libsocket6-perl html2text libdbi-perl libdbd-mysql-perl libdbd-mariadb-perl libjson-xs-perl
  liblog-log4perl-perl libtext-csv-perl libwww-perl libmail-spf-perl libio-socket-ssl-perl"
build_deps="fakeroot"

cd "$vendor"
for tarball in $tarballs; do
  grep -E "  $tarball\$" SHA256SUMS | sha256sum --quiet -c - >&2 \
    || { echo "make-panel-rootfs.sh: $vendor/$tarball does not match $vendor/SHA256SUMS; restore the vendor directory" >&2; exit 1; }
done
stamp="$( (basename "$base"; for t in $tarballs; do grep -E "  $t\$" SHA256SUMS; done; printf '%s\n%s\n' "$services" "$perl_deps"; cat "$self") | sha256sum | cut -c1-16)"
image="$cache/debian12-panel-$stamp"
if [ -f "$image/.complete" ]; then
  echo "$image"
  exit 0
fi
building="$(mktemp -d "$cache/.build-panel-XXXXXX")"
trap 'umount -R "$building/proc" 2>/dev/null || true; rm -rf "$building"' EXIT
trap 'exit 1' INT TERM
echo "building the panel image in $building (several minutes, once per machine and pin)" >&2
cp -a --reflink=auto "$base/." "$building/"
# The base image's directory is mktemp's 0700: as "/" it would lock out every service
# user (mariadb-install-db runs as mysql).
chmod 0755 "$building"
rm -f "$building/.complete"
work="$building/root/panel-build"
mkdir -p "$work"
for t in $tarballs; do tar -xzf "$t" -C "$work"; done

# Packages from Debian, with the network, services kept from starting in the chroot.
printf '#!/bin/sh\nexit 101\n' > "$building/usr/sbin/policy-rc.d"
chmod 0755 "$building/usr/sbin/policy-rc.d"
mount -t proc proc "$building/proc"
chroot "$building" debconf-set-selections <<'SEL'
postfix postfix/main_mailer_type select Internet Site
postfix postfix/mailname string localhost
SEL
chroot "$building" apt-get update -q >&2
chroot "$building" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  $services $perl_deps $build_deps >&2

# The two packages the installer takes from Virtualmin's repository, built from the
# sources with Webmin's own scripts (makedebian.pl, makemoduledeb.pl), uncompressed: they
# are unpacked once, into this image, and xz would take minutes.
mkdir -p "$work/webmin-$webmin_version/tarballs" "$work/webmin-$webmin_version/deb" "$work/webmin-$webmin_version/newkey/deb"
cp "$vendor/webmin-$webmin_version.tar.gz" "$work/webmin-$webmin_version/tarballs/"
chroot "$building" env DPKG_DEB_COMPRESSOR_TYPE=none sh -ec "
  cd /root/panel-build/webmin-$webmin_version
  perl makedebian.pl $webmin_version
  mkdir -p /root/panel-build/debs
  cp deb/webmin_${webmin_version}_all.deb /root/panel-build/debs/
  perl makemoduledeb.pl --deb-depends --licence GPL --email 'Virtualmin <packages@virtualmin.com>' \
    --target-dir /root/panel-build/debs --dir virtual-server /root/panel-build/virtualmin-gpl-$virtualmin_version $virtualmin_version
" >&2
umount "$building/proc"
rm -f "$building/usr/sbin/policy-rc.d"

# The rest runs in the booted image (services must run for the configuration), with no
# network but its loopback: install both packages, Virtualmin-Config as its Debian
# package lays it out, the LAMP bundle, then the installer's marker.
cat > "$work/install.sh" <<SCRIPT
#!/bin/sh
set -eu
cd /root/panel-build
dpkg -i debs/webmin_${webmin_version}_all.deb
dpkg -i debs/webmin-virtual-server_${virtualmin_version}_all.deb
cp -r Virtualmin-Config-$config_version/lib/Virtualmin /usr/share/perl5/
install -m 0755 Virtualmin-Config-$config_version/bin/virtualmin-config-system /usr/sbin/
virtualmin-config-system --bundle LAMP --log /root/virtualmin-install.log
touch /etc/webmin/virtual-server/installed-auto
SCRIPT
chmod 0700 "$work/install.sh"
cat > "$building/etc/systemd/system/node-fleet-panel-build.service" <<'UNIT'
[Unit]
Description=node-fleet: install Webmin and Virtualmin into the panel test image
After=network.target mariadb.service apache2.service postfix.service dovecot.service named.service proftpd.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c '/root/panel-build/install.sh >/root/panel-build/log 2>&1; echo $? >/root/panel-build/status'
ExecStartPost=/bin/systemctl --no-block poweroff
UNIT
ln -s /etc/systemd/system/node-fleet-panel-build.service "$building/etc/systemd/system/multi-user.target.wants/"
touch "$building/etc/cloud/cloud-init.disabled"
machine_id="$(cat "$building/etc/machine-id" 2>/dev/null || true)"
timeout 900 systemd-nspawn -q -b --register=no --keep-unit --private-network -D "$building" -M "nf-panel-build-$$" >/dev/null 2>&1 </dev/null || true
if [ "$(cat "$work/status" 2>/dev/null)" != 0 ]; then
  tail -n 40 "$work/log" >&2 || true
  echo "make-panel-rootfs.sh: installing Webmin and Virtualmin in the image failed (log above)" >&2
  exit 1
fi
rm -f "$building/etc/systemd/system/node-fleet-panel-build.service" \
  "$building/etc/systemd/system/multi-user.target.wants/node-fleet-panel-build.service" \
  "$building/etc/cloud/cloud-init.disabled" "$building"/etc/ssh/ssh_host_*
printf '%s' "$machine_id" > "$building/etc/machine-id"
rm -rf "$work" "$building/var/lib/cloud"
chroot "$building" apt-get clean
touch "$building/.complete"
rm -rf "$image"
mv "$building" "$image"
trap - EXIT
echo "$image"
