import Foundation

/// A one-node Ceph cluster (a monitor, one OSD keeping objects in memory, no cephx) with
/// radosgw in front, started once per test process in about 15 s. The shell that builds it
/// stays as a watchdog: when the test process ends, however it ends, it SIGKILLs the daemons
/// and removes the cluster's directory.
public actor RadosGateway {
    public static let shared = RadosGateway()
    public static let tools = ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph-authtool", "ceph"]

    static let accessKey = "WHARFTESTACCESSKEY"
    static let secretKey = "wharf-test-secret-key"
    private var started: Task<S3Endpoint, any Error>?

    public func endpoint() async throws -> S3Endpoint {
        if let started { return try await started.value }
        let task = Task { try await launch() }
        started = task
        return try await task.value
    }

    private func launch() async throws -> S3Endpoint {
        for tool in Self.tools where Tool.path(tool) == nil {
            throw SupportError("\(tool) is not installed (apt-get install radosgw ceph-mon ceph-osd)")
        }
        let directory = try ShortDirectory.make()
        let gatewayPort = try FreePort.find()
        let monitorPort = try FreePort.find()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", Self.script, "ceph-cluster", directory, String(gatewayPort), String(monitorPort), String(getpid()), Self.accessKey, Self.secretKey,
        ]
        let output = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = output
        let collected = PipeCollector(output)
        try process.run()
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: directory + "/ready"), (try? RawConnection(port: gatewayPort, timeoutSeconds: 1)) != nil {
                return S3Endpoint(url: "http://127.0.0.1:\(gatewayPort)", accessKey: Self.accessKey, secretKey: Self.secretKey)
            }
            guard process.isRunning else {
                try await Task.sleep(for: .milliseconds(200))
                throw SupportError("the Ceph cluster did not start: \(collected.text.suffix(3000))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        process.terminate()
        throw SupportError("radosgw did not answer on \(gatewayPort) within 90 s: \(collected.text.suffix(3000))")
    }

    /// `sh -c script name DIR GATEWAY_PORT MONITOR_PORT PARENT_PID ACCESS_KEY SECRET_KEY`.
    /// Small placement groups, because radosgw makes several pools on the one OSD; `ms mon
    /// client mode = crc`, because radosgw cannot talk to a monitor in secure mode without cephx.
    static let script = #"""
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
        memstore device bytes = 2147483648
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
        """#
}
