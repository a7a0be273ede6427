# Sourced by tools/real-kernels/run.sh and .ci/uapi-headers: an apt
# configuration of our own that knows one Debian suite's packages for one
# architecture, from the mirror the system's apt already uses. Packages are
# only downloaded through it, never installed, and the system's apt
# configuration and state are left alone.
#
# debian_apt SUITE DEB_ARCH DIR: sets the array `apt_options` to that
# configuration, kept in DIR, and reads the suite's package list unless DIR
# has one younger than a week. Returns non-zero, with a message on stderr,
# when it cannot.
debian_apt() {
    local suite=$1 arch=$2 dir=$3 codename mirror
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' |
        awk -v s="$codename" '$2 == s {print $1; exit}')
    if [[ -z $mirror ]]; then
        echo "debian-apt: cannot find the mirror of Debian $codename in apt's configuration" >&2
        return 1
    fi
    mkdir -p "$dir"/etc/apt/{sources.list.d,preferences.d,apt.conf.d} \
        "$dir"/state/lists/partial "$dir"/cache/archives/partial
    echo "deb [arch=$arch] $mirror $suite main" >"$dir/etc/apt/sources.list"
    apt_options=(-o "Dir::Etc=$dir/etc/apt" -o Dir::Etc::trusted=/etc/apt/trusted.gpg
        -o Dir::Etc::trustedparts=/etc/apt/trusted.gpg.d -o "Dir::State=$dir/state"
        -o "Dir::Cache=$dir/cache" -o "APT::Architectures::=$arch" -o "APT::Architecture=$arch")
    if [[ -z $(find "$dir/state/lists" -name '*Packages*' -mtime -7 2>/dev/null) ]]; then
        echo "debian-apt: reading Debian $suite's package list for $arch" >&2
        if ! apt-get "${apt_options[@]}" update -q >/dev/null 2>&1; then
            echo "debian-apt: apt-get update of Debian $suite ($arch) failed" >&2
            return 1
        fi
    fi
}
