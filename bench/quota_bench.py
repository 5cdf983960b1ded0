"""Storage limits and cleanup policies (issue 13): a policy run deleting most of a repository's
tags, `wharf usage` of a namespace of many repositories and blobs, and pushes with a limit set
against none. Not a test: it checks what each step did, and asserts nothing about speed. See
BENCHMARKS.md."""

import argparse
import concurrent.futures
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

from gc_bench import CONFIG_TYPE, LAYER_TYPE, push_load
from registry_bench import OCI_MANIFEST, Server, free_port


def connection(server):
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


def push_blob(conn, repository, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    status, body = call(conn, "POST", f"/v2/{repository}/blobs/uploads/?digest={digest}", data)
    assert status == 201, (status, body[:200])
    return digest, len(data)


def image_manifest(conn, repository):
    config = push_blob(conn, repository, json.dumps({"architecture": "amd64", "os": "linux"}).encode())
    layer = push_blob(conn, repository, os.urandom(1024))
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                       "config": {"mediaType": CONFIG_TYPE, "digest": config[0], "size": config[1]},
                       "layers": [{"mediaType": LAYER_TYPE, "digest": layer[0], "size": layer[1]}]}).encode()


def in_parallel(count, threads, work):
    """Runs `work(index, conn)` for every index on `threads` connections."""
    def worker(offset):
        conn = None
        for index in range(offset, count, threads):
            for _ in range(2):
                try:
                    conn = conn or connection(server_holder[0])
                    work(index, conn)
                    break
                except (http.client.HTTPException, OSError):
                    conn = None
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))


server_holder = []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--tags", type=int, default=12_000)
    parser.add_argument("--deleted", type=int, default=10_000)
    parser.add_argument("--repositories", type=int, default=1_000)
    parser.add_argument("--blobs", type=int, default=100_000)
    parser.add_argument("--push-seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--only", choices=["policy", "usage", "push"], help="one part of the benchmark")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="wharf-quota-bench-")
    log = open(os.path.join(work, "server.log"), "w")
    rows = []
    environment = dict(os.environ, REGISTRY_AUTH="none", REGISTRY_GC_DISABLED="true", REGISTRY_CLEANUP_DISABLED="true")
    try:
        os.environ.update(environment)
        if args.only in (None, "policy"):
            policy_run(args, work, log, environment, rows)
        if args.only in (None, "usage"):
            usage_of_namespace(args, work, log, environment, rows)
        if args.only in (None, "push"):
            pushes_with_a_limit(args, work, log, environment, rows)
    finally:
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    print("\n| figure | unit | value |")
    print("|---|---|---:|")
    for figure, unit, value in rows:
        print(f"| {figure} | {unit} | {value:.2f} |")


def policy_run(args, work, log, environment, rows):
    """A policy run deleting `deleted` of `tags` tags of one repository."""
    wharf = [args.wharf]
    root = f"{work}/policy"
    port = free_port()
    server = Server("wharf", [args.wharf, "serve", "--addr", f"127.0.0.1:{port}", "--root", root, "--log-level", "error"], port, log)
    server_holder[:] = [server]
    manifest = image_manifest(connection(server), "bench/app")

    def tag(index, conn):
        name = f"del-{index}" if index < args.deleted else f"keep-{index}"
        status, body = call(conn, "PUT", f"/v2/bench/app/manifests/{name}", manifest, {"Content-Type": OCI_MANIFEST})
        assert status == 201, (status, body[:200])

    in_parallel(args.tags, 8, tag)
    subprocess.run(wharf + ["cleanup-policy", "set", "--project", "bench/app", "--enable", "--keep-n", "none", "--older-than", "none",
                            "--name-regex", "del-.*", "--root", root], check=True, stdout=subprocess.DEVNULL, env=environment)
    start = time.perf_counter()
    out = subprocess.run(wharf + ["cleanup-policy", "run", "--project", "bench/app", "--root", root],
                         check=True, capture_output=True, text=True, env=environment).stdout
    seconds = time.perf_counter() - start
    summary = out.strip().splitlines()[-1]
    assert summary.startswith(f"{args.deleted} tags deleted of {args.tags}"), summary
    print(f"policy run: {summary} in {seconds:.2f} s", flush=True)
    rows.append((f"cleanup policy run deleting {args.deleted} of {args.tags} tags (process start included)", "tags/s", args.deleted / seconds))
    server.stop()


def usage_of_namespace(args, work, log, environment, rows):
    """`wharf usage` of a namespace of `repositories` repositories and `blobs` blobs."""
    wharf = [args.wharf]
    root = f"{work}/usage"
    port = free_port()
    server = Server("wharf", [args.wharf, "serve", "--addr", f"127.0.0.1:{port}", "--root", root, "--log-level", "error"], port, log)
    server_holder[:] = [server]

    def blob(index, conn):
        push_blob(conn, f"bench/r{index % args.repositories}", index.to_bytes(8, "big") + os.urandom(56))

    start = time.perf_counter()
    in_parallel(args.blobs, 8, blob)
    print(f"{args.blobs} blobs pushed into {args.repositories} repositories in {time.perf_counter() - start:.1f} s", flush=True)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        out = subprocess.run(wharf + ["usage", "--namespace", "bench", "--root", root], check=True, capture_output=True, text=True,
                             env=environment).stdout
        timings.append((time.perf_counter() - start) * 1000)
    expected = f"{round(args.blobs * 64 / 1024 / 1024 * 100) / 100} MiB stored"
    assert expected in out, (expected, out)
    print(f"wharf usage: {out.strip()} ({', '.join(f'{t:.0f}' for t in timings)} ms)", flush=True)
    start = time.perf_counter()
    subprocess.run(wharf + ["--help"], check=True, capture_output=True, env=environment)
    bare = (time.perf_counter() - start) * 1000
    rows.append((f"wharf usage of a namespace of {args.repositories} repositories, {args.blobs} blobs (median of 5, process start included)",
                 "ms", sorted(timings)[2]))
    rows.append(("the same process doing nothing (wharf --help)", "ms", bare))
    server.stop()


def pushes_with_a_limit(args, work, log, environment, rows):
    """Pushes with a limit on their namespace against none."""
    wharf = [args.wharf]
    rates, cpu = {}, {}
    for name in ("none", "limit"):
        root = f"{work}/push-{name}"
        port = free_port()
        server = Server("wharf", [args.wharf, "serve", "--addr", f"127.0.0.1:{port}", "--root", root, "--log-level", "error"], port, log)
        if name == "limit":
            subprocess.run(wharf + ["quota", "set", "--namespace", "load", "--limit", "100GiB", "--root", root], check=True,
                           stdout=subprocess.DEVNULL, env=environment)
        counts, failures, acknowledged, lock = [0] * args.clients, [], {}, threading.Lock()
        before = server.cpu_seconds()
        start = time.perf_counter()
        push_load(server, args.push_seconds, args.clients, False, counts, failures, acknowledged, lock)
        elapsed = time.perf_counter() - start
        assert not failures, failures[:5]
        rates[name] = sum(counts) / elapsed
        cpu[name] = (server.cpu_seconds() - before) / max(1, sum(counts)) * 1000
        print(f"pushes, {name}: {sum(counts)} in {elapsed:.1f} s, {cpu[name]:.2f} ms server CPU per push", flush=True)
        server.stop()
    rows.append((f"pushes of 2-layer images, {args.clients} clients: a limit set / none", "ratio", rates["limit"] / rates["none"]))
    rows.append(("server CPU per push: a limit set / none", "ratio", cpu["limit"] / cpu["none"]))


if __name__ == "__main__":
    main()
