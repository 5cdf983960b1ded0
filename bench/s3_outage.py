"""What a client sees while Wharf's S3 backend is down, unresponsive, and back: Wharf on moto's
S3 server, a blob pushed, then the backend killed (connections refused), replaced by a listener
that accepts and never answers, and restarted. Each phase times blob GETs and reports their
statuses. Not a test: it measures. See BENCHMARKS.md.   python3 bench/s3_outage.py --wharf BIN"""

import argparse
import hashlib
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import boto3

from registry_bench import Server, free_port


def moto(port, log):
    process = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit("moto did not start")


def black_hole(port, stop):
    """Accepts connections and never answers, as a hung backend does."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    listener.settimeout(0.2)
    held = []
    while not stop.is_set():
        try:
            held.append(listener.accept()[0])
        except socket.timeout:
            pass
    for connection in held:
        connection.close()
    listener.close()


def get(server, path, timeout=400):
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        status = response.status
        retry = response.getheader("Retry-After")
    except OSError as error:
        status, retry = f"error {error}", None
    connection.close()
    return status, time.perf_counter() - start, retry


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="wharf-s3-outage-")
    log = open(os.path.join(work, "servers.log"), "w")
    s3_port = free_port()
    backend = moto(s3_port, log)
    endpoint = f"http://127.0.0.1:{s3_port}"
    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                 region_name="us-east-1").create_bucket(Bucket="outage")
    port = free_port()
    os.environ.update(REGISTRY_AUTH="none", REGISTRY_STORAGE_S3_REGIONENDPOINT=endpoint, REGISTRY_STORAGE_S3_BUCKET="outage",
                      REGISTRY_STORAGE_S3_REGION="us-east-1", REGISTRY_STORAGE_S3_ACCESSKEY="testing",
                      REGISTRY_STORAGE_S3_SECRETKEY="testing")
    wharf = Server("wharf", [args.wharf, "serve", "--addr", f"127.0.0.1:{port}", "--root", f"{work}/data", "--log-level",
                             "error"], port, log)
    rows = []
    try:
        blob = os.urandom(1 << 20)
        digest = "sha256:" + hashlib.sha256(blob).hexdigest()
        status, _, _ = wharf.request("POST", f"/v2/outage/app/blobs/uploads/?digest={digest}", body=blob)
        assert status == 201, status
        path = f"/v2/outage/app/blobs/{digest}"
        rows.append(("backend up", *get(wharf, path)))

        def restart():
            process = moto(s3_port, log)
            s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                              region_name="us-east-1")
            s3.create_bucket(Bucket="outage")
            s3.put_object(Bucket="outage", Key=f"docker/registry/v2/blobs/sha256/{digest[7:9]}/{digest[7:]}/data", Body=blob)
            back = time.perf_counter()
            while get(wharf, path)[0] != 200:
                time.sleep(0.05)
            return process, time.perf_counter() - back

        backend.kill()
        backend.wait()
        for attempt in range(4):
            rows.append((f"backend down (connections refused), request {attempt + 1}", *get(wharf, path)))
        backend, seconds = restart()
        rows.append(("backend back: first 200 after the restart", 200, seconds, None))

        backend.kill()
        backend.wait()
        stop = threading.Event()
        hole = threading.Thread(target=black_hole, args=(s3_port, stop))
        hole.start()
        time.sleep(0.5)
        for attempt in range(4):
            rows.append((f"backend unresponsive (accepts, never answers), request {attempt + 1}", *get(wharf, path)))
        stop.set()
        hole.join()
        backend, seconds = restart()
        rows.append(("backend back: first 200 after the restart", 200, seconds, None))
    finally:
        wharf.stop()
        backend.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    print("| phase | status | seconds | Retry-After |")
    print("|---|---|---:|---|")
    for phase, status, seconds, retry in rows:
        print(f"| {phase} | {status} | {seconds:.3f} | {retry or ''} |")


if __name__ == "__main__":
    main()
