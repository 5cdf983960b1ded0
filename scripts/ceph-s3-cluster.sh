#!/bin/sh
# A one-node Ceph cluster with radosgw on loopback: a real S3 (every signature checked) for the
# tests and bench/s3. It builds the cluster in DIR, prints nothing, touches DIR/ready once the
# gateway serves and the S3 user exists, then waits; when PARENT_PID ends (or this script is
# killed by HUP/INT/TERM) it SIGKILLs the daemons and removes DIR.
#   scripts/ceph-s3-cluster.sh DIR GATEWAY_PORT MONITOR_PORT PARENT_PID ACCESS_KEY SECRET_KEY
# A monitor, one OSD keeping objects in memory (memstore), no cephx; small placement groups,
# because radosgw makes several pools on the one OSD; `ms mon client mode = crc`, because
# radosgw cannot talk to a monitor in secure mode without cephx. CEPH_MEMSTORE_BYTES sizes the
# OSD (default 2 GiB, held in memory).
set -eu
dir=$1 gateway_port=$2 monitor_port=$3 parent=$4 access_key=$5 secret_key=$6
cleanup() {
    status=$?
    for pid_file in "$dir"/run/*.pid; do
        [ -f "$pid_file" ] && kill -KILL "$(cat "$pid_file")" 2>/dev/null
    done
    if [ "$status" != 0 ]; then tail -n 15 "$dir"/log/*.log >&2 2>/dev/null || true; fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
mkdir -p "$dir/mon" "$dir/osd" "$dir/run" "$dir/log"
fsid=$(cat /proc/sys/kernel/random/uuid)
conf="$dir/ceph.conf"
cat > "$conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$monitor_port
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
osd objectstore = memstore
memstore device bytes = ${CEPH_MEMSTORE_BYTES:-2147483648}
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
osd crush chooseleaf type = 0
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
[mon.a]
mon data = $dir/mon
[osd.0]
osd data = $dir/osd
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$gateway_port
CONF
monmaptool --create --addv a "[v2:127.0.0.1:$monitor_port]" --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-authtool --create-keyring "$dir/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/mon.keyring"
ceph-mon -c "$conf" -i a
osd_uuid=$(cat /proc/sys/kernel/random/uuid)
ceph -c "$conf" --connect-timeout 30 osd new "$osd_uuid" >/dev/null
ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" 2>/dev/null
ceph-osd -c "$conf" -i 0 2>/dev/null
radosgw -c "$conf" -n client.rgw
# The gateway makes the default zone and its pools first; the user is added after it.
tries=0
until grep -q "starting handler" "$dir/log/client.rgw.log" 2>/dev/null; do
    tries=$((tries + 1)); [ "$tries" -lt 600 ] || { echo "radosgw did not start" >&2; exit 1; }
    sleep 0.1
done
radosgw-admin -c "$conf" user create --uid=wharf --display-name=Wharf \
    --access-key="$access_key" --secret-key="$secret_key" >/dev/null
touch "$dir/ready"
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
