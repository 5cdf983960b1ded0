"""Measures Wharf and Docker Distribution side by side and prints each figure for both and
the ratio. Not a test: it asserts nothing, it measures. See BENCHMARKS.md."""

import argparse
import concurrent.futures
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MIB = 1024 * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A registry process on loopback, with its memory readings."""

    def __init__(self, name, command, port, log):
        self.name, self.port = name, port
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if self.request("GET", "/v2/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise SystemExit(f"{name} did not start (its output is in the log)")

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, dict(response.getheaders()), data

    def status_kib(self, field):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def cpu_seconds(self):
        """User plus system CPU time the process has used."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def absolute(server, location):
    return location if location.startswith("http") else server.url(location)


def with_query(url, query):
    return url + ("&" if "?" in url else "?") + query


def push_blob_file(server, repository, path, digest):
    """POST to open an upload, then one PUT with the whole body streamed by curl."""
    status, headers, _ = server.request("POST", f"/v2/{repository}/blobs/uploads/")
    assert status == 202, (server.name, status)
    url = with_query(absolute(server, headers["Location"]), f"digest={digest}")
    out = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-X", "PUT", "-H", "Expect:",
         "-H", "Content-Type: application/octet-stream", "-T", path, url],
        check=True, capture_output=True, text=True).stdout.split()
    assert out[0] == "201", (server.name, out)
    return float(out[1])


def push_bytes(server, repository, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    status, headers, _ = server.request("POST", f"/v2/{repository}/blobs/uploads/")
    assert status == 202, (server.name, status)
    url = with_query(absolute(server, headers["Location"]), f"digest={digest}")
    path = url.split(f":{server.port}", 1)[1]
    status, _, body = server.request("PUT", path, body=data, headers={"Content-Type": "application/octet-stream"})
    assert status == 201, (server.name, status, body)
    return digest


def random_file(path, size):
    hasher = hashlib.sha256()
    with open(path, "wb") as out:
        remaining = size
        while remaining:
            chunk = os.urandom(min(remaining, 4 * MIB))
            hasher.update(chunk)
            out.write(chunk)
            remaining -= len(chunk)
    return "sha256:" + hasher.hexdigest()


def download(port, path, expected):
    """Seconds to GET `path` and read its body into a 4 MiB buffer, discarding it. A raw socket
    rather than curl: curl reads 16 KiB at a time and becomes the bottleneck at these rates."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
        buffer = memoryview(bytearray(4 * MIB))
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


class PeakRSS:
    """Samples a server's resident memory while a measurement runs."""

    def __init__(self, server):
        self.server, self.peak, self.running = server, 0, True
        self.thread = threading.Thread(target=self.sample)
        self.thread.start()

    def sample(self):
        while self.running:
            self.peak = max(self.peak, self.server.status_kib("VmRSS"))
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak


def parallel(function, items, workers=8):
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, items))


class Session:
    """Keep-alive connections for the many small requests of the setup."""

    local = threading.local()

    @classmethod
    def request(cls, server, method, path, body=None, headers=None):
        key = f"c{server.port}"
        connection = getattr(cls.local, key, None)
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            setattr(cls.local, key, connection)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status


def list_all(server, path, first_query):
    """Follows Link headers from the first page; returns (items, pages)."""
    url, items, pages = f"{path}?{first_query}", [], 0
    while url:
        status, headers, body = server.request("GET", url)
        assert status == 200, (server.name, status, body[:200])
        document = json.loads(body)
        items += document.get("tags") or document.get("repositories") or []
        pages += 1
        link = headers.get("Link")
        url = re.match(r"<([^>]+)>", link).group(1) if link else None
        if url and url.startswith("http"):
            url = "/" + url.split("/", 3)[3]
    return items, pages


def keep_alive_latency(server, path, requests=200):
    """Median seconds per GET of `path` on one keep-alive connection, after a warm-up."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    times = []
    for index in range(requests + 10):
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (server.name, response.status)
        if index >= 10:
            times.append(time.perf_counter() - start)
    connection.close()
    return statistics.median(times)


def timed(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def distribution_config(path, port, storage, http_extra=""):
    """Writes a config.yml for `docker-registry serve`: quiet logs, the given `storage:` body
    (YAML indented by two), loopback `port`, and any extra `http:` lines (indented by two)."""
    with open(path, "w") as out:
        out.write(f"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n{storage}"
                  f"http:\n  addr: 127.0.0.1:{port}\n{http_extra}")
    return path


def start_pair(wharf_binary, prefix):
    """An open Wharf (the benchmarks measure the registry, not token checks: bench/auth does)
    and Distribution with an in-memory blob descriptor cache, each on the filesystem in a fresh
    temporary directory: (work directory, server log, wharf, distribution)."""
    os.environ["REGISTRY_AUTH"] = "none"
    work = tempfile.mkdtemp(prefix=prefix)
    log = open(os.path.join(work, "servers.log"), "w")
    wharf_port, dist_port = free_port(), free_port()
    config = distribution_config(os.path.join(work, "distribution.yml"), dist_port,
                                 f"  filesystem:\n    rootdirectory: {work}/distribution\n"
                                 "  cache:\n    blobdescriptor: inmemory\n")
    wharf = Server("wharf", [wharf_binary, "serve", "--addr", f"127.0.0.1:{wharf_port}", "--root", f"{work}/wharf",
                             "--log-level", "error"], wharf_port, log)
    dist = Server("distribution", ["docker-registry", "serve", config], dist_port, log)
    return work, log, wharf, dist


class Results:
    """Figures for both registries: each printed as it is taken, and a Markdown table at the end."""

    def __init__(self):
        self.rows = []  # (figure, unit, wharf, distribution, higher_is_better)

    def record(self, figure, unit, values, higher=True):
        if not values["wharf"] or not values["distribution"]:
            # Too small a run to measure (CPU time below one clock tick): no ratio to give.
            print(f"{figure:<52} too small to measure at these sizes", flush=True)
            return
        self.rows.append((figure, unit, values["wharf"], values["distribution"], higher))
        ratio = values["wharf"] / values["distribution"] if higher else values["distribution"] / values["wharf"]
        print(f"{figure:<52} wharf {values['wharf']:>10.1f}  distribution {values['distribution']:>10.1f} {unit:<6} "
              f"ratio {ratio:.2f}x", flush=True)

    def table(self):
        print("\n| figure | unit | Wharf | Distribution 2.8.2 | Wharf advantage |")
        print("|---|---|---:|---:|---:|")
        for figure, unit, mine, theirs, higher in self.rows:
            ratio = mine / theirs if higher else theirs / mine
            print(f"| {figure} | {unit} | {mine:.1f} | {theirs:.1f} | {ratio:.2f}× |")


def push_small_image(server):
    """A config and one 4 KiB layer in bench/image, tagged v1: (manifest bytes, layer digest)."""
    config_digest = push_bytes(server, "bench/image", b'{"architecture":"amd64","os":"linux"}')
    layer_digest = push_bytes(server, "bench/image", os.urandom(4096))
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": 37},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": 4096}]}).encode()
    status, _, body = server.request("PUT", "/v2/bench/image/manifests/v1", body=manifest,
                                     headers={"Content-Type": OCI_MANIFEST})
    assert status == 201, (server.name, status, body)
    return manifest, layer_digest


def request_rates(server, layer_digest, duration):
    """Requests per second: manifest GET with wrk, blob HEAD with hey (wrk cannot send HEAD);
    every answer checked to be a 200."""
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{duration}s", "-H", f"Accept: {OCI_MANIFEST}",
                          server.url("/v2/bench/image/manifests/v1")], check=True, capture_output=True, text=True).stdout
    assert "Non-2xx" not in out, out
    get_rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    out = subprocess.run(["hey", "-m", "HEAD", "-c", "32", "-z", f"{duration}s",
                          server.url(f"/v2/bench/image/blobs/{layer_digest}")], check=True, capture_output=True,
                         text=True).stdout
    codes = re.findall(r"\[(\d{3})\]\s+\d+ responses", out)
    assert codes == ["200"], (server.name, codes, out[-500:])
    return get_rate, float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--blob-mib", type=int, default=512)
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--repos", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()

    work, log, wharf, dist = start_pair(args.wharf, "wharf-bench-")
    servers = [wharf, dist]
    # Wharf fsyncs a blob before acknowledging it; Distribution does not. The push is also
    # measured with --no-fsync, for a like-for-like figure.
    unsynced_port = free_port()
    unsynced = Server("wharf --no-fsync", [args.wharf, "serve", "--addr", f"127.0.0.1:{unsynced_port}", "--root",
                                           f"{work}/wharf-unsynced", "--no-fsync", "--log-level", "error"],
                      unsynced_port, log)
    results = Results()
    record = results.record

    try:
        # Monolithic push of a fresh random blob, median of runs, order alternating.
        blob = os.path.join(work, "blob")
        push_times = {"wharf": [], "distribution": [], "wharf --no-fsync": []}
        push_cpu = {"wharf": 0.0, "distribution": 0.0, "wharf --no-fsync": 0.0}
        pushers = [wharf, dist, unsynced]
        for run in range(args.runs):
            digest = random_file(blob, args.blob_mib * MIB)
            for server in pushers[run % 3:] + pushers[:run % 3]:
                subprocess.run(["sync"], check=True)
                cpu = server.cpu_seconds()
                push_times[server.name].append(push_blob_file(server, f"bench/push{run}", blob, digest))
                push_cpu[server.name] += server.cpu_seconds() - cpu
        push_rate = {name: args.blob_mib / statistics.median(times) for name, times in push_times.items()}
        record(f"push {args.blob_mib} MiB blob (monolithic PUT), fsync", "MiB/s", push_rate)
        record(f"push {args.blob_mib} MiB blob, Wharf --no-fsync", "MiB/s",
               {"wharf": push_rate["wharf --no-fsync"], "distribution": push_rate["distribution"]})
        pushed_gib = args.runs * args.blob_mib / 1024
        record("server CPU per GiB pushed", "s", {name: push_cpu[name] / pushed_gib for name in ("wharf", "distribution")},
               higher=False)
        unsynced.stop()
        os.remove(blob)
        last = args.runs - 1

        # Pull: one stream, then eight at once; resident memory sampled meanwhile. Loopback rates
        # swing with where the scheduler puts sender and receiver on two cores, so each figure
        # is the median of alternating runs.
        path = f"/v2/bench/push{last}/blobs/{digest}"
        size = args.blob_mib * MIB
        times1 = {"wharf": [], "distribution": []}
        times8 = {"wharf": [], "distribution": []}
        rss1 = {"wharf": 0, "distribution": 0}
        rss8 = {"wharf": 0, "distribution": 0}
        pull_cpu = {"wharf": 0.0, "distribution": 0.0}
        for run in range(2 * args.runs):
            for server in (servers if run % 2 == 0 else servers[::-1]):
                sampler = PeakRSS(server)
                cpu = server.cpu_seconds()
                times1[server.name].append(download(server.port, path, size))
                pull_cpu[server.name] += server.cpu_seconds() - cpu
                rss1[server.name] = max(rss1[server.name], sampler.stop() / 1024)
        for run in range(args.runs):
            for server in (servers if run % 2 == 0 else servers[::-1]):
                sampler = PeakRSS(server)
                start = time.perf_counter()
                parallel(lambda _: download(server.port, path, size), range(8))
                times8[server.name].append(time.perf_counter() - start)
                rss8[server.name] = max(rss8[server.name], sampler.stop() / 1024)
        pull1 = {name: args.blob_mib / statistics.median(times) for name, times in times1.items()}
        # On two cores the kernel often runs a loopback sender and its receiver on the same CPU
        # (wake-affine), which makes the figure above swing by 2x between runs. With the server
        # on CPU 0 and the client on CPU 1 the figure shows what each server itself can send.
        pinned = {"wharf": [], "distribution": []}
        own_cpus = os.sched_getaffinity(0)
        if os.cpu_count() and os.cpu_count() >= 2 and shutil.which("taskset"):
            for run in range(2 * args.runs):
                for server in (servers if run % 2 == 0 else servers[::-1]):
                    subprocess.run(["taskset", "-a", "-p", "1", str(server.process.pid)], check=True, capture_output=True)
                    os.sched_setaffinity(0, {1})
                    try:
                        pinned[server.name].append(download(server.port, path, size))
                    finally:
                        os.sched_setaffinity(0, own_cpus)
                        mask = format(sum(1 << cpu for cpu in own_cpus), "x")
                        subprocess.run(["taskset", "-a", "-p", mask, str(server.process.pid)], check=True,
                                       capture_output=True)
        pull8 = {name: 8 * args.blob_mib / statistics.median(times) for name, times in times8.items()}
        record("pull blob, 1 stream", "MiB/s", pull1)
        if pinned["wharf"]:
            record("pull blob, 1 stream, server CPU 0 / client CPU 1", "MiB/s",
                   {name: args.blob_mib / statistics.median(times) for name, times in pinned.items()})
        pulled_gib = 2 * args.runs * args.blob_mib / 1024
        record("server CPU per GiB pulled", "s", {name: cpu / pulled_gib for name, cpu in pull_cpu.items()}, higher=False)
        record("pull blob, 8 concurrent streams (aggregate)", "MiB/s", pull8)
        record("resident memory during 1-stream pull", "MiB", rss1, higher=False)
        record("resident memory during 8-stream pull", "MiB", rss8, higher=False)

        # A small image for manifest GET and blob HEAD.
        manifests = {server.name: push_small_image(server) for server in servers}
        get_rate, head_rate = {}, {}
        for server in servers:
            get_rate[server.name], head_rate[server.name] = request_rates(server, manifests[server.name][1], args.duration)
        record("manifest GET (wrk -t2 -c32, OCI Accept)", "req/s", get_rate)
        record("blob HEAD (hey -m HEAD -c 32)", "req/s", head_rate)

        # Tags list over many tags, and the catalog over many repositories. Latencies are the
        # median of many requests on one keep-alive connection, so the client's own cost stays small.
        tag_page_ms, tag_all_ms, catalog_first_ms, catalog_mid_ms = {}, {}, {}, {}
        for server in servers:
            manifest = manifests[server.name][0]
            # The tags repository needs the image's blobs first: mount them from bench/image.
            for blob_digest in (json.loads(manifest)["config"]["digest"], manifests[server.name][1]):
                status, _, _ = server.request("POST", f"/v2/bench/tags/blobs/uploads/?mount={blob_digest}&from=bench/image")
                assert status == 201, (server.name, status)
            statuses = parallel(lambda i: Session.request(
                server, "PUT", f"/v2/bench/tags/manifests/t{i:05d}", manifest, {"Content-Type": OCI_MANIFEST}),
                range(args.tags))
            assert set(statuses) == {201}, (server.name, set(statuses))
            items, _ = list_all(server, "/v2/bench/tags/tags/list", "n=1000")
            assert len(items) == args.tags, (server.name, len(items))
            tag_page_ms[server.name] = 1000 * keep_alive_latency(server, "/v2/bench/tags/tags/list?n=100")
            tag_all_ms[server.name] = 1000 * timed(lambda: list_all(server, "/v2/bench/tags/tags/list", "n=1000"), 9)

            layer_digest = manifests[server.name][1]
            statuses = parallel(lambda i: Session.request(
                server, "POST", f"/v2/catalog/r{i:05d}/blobs/uploads/?mount={layer_digest}&from=bench/image"),
                range(args.repos))
            assert set(statuses) == {201}, (server.name, set(statuses))
            catalog_first_ms[server.name] = 1000 * keep_alive_latency(server, "/v2/_catalog?n=100")
            middle = f"catalog/r{args.repos // 2:05d}"
            catalog_mid_ms[server.name] = 1000 * keep_alive_latency(server, f"/v2/_catalog?n=100&last={middle}")
        record(f"tags list page n=100 of {args.tags} tags (2.8 ignores n)", "ms", tag_page_ms, higher=False)
        record(f"tags list, all {args.tags} tags (pages of 1000)", "ms", tag_all_ms, higher=False)
        record(f"catalog first page of 100 over {args.repos} repos", "ms", catalog_first_ms, higher=False)
        record(f"catalog page of 100 from the middle", "ms", catalog_mid_ms, higher=False)

        peak = {server.name: server.status_kib("VmHWM") / 1024 for server in servers}
        record("peak resident memory over the whole run", "MiB", peak, higher=False)
    finally:
        for server in servers:
            server.stop()
        log.close()
        shutil.rmtree(work, ignore_errors=True)

    results.table()


if __name__ == "__main__":
    main()
