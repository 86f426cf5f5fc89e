#!/usr/bin/env bash
# Base images from Debian packages, no registry: debootstrap --variant=minbase with the packages in
# bases/NAME.packages, trimmed (docs, man pages, locales, apt lists, CA bundles), imported as
# leap/base-NAME:HASH, HASH = sha256 of this script + the package list + the suite. A base whose tag
# exists is not built again; .state/images/bases/NAME-HASH.tar.zst keeps the rootfs, so a wiped engine
# re-imports in seconds instead of bootstrapping again.
# Usage: bases.sh [NAME...]   (default: all); prints "NAME leap/base-NAME:HASH" per base.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
IMAGES="$ROOT/deploy/images"
CACHE="$STATE/images/bases"
SUITE=bookworm
DOCKER=/usr/bin/docker
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock" && flock 9   # one bootstrap at a time (make images and a test may both ask)

mirror() {   # the Debian mirror apt already uses
  local m
  m=$(grep -rhoE '^(URIs:|deb) +http[^ ]*debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
      | grep -v security | head -n1 | awk '{print $2}') || true
  echo "${m:-http://deb.debian.org/debian}"
}

# What the rootfs is made of: the suite, the package list and the trim (bump RECIPE when the recipe changes).
RECIPE=1
TRIM=(usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian var/cache/apt var/lib/apt/lists
      var/log etc/ssl/certs usr/share/ca-certificates)
tag_of() { echo "leap/base-$1:$(cat "$IMAGES/bases/$1.packages" <(echo "$SUITE $RECIPE ${TRIM[*]}") | sha256sum | cut -c1-12)"; }

build() {
  local name=$1 tag tarball root pkgs
  tag=$(tag_of "$name")
  if $DOCKER image inspect "$tag" >/dev/null 2>&1; then echo "$name $tag"; return 0; fi
  tarball="$CACHE/$name-${tag##*:}.tar.gz"
  if [[ ! -s $tarball ]]; then
    root=$(mktemp -d "$CACHE/rootfs-$name.XXXX")
    pkgs=$(grep -v '^#' "$IMAGES/bases/$name.packages" | xargs | tr ' ' ,)
    echo "bases: debootstrap $name ($pkgs)" >&2
    debootstrap --variant=minbase --include="$pkgs" "$SUITE" "$root" "$(mirror)" >"$LOGS/debootstrap-$name.log" 2>&1 \
      || { show_tail "$LOGS/debootstrap-$name.log"; rm -rf "$root"; die "debootstrap $name failed"; }
    # Trim: nothing here is needed at run time. CA bundles go too: no image carries one.
    local p; for p in "${TRIM[@]}"; do rm -rf "${root:?}/$p" && mkdir -p "$root/$p"; done
    find "$root" -name '__pycache__' -prune -exec rm -rf {} + 2>/dev/null || true
    tar --numeric-owner -C "$root" -czf "$tarball.new" . && mv "$tarball.new" "$tarball"
    rm -rf "$root"
  fi
  $DOCKER import "$tarball" "$tag" >/dev/null
  echo "$name $tag"
}

names=("$@"); ((${#names[@]})) || names=(python python-build jre postgres)
for n in "${names[@]}"; do [[ -f $IMAGES/bases/$n.packages ]] || die "no bases/$n.packages"; build "$n"; done
