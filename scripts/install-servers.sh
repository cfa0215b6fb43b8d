#!/usr/bin/env bash
# Makes sure every real server and tool the interop suite (test/interop/) runs
# is installed, installing the missing Debian packages when it can.
#
# Runs as `npm test`'s pretest, so the common case — everything present — must
# cost nothing: a handful of `command -v` / `test -x` checks, no apt at all.
#
# When something is missing it runs `apt-get update` once and one
# `apt-get install`, with a policy-rc.d that forbids the packages' maintainer
# scripts from starting their system daemons (nginx on :80, vsftpd on :21,
# squid on :3128…); the harness always starts its own copies on free loopback
# ports. Any daemon that starts anyway is stopped afterwards.
#
# When it cannot install (not root, no apt, apt fails) it exits non-zero and
# prints the one command that does it.
set -euo pipefail

# check:package — every binary the interop suite uses (or, for a Python
# module, an absolute path it installs) and the Debian 12 package that ships it.
# pure-ftpd is not here: it Conflicts with vsftpd (both provide ftp-server);
# pyftpdlib is the second FTP server (and the one with MLSD).
REQUIRED=(
  nginx:nginx
  openssl:openssl
  curl:curl
  squid:squid
  danted:dante-server
  microsocks:microsocks
  vsftpd:vsftpd
  /usr/lib/python3/dist-packages/pyftpdlib/__init__.py:python3-pyftpdlib
  /usr/lib/python3/dist-packages/OpenSSL/__init__.py:python3-openssl
  gophernicus:gophernicus
  wrk:wrk
  dovecot:dovecot-core
  /usr/lib/dovecot/pop3:dovecot-pop3d
  exim4:exim4-daemon-light
  /usr/lib/news/bin/innd:inn2
)

# Daemons a package's maintainer script may start (process names).
DAEMONS=(nginx squid danted microsocks vsftpd pure-ftpd gophernicus inetd xinetd dovecot exim4 innd cron)

have() {
  case $1 in /*) test -e "$1"; return ;; esac
  command -v "$1" >/dev/null 2>&1 || test -x "/usr/sbin/$1" || test -x "/sbin/$1" || test -x "/usr/bin/$1"
}

missing=()
for entry in "${REQUIRED[@]}"; do
  bin=${entry%:*}
  pkg=${entry##*:}
  if ! have "$bin"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

# The one command that installs everything, for a human to run.
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"

cannot() {
  echo "install-servers: $1" >&2
  echo "install-servers: the interop suite needs: ${missing[*]}" >&2
  echo "install-servers: install them with:" >&2
  if [ "$(id -u)" -eq 0 ]; then
    echo "  $cmd" >&2
  else
    echo "  sudo sh -c '$cmd'" >&2
  fi
  exit 1
}

if [ "$(id -u)" -ne 0 ]; then
  cannot "not root, so cannot install the missing packages"
fi
if ! command -v apt-get >/dev/null 2>&1; then
  cannot "apt-get not found (this script knows Debian/Ubuntu only)"
fi

# Maintainer scripts write to /dev/null, exim4-config's under `set -C`, which
# refuses to overwrite a regular file: one left there by a program that
# renamed its output onto /dev/null fails the install half-way.
if [ ! -c /dev/null ]; then
  cannot "/dev/null is not the null device; restore it first: rm -f /dev/null && mknod -m 666 /dev/null c 1 3"
fi

echo "install-servers: installing ${missing[*]}" >&2

# Forbid service starts during the install (invoke-rc.d and deb-systemd-invoke
# both obey policy-rc.d); put back whatever policy-rc.d was there before.
POLICY=/usr/sbin/policy-rc.d
policy_backup=""
if [ -e "$POLICY" ]; then
  policy_backup=$(mktemp)
  cp -p "$POLICY" "$policy_backup"
fi
restore_policy() {
  if [ -n "$policy_backup" ]; then
    mv -f "$policy_backup" "$POLICY"
  else
    rm -f "$POLICY"
  fi
}
trap restore_policy EXIT
printf '#!/bin/sh\n# written by dialtone scripts/install-servers.sh for the length of one install\nexit 101\n' >"$POLICY"
chmod 0755 "$POLICY"

# Remember which daemons ran before, so only the ones the install started are stopped.
declare -A before=()
for d in "${DAEMONS[@]}"; do
  for pid in $(pgrep -x "$d" 2>/dev/null || true); do before[$pid]=1; done
done

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update; then
  cannot "apt-get update failed"
fi
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
  # inn2's postinst asks its /etc/news/inn.conf for paths, which fails on a
  # machine whose hostname has no domain (a container's "vm"); the harness
  # runs innd with its own inn.conf, so naming a domain here is enough.
  innconf=/etc/news/inn.conf
  if [ -f "$innconf" ] && ! /usr/lib/news/bin/innconfval pathdb >/dev/null 2>&1 \
      && grep -q '^#domain:' "$innconf"; then
    echo "install-servers: the hostname has no domain; setting domain: localdomain in $innconf for inn2" >&2
    sed -i 's/^#domain:.*/domain:                      localdomain/' "$innconf"
    dpkg --configure -a || cannot "dpkg --configure -a failed after the inn2 fix"
  else
    cannot "apt-get install failed"
  fi
fi

# Stop any daemon the install started despite the policy: TERM, then KILL
# whatever is still there after a few seconds.
started=()
for d in "${DAEMONS[@]}"; do
  for pid in $(pgrep -x "$d" 2>/dev/null || true); do
    if [ -z "${before[$pid]:-}" ]; then
      echo "install-servers: stopping $d (pid $pid), started by its package" >&2
      started+=("$pid")
      kill "$pid" 2>/dev/null || true
    fi
  done
done
if [ ${#started[@]} -ne 0 ]; then
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=0
    for pid in "${started[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.5
  done
  for pid in "${started[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
fi

# Check again: a package that installed but shipped no such binary is an error.
still=()
for entry in "${REQUIRED[@]}"; do
  bin=${entry%:*}
  have "$bin" || still+=("$bin (${entry##*:})")
done
if [ ${#still[@]} -ne 0 ]; then
  echo "install-servers: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "install-servers: done" >&2
