"""Mixed load for minutes on keep-alive connections, Wharf's resident memory sampled as it runs:
pushes of small images (new blobs, manifests, tags), manifest and blob pulls, HEADs, tag lists and
deletes. Not a test: it shows whether memory holds flat, and checks every answer. See BENCHMARKS.md."""

import argparse
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import threading
import time

from registry_bench import OCI_MANIFEST, Server, free_port


def client(port, number, stop, counts, failures, distinct):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(method, path, body=None, headers=None, expect=(200,)):
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        if response.status not in expect:
            failures.append(f"{method} {path}: {response.status} {data[:200]!r}")
        return response, data

    repository = f"soak/c{number}"
    round_number = 0
    while not stop.is_set():
        round_number += 1
        # With --distinct, images repeat after that many rounds: the working set (cache, rows)
        # stops growing, so what memory does then is what the load costs, not what it stores.
        variant = round_number % distinct if distinct else round_number
        layer = hashlib.sha256(f"{number}-{variant}".encode()).digest() * (64 + variant % 128)
        config = json.dumps({"architecture": "amd64", "os": "linux", "client": number, "n": variant}).encode()
        digests = []
        for content in (config, layer):
            digest = "sha256:" + hashlib.sha256(content).hexdigest()
            request("POST", f"/v2/{repository}/blobs/uploads/?digest={digest}", content,
                    {"Content-Type": "application/octet-stream"}, expect=(201,))
            digests.append((digest, len(content)))
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digests[0][0],
                       "size": digests[0][1]},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digests[1][0],
                        "size": digests[1][1]}]}).encode()
        tag = f"t{round_number % 50}"
        response, _ = request("PUT", f"/v2/{repository}/manifests/{tag}", manifest, {"Content-Type": OCI_MANIFEST},
                              expect=(201,))
        for _ in range(5):
            request("GET", f"/v2/{repository}/manifests/{tag}", headers={"Accept": OCI_MANIFEST})
            request("GET", f"/v2/{repository}/blobs/{digests[1][0]}")
            request("HEAD", f"/v2/{repository}/blobs/{digests[0][0]}")
        request("GET", f"/v2/{repository}/tags/list?n=100")
        if round_number % 10 == 0:
            digest = response.getheader("Docker-Content-Digest")
            request("DELETE", f"/v2/{repository}/manifests/{digest}", expect=(202,))
        counts[number] = round_number
    connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--sample-seconds", type=float, default=30)
    parser.add_argument("--distinct", type=int, default=0, help="images per client before they repeat (0: never)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="wharf-soak-")
    log = open(os.path.join(work, "server.log"), "w")
    port = free_port()
    os.environ.update(REGISTRY_AUTH="none", REGISTRY_STORAGE_DELETE_ENABLED="true")
    server = Server("wharf", [args.wharf, "serve", "--addr", f"127.0.0.1:{port}", "--root", f"{work}/root",
                              "--log-level", "error"], port, log)
    stop, counts, failures = threading.Event(), [0] * args.clients, []
    threads = [threading.Thread(target=client, args=(port, n, stop, counts, failures, args.distinct)) for n in range(args.clients)]
    try:
        start = time.time()
        for thread in threads:
            thread.start()
        print("| minute | pushes | RSS MiB |")
        print("|---:|---:|---:|")
        while time.time() - start < args.minutes * 60:
            time.sleep(args.sample_seconds)
            print(f"| {(time.time() - start) / 60:.1f} | {sum(counts)} | {server.status_kib('VmRSS') / 1024:.1f} |",
                  flush=True)
        stop.set()
        for thread in threads:
            thread.join()
        print(f"\npeak RSS (VmHWM) {server.status_kib('VmHWM') / 1024:.1f} MiB; {sum(counts)} image pushes, "
              f"each with 15 pulls/HEADs and a tag list; failures: {len(failures)}")
        for failure in failures[:10]:
            print("  " + failure)
    finally:
        stop.set()
        server.stop()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
