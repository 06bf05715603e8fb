#!/usr/bin/env bash
# Checks the deployment files without a Docker engine (CI runs it from .ci/run):
#  1. docker-compose validates docker/docker-compose.yml;
#  2. every image in the compose file and every FROM in the Dockerfile has a pinned tag (not latest);
#  3. the Flink version of those images equals flink.version in pom.xml;
#  4. the example FlinkDeployment names the same Flink version.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "docker/check.sh: $*" >&2; exit 1; }

docker-compose -f docker/docker-compose.yml config -q || fail "docker-compose config refused docker/docker-compose.yml"

flink_version="$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' pom.xml | head -1)"
[[ -n "$flink_version" ]] || fail "no <flink.version> in pom.xml"

images="$( { sed -n 's/^[[:space:]]*image:[[:space:]]*//p' docker/docker-compose.yml docker/kubernetes/*.yaml;
             sed -n 's/^FROM[[:space:]]\+//p' docker/Dockerfile | awk '{print $1}'; } | tr -d '"'"'" )"
while read -r image; do
  [[ -z "$image" ]] && continue
  name="${image%%@*}"
  if [[ "$image" != *@sha256:* ]]; then
    last="${name##*/}"
    [[ "$last" == *:* ]] || fail "image without a tag: $image"
    tag="${last##*:}"
    [[ "$tag" != "latest" && -n "$tag" ]] || fail "image not pinned: $image"
  fi
  if [[ "$name" =~ ^(docker\.io/)?(library/)?flink: ]]; then
    tag="${name##*:}"
    [[ "$tag" == "$flink_version" || "$tag" == "$flink_version"-* ]] \
      || fail "Flink image $image is not Flink $flink_version (pom.xml flink.version)"
  fi
done <<< "$images"

grep -q "^FROM flink:${flink_version}[-[:space:]]" docker/Dockerfile || grep -q "^FROM flink:${flink_version}$" docker/Dockerfile \
  || fail "docker/Dockerfile is not FROM flink:${flink_version}"
grep -q "image: flink:${flink_version}" docker/docker-compose.yml || grep -q "build:" docker/docker-compose.yml \
  || fail "docker-compose.yml runs no Flink ${flink_version} image"
flink_major_minor="${flink_version%.*}"
grep -q "flinkVersion: v${flink_major_minor//./_}" docker/kubernetes/flink-deployment.yaml \
  || fail "docker/kubernetes/flink-deployment.yaml: flinkVersion is not v${flink_major_minor//./_}"

echo "docker/check.sh: compose file valid, $(grep -c . <<< "$images") image references pinned, Flink $flink_version everywhere"
