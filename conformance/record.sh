#!/usr/bin/env bash
# Records what real Go prints for every conformance program, or checks that it
# still prints that.
#
#   conformance/record.sh [--check] [NAME...]
#
# For each conformance/go/NAME.go (or only the NAMEs given) the program is
# built once with `go build` into a temporary directory and the binary is run.
# Recording writes, under conformance/expected/:
#   NAME.out        the exact stdout
#   NAME.exit       `normal` (exit status 0) or `panicked` (exit status 2)
#   NAME.stderr-go  Go's stderr, for panicking programs only (informational:
#                   never compared, since it holds addresses and goroutine ids)
# With --check nothing is written; the script exits non-zero and lists every
# program whose live stdout or exit class differs from the recorded files, or
# that has no recorded files.
#
# If `go` is missing it is installed from Debian's golang-go when running as
# root. The recorded files were made with Go 1.19.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src_dir="$here/go"
exp_dir="$here/expected"

check=0
names=()
for arg in "$@"; do
	case "$arg" in
	--check) check=1 ;;
	-h | --help)
		sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "record.sh: unknown option $arg" >&2
		exit 64
		;;
	*)
		name="${arg##*/}"
		names+=("${name%.go}")
		;;
	esac
done

if ! command -v go >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ]; then
		echo "record.sh: go not found; installing golang-go" >&2
		apt-get update >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y golang-go >&2
	else
		echo "record.sh: go is not installed and this is not root;" \
			"install it with: apt-get install -y golang-go" >&2
		exit 127
	fi
fi
echo "record.sh: $(go version)" >&2

explicit="${#names[@]}"
if [ "$explicit" -eq 0 ]; then
	for f in "$src_dir"/*.go; do
		[ -e "$f" ] || continue
		n="${f##*/}"
		names+=("${n%.go}")
	done
fi
if [ "${#names[@]}" -eq 0 ]; then
	echo "record.sh: no programs in $src_dir" >&2
	exit 1
fi
for n in "${names[@]}"; do
	if [ ! -f "$src_dir/$n.go" ]; then
		echo "record.sh: no such program: $src_dir/$n.go" >&2
		exit 1
	fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/godefer-conformance.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/run"
# Single-file builds need no module. Use Go's usual build cache when it has
# one (re-runs are then fast), else a throwaway one.
export GOFLAGS= CGO_ENABLED=0
if [ -z "$(go env GOCACHE 2>/dev/null || true)" ] || [ "$(go env GOCACHE 2>/dev/null || true)" = off ]; then
	export GOCACHE="$work/gocache"
fi

# Build: go build is much faster than go run per program, and two builds in
# parallel use both cores.
build_failed=0
printf '%s\n' "${names[@]}" |
	xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c \
		'go build -trimpath -o "$1/bin/$2" "$3/$2.go" 2>"$1/bin/$2.build-log" || echo "$2" >>"$1/build-failures"' \
		sh "$work" {} "$src_dir"
if [ -s "$work/build-failures" ]; then
	while read -r n; do
		echo "record.sh: build failed: $n" >&2
		sed 's/^/    /' "$work/bin/$n.build-log" >&2
	done <"$work/build-failures"
	build_failed=1
fi
[ "$build_failed" -eq 0 ] || exit 1

mkdir -p "$exp_dir"
failures=()
for n in "${names[@]}"; do
	out="$work/run/$n.out"
	err="$work/run/$n.err"
	status=0
	(cd "$work/run" && timeout 60 "$work/bin/$n" >"$out" 2>"$err" </dev/null) || status=$?
	case "$status" in
	0) class=normal ;;
	2) class=panicked ;;
	*) class="status-$status" ;;
	esac
	if [ "$check" -eq 1 ]; then
		why=()
		if [ ! -f "$exp_dir/$n.out" ] || [ ! -f "$exp_dir/$n.exit" ]; then
			why+=("not recorded")
		else
			cmp -s "$out" "$exp_dir/$n.out" || why+=("stdout differs")
			want="$(cat "$exp_dir/$n.exit")"
			[ "$want" = "$class" ] || why+=("exit: want $want, got $class")
		fi
		if [ "${#why[@]}" -gt 0 ]; then
			failures+=("$n")
			(
				IFS=';'
				echo "DIFF $n: ${why[*]}"
			)
			if [ -f "$exp_dir/$n.out" ] && ! cmp -s "$out" "$exp_dir/$n.out"; then
				diff -u "$exp_dir/$n.out" "$out" | sed 's/^/    /' | head -n 40 || true
			fi
		fi
	else
		if [ "$class" != normal ] && [ "$class" != panicked ]; then
			echo "record.sh: $n exited with status $status (want 0 or 2); not recorded" >&2
			sed 's/^/    /' "$err" >&2
			failures+=("$n")
			continue
		fi
		cp "$out" "$exp_dir/$n.out"
		echo "$class" >"$exp_dir/$n.exit"
		if [ "$class" = panicked ]; then
			cp "$err" "$exp_dir/$n.stderr-go"
		else
			rm -f "$exp_dir/$n.stderr-go"
		fi
	fi
done

total="${#names[@]}"
bad="${#failures[@]}"
if [ "$check" -eq 1 ]; then
	# Recorded files whose program is gone.
	if [ "$explicit" -eq 0 ]; then
		for f in "$exp_dir"/*.exit; do
			[ -e "$f" ] || continue
			n="${f##*/}"
			n="${n%.exit}"
			[ -f "$src_dir/$n.go" ] || echo "note: $n is recorded but conformance/go/$n.go is gone" >&2
		done
	fi
	echo "$((total - bad)) passed, $bad failed"
	if [ "$bad" -gt 0 ]; then
		echo "differing programs:" >&2
		printf '  %s\n' "${failures[@]}" >&2
		exit 1
	fi
else
	echo "recorded $((total - bad)) of $total programs in $exp_dir" >&2
	[ "$bad" -eq 0 ] || exit 1
fi
