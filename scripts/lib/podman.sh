# Podman on this host, for scripts/image and deploy/containers/test. Sourced; needs say().
#
# podman_install: Debian's podman, runc, podman-compose and mmdebstrap, installed when missing.
# podman_flags IMAGE: finds, by running IMAGE, the least this host needs for a container to
# start, and keeps it in .containers/containers.conf (exported as CONTAINERS_CONF, which
# podman-compose's podman calls inherit). A normal host needs none of it; see deploy/README.md.

containers_dir=${EMPORIUM_CONTAINERS_DIR:-$PWD/.containers}

podman_install() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v podman-compose >/dev/null || missing+=(podman-compose)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} (apt-get)"
  local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

# Each setting is tried only when the ones before it were not enough, so the file names
# exactly what this host needs.
podman_flags() {
  local image=$1 conf=$containers_dir/containers.conf
  mkdir -p "$containers_dir"
  local tries=(
    ""
    $'[containers]\ndefault_ulimits = []'
    $'[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"'
    $'[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"'
    $'[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"'
  )
  local names=("none" "default_ulimits = [] (the host's limits, not raised)" "+ runtime runc (not crun)"
               "+ cgroup_manager cgroupfs (no systemd)" "+ events_logger file (no journald)")
  local i error
  for i in "${!tries[@]}"; do
    if [ -z "${tries[$i]}" ]; then
      unset CONTAINERS_CONF; rm -f "$conf"
    else
      printf '# Written by scripts/lib/podman.sh: what this host needs to run a container.\n%s\n' "${tries[$i]}" > "$conf"
      export CONTAINERS_CONF=$conf
    fi
    if error=$(timeout 60 podman run --rm --network none "$image" true 2>&1); then
      podman_needs=${names[$i]}
      say "this host runs containers with: $podman_needs"
      return 0
    fi
  done
  say "no container runs here, even with every setting tried; the last error:"
  echo "$error" >&2
  return 1
}

# The settings found before (scripts/image ran), or none.
podman_use_flags() {
  [ -f "$containers_dir/containers.conf" ] && export CONTAINERS_CONF=$containers_dir/containers.conf
  return 0
}
