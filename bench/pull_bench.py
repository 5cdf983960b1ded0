"""The pull path with the clients people use: Wharf and Docker Distribution side by side, both
on the filesystem, the same blob served from the page cache. Not a test: it asserts nothing about
speed; it checks every pull returned the whole blob, so the figures are real. See BENCHMARKS.md."""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import time

from registry_bench import (MIB, OCI_MANIFEST, PeakRSS, Results, parallel, push_blob_file, push_bytes, random_file,
                            start_pair)


def raw_reader(port, path, expected, buffer_size):
    """Seconds to GET `path` reading `buffer_size` bytes per recv: 32 KiB stands in for Go's
    clients (docker, containerd, skopeo, podman read through a 32 KiB copy buffer)."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
        buffer = memoryview(bytearray(buffer_size))
        received = 0
        while True:
            count = connection.recv_into(buffer)
            if count == 0:
                break
            if received == 0:
                assert bytes(buffer[:12]) == b"HTTP/1.1 200", bytes(buffer[:64])
            received += count
    assert received > expected, (received, expected)
    return time.perf_counter() - start


def curl(url, expected, extra=()):
    """Seconds curl takes to download `url` to /dev/null; checks the byte count."""
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}", *extra,
                          url], check=True, capture_output=True, text=True).stdout.split()
    assert out[0] in ("200", "206") and int(out[1]) == expected, out
    return float(out[2])


def skopeo_copy(server, reference, destination):
    """Seconds `skopeo copy` takes to pull the image into a `dir:` layout (then removed)."""
    shutil.rmtree(destination, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(["skopeo", "copy", "--quiet", "--src-tls-verify=false",
                    f"docker://127.0.0.1:{server.port}/{reference}", f"dir:{destination}"], check=True,
                   capture_output=True)
    elapsed = time.perf_counter() - start
    shutil.rmtree(destination, ignore_errors=True)
    return elapsed


def push_image(server, repository, layer_digest, layer_size):
    """One-layer image `repository:v1` whose layer is the blob already pushed."""
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers",
                        "diff_ids": [layer_digest]}}).encode()
    config_digest = push_bytes(server, repository, config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                   "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest,
                    "size": layer_size}]}).encode()
    status, _, body = server.request("PUT", f"/v2/{repository}/manifests/v1", body=manifest,
                                     headers={"Content-Type": OCI_MANIFEST})
    assert status == 201, (server.name, status, body)


def measured(servers, runs, pull, results, figure, mib_per_pull, cpu=None):
    """Median rate of `pull(server)` (seconds) over alternating runs; server CPU per GiB into `cpu`."""
    times = {server.name: [] for server in servers}
    spent = {server.name: 0.0 for server in servers}
    for run in range(runs):
        for server in (servers if run % 2 == 0 else servers[::-1]):
            before = server.cpu_seconds()
            times[server.name].append(pull(server))
            spent[server.name] += server.cpu_seconds() - before
    results.record(figure, "MiB/s", {name: mib_per_pull / statistics.median(values) for name, values in times.items()})
    if cpu is not None:
        gib = runs * mib_per_pull / 1024
        cpu[figure] = {name: seconds / gib for name, seconds in spent.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--blob-mib", type=int, default=512)
    parser.add_argument("--only", default="", help="comma-separated figure keys: curl,go,big,curl8,skopeo,memory")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))

    def wanted(key):
        return not only or key in only

    work, log, wharf, dist = start_pair(args.wharf, "wharf-pull-bench-")
    servers = [wharf, dist]
    results = Results()
    cpu = {}
    size = args.blob_mib * MIB
    try:
        blob = os.path.join(work, "blob")
        digest = random_file(blob, size)
        for server in servers:
            push_blob_file(server, "bench/pull", blob, digest)
            push_image(server, "bench/pull", digest, size)
        # Eight more blobs of 64 MiB for concurrent pulls of different blobs and ranges.
        small = []
        for index in range(8):
            path = os.path.join(work, f"small{index}")
            small.append(random_file(path, 64 * MIB))
            for server in servers:
                push_blob_file(server, "bench/pull", path, small[-1])
            os.remove(path)
        os.remove(blob)
        subprocess.run(["sync"], check=True)
        path = f"/v2/bench/pull/blobs/{digest}"
        # Warm the page cache for both.
        for server in servers:
            raw_reader(server.port, path, size, 4 * MIB)

        if wanted("curl"):
            measured(servers, args.runs, lambda s: curl(s.url(path), size), results,
                     "pull, 1 stream, curl (16 KiB reads)", args.blob_mib, cpu)
        if wanted("go"):
            measured(servers, args.runs, lambda s: raw_reader(s.port, path, size, 32 * 1024), results,
                     "pull, 1 stream, 32 KiB reader (Go clients)", args.blob_mib, cpu)
        if wanted("big"):
            measured(servers, args.runs, lambda s: raw_reader(s.port, path, size, 4 * MIB), results,
                     "pull, 1 stream, 4 MiB reader", args.blob_mib, cpu)
        if wanted("curl8"):
            def eight(server):
                start = time.perf_counter()
                parallel(lambda _: curl(server.url(path), size), range(8))
                return time.perf_counter() - start
            measured(servers, max(2, args.runs // 2), eight, results, "pull, 8 streams of one blob, curl (aggregate)",
                     8 * args.blob_mib, cpu)
        if wanted("skopeo") and shutil.which("skopeo"):
            destination = os.path.join(work, "copy")
            measured(servers, max(2, args.runs // 2), lambda s: skopeo_copy(s, "bench/pull:v1", destination), results,
                     f"skopeo copy of a one-layer {args.blob_mib} MiB image to dir:", args.blob_mib, cpu)
        if wanted("memory"):
            # Eight different blobs at once, then eight 1 MiB-stepped range requests of each:
            # resident memory before and at the peak.
            growth = {}
            for server in servers:
                before = server.status_kib("VmRSS")
                sampler = PeakRSS(server)
                parallel(lambda d: curl(server.url(f"/v2/bench/pull/blobs/{d}"), 64 * MIB), small)
                parallel(lambda d: [curl(server.url(f"/v2/bench/pull/blobs/{d}"), 8 * MIB,
                                         ("-H", f"Range: bytes={i * 8 * MIB}-{(i + 1) * 8 * MIB - 1}"))
                                    for i in range(8)], small)
                growth[server.name] = (sampler.stop() - before) / 1024
            figure = "RSS growth, 8 different blobs at once, then ranges"
            if all(growth.values()):
                results.record(figure, "MiB", growth, higher=False)
            else:
                # No growth is a result here, not a run too small to measure: shown without a ratio.
                print(f"{figure:<52} wharf {growth['wharf']:.1f} MiB, distribution {growth['distribution']:.1f} MiB", flush=True)

        for figure, values in cpu.items():
            results.record(f"server CPU per GiB: {figure}", "s", values, higher=False)
    finally:
        for server in servers:
            server.stop()
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    results.table()


if __name__ == "__main__":
    main()
