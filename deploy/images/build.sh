#!/usr/bin/env bash
# make images: every image in images.tsv, on the project's own engine (engine.sh) from the project's own
# bases (bases.sh). Rebuilds are layer-cached (third-party packages in a layer of their own), so a rebuild
# with nothing changed takes seconds.
# Usage: build.sh [NAME...]   (default: all in images.tsv)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
IMAGES="$ROOT/deploy/images"
"$IMAGES/engine.sh" start >&2
eval "$("$IMAGES/engine.sh" env)"
DOCKER=/usr/bin/docker   # Debian's client, the engine's own version (BuildKit secrets without buildx)
export DOCKER_BUILDKIT=1 BUILDKIT_PROGRESS=plain

declare -A BASE
while read -r name tag; do BASE[$name]=$tag; done < <("$IMAGES/bases.sh")

# pip in the build stage trusts what the machine trusts (a BuildKit secret: in no layer, in no image).
CA=${PIP_CERT:-$(pip3 config get global.cert 2>/dev/null || true)}
[[ -s ${CA:-} ]] || CA=/etc/ssl/certs/ca-certificates.crt

kafka_context() {   # the broker's jars (deploy/local/kafka.sh resolves them from Maven Central) + config
  "$ROOT/deploy/local/kafka.sh" install >&2
  local ctx="$STATE/images/ctx-kafka"
  rm -rf "$ctx" && mkdir -p "$ctx" && cp -a "$STATE/kafka/lib" "$ctx/lib" && cp -a "$IMAGES/kafka" "$ctx/conf"
  touch -d @0 "$ctx/lib"/* "$ctx/conf"/*   # same bytes, same layer: cache keys ignore mtimes, but be sure
  echo "$ctx"
}

wanted=("$@")
start=$SECONDS
while IFS=$'\t' read -r name tag dockerfile context args; do
  [[ -z $name || $name == \#* ]] && continue
  ((${#wanted[@]})) && [[ " ${wanted[*]} " != *" $name "* ]] && continue
  case $context in
    repo) ctx=$ROOT ;;
    kafka) ctx=$(kafka_context) ;;
    *) ctx=$ROOT/$context ;;
  esac
  build_args=()
  for arg in ${args:-}; do build_args+=(--build-arg "$arg"); done   # images.tsv's NAME=VALUE words (no spaces)
  t0=$SECONDS
  $DOCKER build -q -f "$ROOT/$dockerfile" -t "$tag" --secret "id=ca_bundle,src=$CA" "${build_args[@]}" \
    --build-arg "PYTHON_BASE=${BASE[python]}" --build-arg "PYTHON_BUILD_BASE=${BASE[python-build]}" \
    --build-arg "JRE_BASE=${BASE[jre]}" --build-arg "POSTGRES_BASE=${BASE[postgres]}" \
    "$ctx" >"$LOGS/image-$name.log" 2>&1 || { show_tail "$LOGS/image-$name.log" 40; die "image $name failed"; }
  printf 'images: %-40s %4ss  %s\n' "$tag" "$((SECONDS - t0))" "$($DOCKER image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}')"
done <"$IMAGES/images.tsv"
echo "images: done in $((SECONDS - start))s"
