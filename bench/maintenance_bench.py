#!/usr/bin/env python3
"""Backup, restore and import beside their plain-tool anchors, in one run.

Backup and restore of a registry of --gib GiB (random blobs pushed to a running Wharf) against
`tar` of the same data directory; import of a Distribution 2.8.2 storage of --repos repositories
against a directory walk of it. Prints each figure, the ratio, and a Markdown table."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from registry_bench import MIB, OCI_MANIFEST, Server, distribution_config, free_port, parallel, push_blob_file, push_bytes, random_file, Session


def fsync_path(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def timed_runs(prepare, function, runs):
    """Median seconds of `function` over `runs`, `prepare` (untimed) before each."""
    times = []
    for _ in range(runs):
        prepare()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def tree_bytes(path):
    total = 0
    for directory, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(directory, name))
    return total


def populate_wharf(server, gib, work):
    """--gib GiB of random 64 MiB layers in 8 repositories, each image 1/8 of them."""
    layers = []
    count = gib * 1024 // 64
    source = os.path.join(work, "layer.bin")
    config = push_bytes(server, "bench/r0", b'{"architecture":"amd64","os":"linux"}')
    for index in range(count):
        digest = random_file(source, 64 * MIB)
        repository = f"bench/r{index % 8}"
        push_blob_file(server, repository, source, digest)
        layers.append((repository, digest))
    os.remove(source)
    for r in range(8):
        repository = f"bench/r{r}"
        if r:
            status, _, _ = server.request("POST", f"/v2/{repository}/blobs/uploads/?mount={config}&from=bench/r0")
            assert status == 201, status
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": 37},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": 64 * MIB}
                       for repo, d in layers if repo == repository]}).encode()
        status, _, body = server.request("PUT", f"/v2/{repository}/manifests/v1", body=manifest,
                                         headers={"Content-Type": OCI_MANIFEST})
        assert status == 201, (status, body)


def populate_distribution(server, repositories):
    """One image per repository: its own 16 KiB layer, a shared config, two tags."""
    config = push_bytes(server, "bench/base", b'{"architecture":"amd64","os":"linux"}')

    def one(index):
        repository = f"fleet/service-{index:04d}"
        status, _, _ = server.request("POST", f"/v2/{repository}/blobs/uploads/?mount={config}&from=bench/base")
        assert status == 201, status
        layer = os.urandom(16 * 1024)
        digest = push_bytes(server, repository, layer)
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": 37},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest, "size": len(layer)}]}).encode()
        for tag in ("v1", "latest"):
            status = Session.request(server, "PUT", f"/v2/{repository}/manifests/{tag}", manifest, {"Content-Type": OCI_MANIFEST})
            assert status == 201, status
        return 201

    assert set(parallel(one, range(repositories))) == {201}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--gib", type=int, default=2)
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    wharf = os.path.abspath(args.wharf)
    rows = []

    def record(figure, unit, mine, theirs, anchor, higher=True):
        ratio = (mine / theirs) if higher else (theirs / mine)
        rows.append((figure, unit, mine, theirs, anchor, ratio))
        print(f"{figure}: Wharf {mine:.2f} {unit}, {anchor} {theirs:.2f} {unit}, Wharf advantage {ratio:.2f}x", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="wharf-bench-maint-", dir=os.environ.get("BENCH_DIR", "/var/tmp")) as work:
        root, backups, restored = (os.path.join(work, name) for name in ("data", "backups", "restored"))
        # An open registry: the benchmark measures storage work, not token checks.
        os.environ["REGISTRY_AUTH"] = "none"
        environment = dict(os.environ)
        log = open(os.path.join(work, "wharf.log"), "w")
        port = free_port()
        server = Server("wharf", [wharf, "serve", "--addr", f"127.0.0.1:{port}", "--root", root], port, log)
        print(f"pushing {args.gib} GiB into Wharf...", file=sys.stderr)
        populate_wharf(server, args.gib, work)
        data_bytes = tree_bytes(root)
        data_mib = data_bytes / MIB

        # Backup, online (the server keeps running), against tar of the same directory + fsync.
        def clear_backups():
            shutil.rmtree(backups, ignore_errors=True)
            os.makedirs(backups)

        wharf_backup = timed_runs(clear_backups, lambda: run(
            [wharf, "backup", "create", "--root", root, "--dir", backups], env=environment), args.runs)
        archive = os.path.join(backups, [name for name in os.listdir(backups) if name.endswith("_wharf_backup.tar")][0])
        archive_mib = os.path.getsize(archive) / MIB
        tar_path = os.path.join(work, "anchor.tar")

        def tar_create():
            run(["tar", "-cf", tar_path, "-C", root, "."])
            fsync_path(tar_path)

        def tar_create_hashed():
            run(["bash", "-c", f"set -o pipefail; tar -cf - -C {root} . | tee {tar_path} | sha256sum >/dev/null"])
            fsync_path(tar_path)

        tar_backup = timed_runs(lambda: None, tar_create, args.runs)
        tar_hashed_backup = timed_runs(lambda: None, tar_create_hashed, args.runs)
        record(f"backup of a {data_mib / 1024:.1f} GiB registry, server running", "MiB/s",
               archive_mib / wharf_backup, data_mib / tar_backup, "tar -cf + fsync")
        record("backup (anchor hashing too)", "MiB/s", archive_mib / wharf_backup, data_mib / tar_hashed_backup,
               "tar | tee | sha256sum + fsync")

        # Restore after a wipe, the disaster case: both start from a missing directory and end
        # with everything on disk (Wharf: verify every checksum, extract, sync, rename into place).
        server.stop()

        def wipe():
            shutil.rmtree(restored, ignore_errors=True)
            run(["sync"])

        wharf_restore = timed_runs(wipe, lambda: run(
            [wharf, "backup", "restore", "--root", restored, "--dir", backups], env=environment), args.runs)

        def tar_restore():
            os.makedirs(restored)
            run(["tar", "-xf", tar_path, "-C", restored])
            run(["sync"])

        tar_restore_time = timed_runs(wipe, tar_restore, args.runs)
        record("restore after a wipe (verify, extract, sync)", "MiB/s", archive_mib / wharf_restore, data_mib / tar_restore_time,
               "tar -xf + sync")

        # Restore over data that is there (an older backup over newer data, --force): Wharf keeps
        # the old data until the new is complete and swapped in; tar has to delete it first.
        shutil.rmtree(restored, ignore_errors=True)
        shutil.copytree(root, restored)
        run(["sync"])
        wharf_over = timed_runs(lambda: run(["sync"]), lambda: run(
            [wharf, "backup", "restore", "--root", restored, "--dir", backups, "--force"], env=environment), args.runs)

        def tar_over():
            shutil.rmtree(restored, ignore_errors=True)
            tar_restore()

        tar_over_time = timed_runs(lambda: run(["sync"]), tar_over, args.runs)
        record("restore over existing data (--force, atomic swap)", "MiB/s", archive_mib / wharf_over, data_mib / tar_over_time,
               "rm -rf + tar -xf + sync")
        log.close()
        shutil.rmtree(root)
        shutil.rmtree(restored)
        shutil.rmtree(backups)
        os.remove(tar_path)

        # Import of a Distribution 2.8.2 storage with --repos repositories.
        distribution_root = os.path.join(work, "distribution")
        dport = free_port()
        config = distribution_config(os.path.join(work, "distribution.yml"), dport,
                                     f"  filesystem:\n    rootdirectory: {distribution_root}\n")
        dlog = open(os.path.join(work, "distribution.log"), "w")
        distribution = Server("distribution", ["docker-registry", "serve", config], dport, dlog)
        print(f"pushing {args.repos} repositories into Distribution...", file=sys.stderr)
        populate_distribution(distribution, args.repos)
        distribution.stop()
        dlog.close()

        target = os.path.join(work, "imported")
        adopted = os.path.join(work, "adopted")

        def fresh_target():
            shutil.rmtree(target, ignore_errors=True)

        def fresh_copy():
            shutil.rmtree(adopted, ignore_errors=True)
            shutil.copytree(distribution_root, adopted)

        copy_import = timed_runs(fresh_target, lambda: run(
            [wharf, "import", "distribution", "--root", distribution_root, "--wharf-root", target]), args.runs)
        in_place = timed_runs(fresh_copy, lambda: run(
            [wharf, "import", "distribution", "--root", adopted, "--wharf-root", adopted]), args.runs)
        walk = timed_runs(lambda: None, lambda: run(["find", distribution_root, "-type", "f"]), args.runs)
        walk_read = timed_runs(lambda: None, lambda: subprocess.run(
            f"find {distribution_root} -type f -exec cat {{}} + > /dev/null", shell=True, check=True), args.runs)
        record(f"import {args.repos} repositories in place (adopt, verify every blob)", "s", in_place, walk, "find -type f",
               higher=False)
        record(f"import {args.repos} repositories in place", "s", in_place, walk_read, "find -type f -exec cat", higher=False)
        record(f"import {args.repos} repositories from another root (copy, verify)", "s", copy_import, walk_read,
               "find -type f -exec cat", higher=False)

    print("| figure | unit | Wharf | anchor | anchor value | Wharf advantage |")
    print("|---|---|---:|---|---:|---:|")
    for figure, unit, mine, theirs, anchor, ratio in rows:
        cell = anchor.replace("|", "\\|")
        print(f"| {figure} | {unit} | {mine:.2f} | {cell} | {theirs:.2f} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
