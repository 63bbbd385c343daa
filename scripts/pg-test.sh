#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests.
#
#   scripts/pg-test.sh run -- CMD...   start a cluster, run CMD with
#                                      SECUREMOVE_TEST_PG (its URL) and
#                                      SECUREMOVE_REQUIRE_PG=1 set, stop
#                                      the cluster whatever CMD does
#   scripts/pg-test.sh start DIR       start one in DIR (empty or missing),
#                                      print its URL (also in DIR/url)
#   scripts/pg-test.sh stop DIR        stop the one in DIR and delete DIR
#   scripts/pg-test.sh crash-restart DIR
#                                      stop the one in DIR as a crash would
#                                      (immediate mode: no checkpoint, the
#                                      next start recovers from the WAL)
#                                      and start it again on the same port
#
# The cluster lives in a temporary folder, listens on 127.0.0.1 on a free
# port, keeps fsync on (the tests check what a commit promises) and runs as
# the postgres user when started by root, since initdb refuses root. When
# Debian's PostgreSQL is not installed it is installed (apt-get). Anything
# that goes wrong fails loudly: the tests never skip PostgreSQL quietly.
set -euo pipefail

die() {
	echo "pg-test: $*" >&2
	exit 1
}

# pg_bin prints the folder holding initdb and pg_ctl, installing Debian's
# postgresql package when there is none.
pg_bin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
			echo "$d"
			return
		fi
	done
	if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
		dirname "$(command -v initdb)"
		return
	fi
	echo "pg-test: PostgreSQL not found; installing Debian's postgresql package" >&2
	local sudo=""
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null || die "PostgreSQL is not installed and this user cannot install it (no sudo); apt-get install postgresql"
		sudo="sudo"
	fi
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || die "apt-get install postgresql failed"
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
			echo "$d"
			return
		fi
	done
	die "postgresql installed but initdb and pg_ctl are still missing"
}

# as_owner runs a command as the cluster's owner: postgres when we are root.
as_owner() {
	if [[ $(id -u) -eq 0 ]]; then
		if command -v runuser >/dev/null; then
			runuser -u postgres -- "$@"
		else
			su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
		fi
	else
		"$@"
	fi
}

free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 20000))
		if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port found"
}

start() {
	local dir=$1 bin port
	bin=$(pg_bin)
	mkdir -p "$dir"
	if [[ $(id -u) -eq 0 ]]; then
		id postgres >/dev/null 2>&1 || die "no postgres user to run the cluster as (root may not run initdb)"
		chown postgres: "$dir"
		chmod 700 "$dir"
	fi
	as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	port=$(free_port)
	# fsync and synchronous_commit stay on, as in production.
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
		-o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=on -c synchronous_commit=on -c max_connections=300" \
		start >&2 || { cat "$dir/data/server.log" >&2 2>/dev/null || true; die "pg_ctl start failed"; }
	local url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	echo "$url" >"$dir/url"
	echo "$bin" >"$dir/bin"
	echo "$url"
}

stop() {
	local dir=$1
	[[ -d $dir ]] || return 0
	if [[ -f $dir/bin && -d $dir/data ]]; then
		as_owner "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

# crash_restart stops the server without a shutdown checkpoint (what a
# power cut or an OOM kill leaves behind) and starts it again with the
# options of its last start (pg_ctl keeps them in postmaster.opts).
crash_restart() {
	local dir=$1
	[[ -f $dir/bin && -d $dir/data ]] || die "no cluster in $dir"
	as_owner "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -m immediate -w -t 60 restart >&2 ||
		{ tail -20 "$dir/data/server.log" >&2 2>/dev/null || true; die "pg_ctl restart -m immediate failed"; }
}

case "${1:-}" in
crash-restart)
	[[ -n ${2:-} ]] || die "usage: $0 crash-restart DIR"
	crash_restart "$2"
	;;
start)
	[[ -n ${2:-} ]] || die "usage: $0 start DIR"
	start "$2"
	;;
stop)
	[[ -n ${2:-} ]] || die "usage: $0 stop DIR"
	stop "$2"
	;;
run)
	shift
	[[ ${1:-} == -- ]] && shift
	[[ $# -gt 0 ]] || die "usage: $0 run -- CMD..."
	dir=$(mktemp -d /tmp/securemove-pg.XXXXXX)
	trap 'stop "$dir"' EXIT
	url=$(start "$dir")
	echo "pg-test: PostgreSQL cluster at $url (in $dir)" >&2
	SECUREMOVE_TEST_PG=$url SECUREMOVE_REQUIRE_PG=1 "$@"
	;;
*)
	die "usage: $0 run -- CMD... | start DIR | stop DIR | crash-restart DIR"
	;;
esac
