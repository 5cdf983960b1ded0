"""Garbage collection: Wharf's sweep beside Docker Distribution's `docker-registry
garbage-collect` on copies of the same data, and pushes with Wharf's collector on against off.
Not a test: it asserts nothing about speed; it checks that both sweeps kept the referenced blobs
and deleted the rest, and that every acknowledged image still pulls. See BENCHMARKS.md."""

import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

from registry_bench import MIB, OCI_MANIFEST, Server, distribution_config, free_port

CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar"


def write_blob(root, data):
    digest = hashlib.sha256(data).hexdigest()
    directory = f"{root}/docker/registry/v2/blobs/sha256/{digest[:2]}/{digest}"
    os.makedirs(directory, exist_ok=True)
    with open(directory + "/data", "wb") as out:
        out.write(data)
    return digest


def link(root, repository, kind, digest):
    directory = f"{root}/docker/registry/v2/repositories/{repository}/{kind}/sha256/{digest}"
    os.makedirs(directory, exist_ok=True)
    with open(directory + "/link", "w") as out:
        out.write("sha256:" + digest)


def distribution_root(root, count, size, repositories=100):
    """A registry:2 root: `count` blobs of `size` bytes linked into `repositories` repositories
    and referenced by no manifest, plus one tagged image (config, layer, manifest) that every
    collector must keep. Returns the image's three digests."""
    for index in range(count):
        digest = write_blob(root, os.urandom(size))
        link(root, f"bench/r{index % repositories}", "_layers", digest)
    config = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
    layer = os.urandom(4096)
    config_digest, layer_digest = write_blob(root, config), write_blob(root, layer)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                           "config": {"mediaType": CONFIG_TYPE, "digest": "sha256:" + config_digest, "size": len(config)},
                           "layers": [{"mediaType": LAYER_TYPE, "digest": "sha256:" + layer_digest, "size": len(layer)}]}).encode()
    manifest_digest = write_blob(root, manifest)
    for digest in (config_digest, layer_digest):
        link(root, "bench/kept", "_layers", digest)
    link(root, "bench/kept", "_manifests/revisions", manifest_digest)
    tag = f"{root}/docker/registry/v2/repositories/bench/kept/_manifests/tags/v1"
    os.makedirs(tag + "/current", exist_ok=True)
    with open(tag + "/current/link", "w") as out:
        out.write("sha256:" + manifest_digest)
    link(root, "bench/kept", "_manifests/tags/v1/index", manifest_digest)
    return {config_digest, layer_digest, manifest_digest}


def stored(root):
    base = f"{root}/docker/registry/v2/blobs/sha256"
    return {name for prefix in os.listdir(base) for name in os.listdir(f"{base}/{prefix}")
            if os.path.exists(f"{base}/{prefix}/{name}/data")}


def sweep(wharf, work, label, count, size):
    """Both collectors over copies of one root, and `rm -rf` of a third copy's blob tree (the
    storage's own speed); returns (seconds for Distribution, for Wharf, for rm)."""
    source = f"{work}/{label}"
    kept = distribution_root(source, count, size)
    copy = f"{work}/{label}-wharf"
    anchor = f"{work}/{label}-rm"
    subprocess.run(["cp", "-a", source, copy], check=True)
    subprocess.run(["cp", "-a", source, anchor], check=True)
    subprocess.run(["sync"], check=True)
    start = time.perf_counter()
    subprocess.run(["rm", "-rf", f"{anchor}/docker/registry/v2/blobs"], check=True)
    rm_seconds = time.perf_counter() - start
    shutil.rmtree(anchor)
    config = distribution_config(f"{work}/{label}.yml", free_port(), f"  filesystem:\n    rootdirectory: {source}\n")
    start = time.perf_counter()
    subprocess.run(["docker-registry", "garbage-collect", config], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    distribution_seconds = time.perf_counter() - start
    assert stored(source) == kept, f"Distribution left {len(stored(source))} blobs"
    subprocess.run([wharf, "import", "distribution", "--root", copy, "--wharf-root", copy], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, REGISTRY_AUTH="none"))
    subprocess.run(["sync"], check=True)
    start = time.perf_counter()
    out = subprocess.run([wharf, "gc", "run", "--review-after", "0s", "--upload-grace", "0s", "--root", copy],
                         check=True, capture_output=True, text=True).stdout
    wharf_seconds = time.perf_counter() - start
    summary = out.strip().splitlines()[-1]
    assert f"{count} blobs deleted" in summary, summary
    assert stored(copy) == kept, f"Wharf left {len(stored(copy))} blobs"
    shutil.rmtree(source)
    shutil.rmtree(copy)
    return distribution_seconds, wharf_seconds, rm_seconds


def sweep_s3(wharf, work, count, with_distribution=True, size=1024):
    """The sweep with both registries' blobs in radosgw (one bucket each, the same objects);
    returns (seconds for Distribution, or None without it, for Wharf)."""
    import concurrent.futures
    import boto3
    from s3_bench import ACCESS_KEY, SECRET_KEY, start_cluster
    here = os.path.dirname(os.path.abspath(__file__))
    cluster, endpoint = start_cluster(work, os.path.join(here, "..", "scripts", "ceph-s3-cluster.sh"))
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY)
        source = f"{work}/s3-source"
        kept = distribution_root(source, count, size)
        files = [os.path.join(directory, name) for directory, _, names in os.walk(source) for name in names]
        for bucket in ("distribution", "wharf") if with_distribution else ("wharf",):
            s3.create_bucket(Bucket=bucket)

            def put(path, bucket=bucket):
                with open(path, "rb") as data:
                    s3.put_object(Bucket=bucket, Key="registry/" + os.path.relpath(path, source), Body=data.read())

            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                list(pool.map(put, files))
            print(f"(untimed preparation: {len(files)} objects put into bucket {bucket} in {time.perf_counter() - start:.1f} s)", flush=True)

        def remaining(bucket):
            keys, token = set(), None
            while True:
                page = s3.list_objects_v2(Bucket=bucket, Prefix="registry/docker/registry/v2/blobs/",
                                          **({"ContinuationToken": token} if token else {}))
                keys |= {item["Key"].split("/")[-2] for item in page.get("Contents", [])}
                token = page.get("NextContinuationToken")
                if not token:
                    return keys

        distribution_seconds = None
        if with_distribution:
            storage = (f"  s3:\n    accesskey: {ACCESS_KEY}\n    secretkey: {SECRET_KEY}\n    region: us-east-1\n"
                       f"    regionendpoint: {endpoint}\n    bucket: distribution\n    rootdirectory: /registry\n")
            config = distribution_config(f"{work}/s3.yml", free_port(), storage)
            os.environ.pop("AWS_CA_BUNDLE", None)
            start = time.perf_counter()
            subprocess.run(["docker-registry", "garbage-collect", config], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            distribution_seconds = time.perf_counter() - start
            assert remaining("distribution") == kept, f"Distribution left {len(remaining('distribution'))} blobs"
        environment = dict(os.environ, REGISTRY_AUTH="none", REGISTRY_STORAGE_S3_ACCESSKEY=ACCESS_KEY,
                           REGISTRY_STORAGE_S3_SECRETKEY=SECRET_KEY, REGISTRY_STORAGE_S3_REGION="us-east-1",
                           REGISTRY_STORAGE_S3_REGIONENDPOINT=endpoint, REGISTRY_STORAGE_S3_BUCKET="wharf",
                           REGISTRY_STORAGE_S3_ROOTDIRECTORY="/registry")
        data = f"{work}/s3-wharf-data"
        start = time.perf_counter()
        subprocess.run([wharf, "import", "distribution", "--wharf-root", data], check=True, stdout=subprocess.DEVNULL,
                       env=environment)
        print(f"(untimed preparation: wharf import distribution of the bucket took {time.perf_counter() - start:.1f} s)", flush=True)
        start = time.perf_counter()
        out = subprocess.run([wharf, "gc", "run", "--review-after", "0s", "--upload-grace", "0s", "--root", data],
                             check=True, capture_output=True, text=True, env=environment).stdout
        wharf_seconds = time.perf_counter() - start
        assert f"{count} blobs deleted" in out.strip().splitlines()[-1], out[-500:]
        assert remaining("wharf") == kept, f"Wharf left {len(remaining('wharf'))} blobs"
        return distribution_seconds, wharf_seconds
    finally:
        cluster.terminate()  # SIGTERM runs its trap, which kills the daemons (SIGKILL left them running)
        cluster.wait(timeout=60)


def push_load(server, seconds, clients, deletes, counts, failures, acknowledged, lock):
    """`clients` threads pushing two-layer images (and deleting every fourth) for `seconds`."""
    stop = time.time() + seconds

    def client(number):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

        def request(method, path, body=None, headers=None):
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()

        round_number = 0
        while time.time() < stop:
            round_number += 1
            repository = f"load/c{number % 8}"
            config = json.dumps({"client": number, "round": round_number}).encode()
            layers = [os.urandom(4096), os.urandom(4096)]
            descriptors = []
            for blob in [config] + layers:
                digest = "sha256:" + hashlib.sha256(blob).hexdigest()
                status, body = request("POST", f"/v2/{repository}/blobs/uploads/?digest={digest}", blob)
                if status != 201:
                    failures.append(f"upload {status} {body[:200]!r}")
                descriptors.append((digest, len(blob)))
            manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                                   "config": {"mediaType": CONFIG_TYPE, "digest": descriptors[0][0], "size": descriptors[0][1]},
                                   "layers": [{"mediaType": LAYER_TYPE, "digest": d, "size": s} for d, s in descriptors[1:]]})
            tag = f"c{number}-{round_number}"
            status, body = request("PUT", f"/v2/{repository}/manifests/{tag}", manifest.encode(), {"Content-Type": OCI_MANIFEST})
            if status != 201:
                failures.append(f"manifest {status} {body[:200]!r}")
                continue
            digest = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
            with lock:
                counts[number] += 1
                acknowledged[(repository, tag)] = (digest, [d for d, _ in descriptors])
            if deletes and round_number % 4 == 0:
                status, _ = request("DELETE", f"/v2/{repository}/manifests/{digest}")
                if status != 202:
                    failures.append(f"delete {status}")
                with lock:
                    del acknowledged[(repository, tag)]
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def verify(server, acknowledged):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    lost = 0
    for (repository, tag), (digest, blobs) in acknowledged.items():
        connection.request("GET", f"/v2/{repository}/manifests/{tag}", headers={"Accept": OCI_MANIFEST})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200 or "sha256:" + hashlib.sha256(body).hexdigest() != digest:
            lost += 1
            continue
        for blob in blobs:
            connection.request("GET", f"/v2/{repository}/blobs/{blob}")
            response = connection.getresponse()
            if response.status != 200 or "sha256:" + hashlib.sha256(response.read()).hexdigest() != blob:
                lost += 1
    return lost


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--large-mib", type=int, default=16)
    parser.add_argument("--push-seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--s3", type=int, default=10_000, help="blobs for the sweep on radosgw (0: skip)")
    parser.add_argument("--skip-push", action="store_true")
    parser.add_argument("--s3-wharf-only", action="store_true", help="radosgw: Wharf's sweep alone (Distribution's takes hours at 100,000)")
    parser.add_argument("--s3-kib", type=int, default=1, help="size of the blobs of the radosgw sweep")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="wharf-gc-bench-")
    rows = []
    try:
        if not args.skip_sweep:
            for label, count, size in (("small", args.small, 1024), ("large", args.large, args.large_mib * MIB)):
                if count == 0:
                    continue
                distribution, wharf, rm = sweep(args.wharf, work, label, count, size)
                what = f"{count} unreferenced blobs of {size // 1024} KiB"
                rows.append((f"sweep {what}", "blobs/s", count / wharf, count / distribution))
                rows.append((f"sweep {what}", "MiB/s", count * size / MIB / wharf, count * size / MIB / distribution))
                rows.append((f"sweep {what}: Wharf against rm -rf of the blob tree", "blobs/s", count / wharf, count / rm))
                print(f"{what}: Distribution {distribution:.2f} s, Wharf {wharf:.2f} s, rm -rf {rm:.2f} s", flush=True)

        if args.s3 > 0:
            distribution, wharf = sweep_s3(args.wharf, work, args.s3, with_distribution=not args.s3_wharf_only, size=args.s3_kib * 1024)
            what = f"{args.s3} unreferenced blobs of {args.s3_kib} KiB in radosgw"
            if distribution is None:
                print(f"{what}: Wharf {wharf:.2f} s ({args.s3 / wharf:.1f} blobs/s)", flush=True)
            else:
                rows.append((f"sweep {what}", "blobs/s", args.s3 / wharf, args.s3 / distribution))
                print(f"{what}: Distribution {distribution:.2f} s, Wharf {wharf:.2f} s", flush=True)

        log = open(os.path.join(work, "servers.log"), "w")
        rates, cpu, lost = {}, {}, {}
        for name, extra in () if args.skip_push else (("off", {"REGISTRY_GC_DISABLED": "true"}),
                            ("on", {"REGISTRY_GC_REVIEWAFTER": "0s", "REGISTRY_GC_UPLOADGRACE": "10s",
                                    "REGISTRY_GC_BLOBS_INTERVAL": "100ms", "REGISTRY_GC_MANIFESTS_INTERVAL": "100ms",
                                    "REGISTRY_GC_NOIDLEBACKOFF": "true"})):
            port = free_port()
            os.environ.update(REGISTRY_AUTH="none", REGISTRY_STORAGE_DELETE_ENABLED="true")
            for key in [k for k in os.environ if k.startswith("REGISTRY_GC_")]:
                del os.environ[key]
            os.environ.update(extra)
            server = Server(f"wharf gc {name}", [args.wharf, "serve", "--addr", f"127.0.0.1:{port}", "--root",
                                                 f"{work}/push-{name}", "--log-level", "error"], port, log)
            counts, failures, acknowledged, lock = [0] * args.clients, [], {}, threading.Lock()
            before = server.cpu_seconds()
            start = time.perf_counter()
            push_load(server, args.push_seconds, args.clients, True, counts, failures, acknowledged, lock)
            elapsed = time.perf_counter() - start
            rates[name] = sum(counts) / elapsed
            cpu[name] = (server.cpu_seconds() - before) / max(1, sum(counts)) * 1000
            assert not failures, failures[:5]
            time.sleep(1)
            lost[name] = verify(server, acknowledged)
            print(f"gc {name}: {sum(counts)} pushes in {elapsed:.1f} s, {len(acknowledged)} images kept, "
                  f"{lost[name]} lost, {cpu[name]:.2f} ms server CPU per push", flush=True)
            server.stop()
        log.close()
        if not args.skip_push:
            rows.append((f"pushes of 2-layer images, {args.clients} clients, 1 in 4 deleted", "pushes/s", rates["on"], rates["off"]))
            rows.append(("server CPU per push", "ms", cpu["on"], cpu["off"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n| figure | unit | Wharf | Distribution 2.8.2 (sweep) / Wharf, GC off (pushes) | ratio |")
    print("|---|---|---:|---:|---:|")
    for figure, unit, mine, theirs in rows:
        ratio = theirs / mine if unit == "ms" else mine / theirs
        print(f"| {figure} | {unit} | {mine:.1f} | {theirs:.1f} | {ratio:.2f}× |")
    if lost:
        print(f"\nimages lost: GC on {lost['on']}, GC off {lost['off']}")


if __name__ == "__main__":
    main()
