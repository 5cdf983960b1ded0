"""Wharf and Docker Distribution 2.8.2 side by side with their blobs in the same S3 server (Ceph's
radosgw on a one-node in-memory cluster, each registry in its own bucket). Prints each figure for
both and the ratio. Not a test: it asserts nothing about speed. See BENCHMARKS.md."""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import boto3

from registry_bench import (MIB, OCI_MANIFEST, Results, Server, Session, absolute, distribution_config, download,
                            free_port, keep_alive_latency, list_all, parallel, push_blob_file, push_small_image,
                            random_file, request_rates, with_query)

ACCESS_KEY, SECRET_KEY = "WHARFBENCHACCESSKEY", "wharf-bench-secret-key"


def start_cluster(work, script):
    """The package's one-node Ceph cluster; it removes itself when this process ends."""
    directory = tempfile.mkdtemp(prefix="wb-", dir="/tmp")
    gateway, monitor = free_port(), free_port()
    environment = dict(os.environ, CEPH_MEMSTORE_BYTES=str(8 << 30))
    process = subprocess.Popen(["sh", script, directory, str(gateway), str(monitor), str(os.getpid()), ACCESS_KEY,
                                SECRET_KEY], env=environment, stderr=open(os.path.join(work, "ceph.log"), "w"))
    deadline = time.time() + 120
    while not os.path.exists(os.path.join(directory, "ready")):
        if process.poll() is not None or time.time() > deadline:
            raise SystemExit("the Ceph cluster did not start: " + open(os.path.join(work, "ceph.log")).read()[-2000:])
        time.sleep(0.2)
    return process, f"http://127.0.0.1:{gateway}"


def push_chunked(server, repository, path, digest, chunk):
    """POST, then PATCHes of `chunk` bytes, then the closing PUT: what docker and skopeo send for
    layers they stream. Seconds from the first PATCH to the 201."""
    status, headers, _ = server.request("POST", f"/v2/{repository}/blobs/uploads/")
    assert status == 202, (server.name, status)
    location = absolute(server, headers["Location"])
    size = os.path.getsize(path)
    start = time.perf_counter()
    with open(path, "rb") as source:
        offset = 0
        while offset < size:
            data = source.read(chunk)
            relative = "/" + location.split("/", 3)[3]
            status, headers, body = server.request("PATCH", relative, body=data, headers={
                "Content-Type": "application/octet-stream", "Content-Range": f"{offset}-{offset + len(data) - 1}"})
            assert status == 202, (server.name, status, body[:200])
            location = absolute(server, headers["Location"])
            offset += len(data)
    relative = "/" + with_query(location, f"digest={digest}").split("/", 3)[3]
    status, _, body = server.request("PUT", relative)
    assert status == 201, (server.name, status, body[:200])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--blob-mib", type=int, default=256)
    parser.add_argument("--chunk-mib", type=int, default=16)
    parser.add_argument("--tags", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    work = tempfile.mkdtemp(prefix="wharf-bench-s3-")
    print("starting a one-node Ceph cluster with radosgw...", file=sys.stderr)
    cluster, endpoint = start_cluster(work, os.path.join(here, "..", "scripts", "ceph-s3-cluster.sh"))
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
                      aws_secret_access_key=SECRET_KEY)
    for bucket in ("wharf", "distribution"):
        s3.create_bucket(Bucket=bucket)
    # radosgw creates its data pool on the first object written and another on the first
    # multipart upload (seconds each): not either registry's cost.
    s3.put_object(Bucket="wharf", Key="warm-up", Body=b"x")
    s3.delete_object(Bucket="wharf", Key="warm-up")
    upload = s3.create_multipart_upload(Bucket="wharf", Key="warm-up")
    s3.upload_part(Bucket="wharf", Key="warm-up", UploadId=upload["UploadId"], PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket="wharf", Key="warm-up", UploadId=upload["UploadId"])

    log = open(os.path.join(work, "servers.log"), "w")
    wharf_port, dist_port = free_port(), free_port()
    # Distribution would answer blob GETs with a redirect to the bucket; disabled so that both
    # registries send the bytes themselves, as Wharf does.
    config = distribution_config(os.path.join(work, "distribution.yml"), dist_port, f"""  s3:
    accesskey: {ACCESS_KEY}
    secretkey: {SECRET_KEY}
    region: us-east-1
    regionendpoint: {endpoint}
    bucket: distribution
    rootdirectory: /registry
    chunksize: {10 * MIB}
  redirect:
    disable: true
  cache:
    blobdescriptor: inmemory
""")
    # Distribution 2.8.2's aws-sdk-go panics at start when AWS_CA_BUNDLE is set (its transport
    # cannot take a custom bundle); the endpoint is plain http, so no bundle is needed.
    os.environ.pop("AWS_CA_BUNDLE", None)
    os.environ.update({
        "REGISTRY_AUTH": "none", "REGISTRY_STORAGE_S3_ACCESSKEY": ACCESS_KEY, "REGISTRY_STORAGE_S3_SECRETKEY": SECRET_KEY,
        "REGISTRY_STORAGE_S3_REGION": "us-east-1", "REGISTRY_STORAGE_S3_REGIONENDPOINT": endpoint,
        "REGISTRY_STORAGE_S3_BUCKET": "wharf", "REGISTRY_STORAGE_S3_ROOTDIRECTORY": "/registry",
        "REGISTRY_STORAGE_S3_CHUNKSIZE": str(10 * MIB),
    })
    results = Results()
    record = results.record
    servers = []
    try:
        # Started inside the try, so that one failing to start does not leave the other running.
        servers.append(Server("wharf", [args.wharf, "serve", "--addr", f"127.0.0.1:{wharf_port}", "--root",
                                        f"{work}/wharf", "--log-level", "error"], wharf_port, log))
        servers.append(Server("distribution", ["docker-registry", "serve", config], dist_port, log))
        blob = os.path.join(work, "blob")
        mono = {"wharf": [], "distribution": []}
        chunked = {"wharf": [], "distribution": []}
        for run in range(args.runs):
            digest = random_file(blob, args.blob_mib * MIB)
            for server in (servers if run % 2 == 0 else servers[::-1]):
                mono[server.name].append(push_blob_file(server, f"bench/mono{run}", blob, digest))
            digest = random_file(blob, args.blob_mib * MIB)
            for server in (servers if run % 2 == 0 else servers[::-1]):
                chunked[server.name].append(push_chunked(server, f"bench/chunked{run}", blob, digest, args.chunk_mib * MIB))
        record(f"push {args.blob_mib} MiB blob (monolithic PUT)", "MiB/s",
               {name: args.blob_mib / statistics.median(times) for name, times in mono.items()})
        record(f"push {args.blob_mib} MiB blob ({args.chunk_mib} MiB PATCHes)", "MiB/s",
               {name: args.blob_mib / statistics.median(times) for name, times in chunked.items()})

        path = f"/v2/bench/chunked{args.runs - 1}/blobs/{digest}"
        pulls = {"wharf": [], "distribution": []}
        for run in range(2 * args.runs):
            for server in (servers if run % 2 == 0 else servers[::-1]):
                pulls[server.name].append(download(server.port, path, args.blob_mib * MIB))
        record("pull blob, 1 stream", "MiB/s", {name: args.blob_mib / statistics.median(t) for name, t in pulls.items()})
        eight = {}
        for server in servers:
            start = time.perf_counter()
            parallel(lambda _: download(server.port, path, args.blob_mib * MIB), range(8))
            eight[server.name] = 8 * args.blob_mib / (time.perf_counter() - start)
        record("pull blob, 8 concurrent streams (aggregate)", "MiB/s", eight)
        os.remove(blob)

        manifests = {server.name: push_small_image(server) for server in servers}
        get_rate, head_rate = {}, {}
        for server in servers:
            get_rate[server.name], head_rate[server.name] = request_rates(server, manifests[server.name][1], args.duration)
        record("manifest GET (wrk -t2 -c32, OCI Accept)", "req/s", get_rate)
        record("blob HEAD (hey -m HEAD -c 32)", "req/s", head_rate)

        tag_push, tag_list = {}, {}
        for server in servers:
            manifest = manifests[server.name][0]
            start = time.perf_counter()
            statuses = parallel(lambda i: Session.request(
                server, "PUT", f"/v2/bench/image/manifests/t{i:05d}", manifest, {"Content-Type": OCI_MANIFEST}),
                range(args.tags))
            tag_push[server.name] = args.tags / (time.perf_counter() - start)
            assert set(statuses) == {201}, (server.name, set(statuses))
            items, _ = list_all(server, "/v2/bench/image/tags/list", "n=10000")
            assert len(items) == args.tags + 1, (server.name, len(items))
            tag_list[server.name] = 1000 * keep_alive_latency(server, "/v2/bench/image/tags/list?n=10000", requests=20)
        record(f"tag {args.tags} manifests (8 clients)", "tags/s", tag_push)
        record(f"tags list of {args.tags + 1} tags", "ms", tag_list, higher=False)
    finally:
        for server in servers:
            server.stop()
        log.close()
        cluster.terminate()  # its trap kills the daemons and removes the cluster
        cluster.wait(timeout=30)
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    results.table()


if __name__ == "__main__":
    main()
