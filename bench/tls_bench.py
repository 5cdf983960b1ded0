"""Push and pull over TLS and through nginx, Wharf and Distribution side by side with one
certificate. Not a test: it measures; it only checks that every transfer succeeded."""

import argparse
import datetime
import hashlib
import os
import shutil
import statistics
import subprocess
import tempfile
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from registry_bench import MIB, Server, distribution_config, free_port, random_file


def certificate(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime.utcnow() - datetime.timedelta(days=1))
            .not_valid_after(datetime.datetime.utcnow() + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    paths = (os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem"))
    with open(paths[0], "wb") as out:
        out.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths[1], "wb") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return paths


def wait(port):
    deadline = time.time() + 60
    while time.time() < deadline:
        if subprocess.run(["curl", "-sk", "-o", "/dev/null", f"https://localhost:{port}/v2/"]).returncode == 0 or \
                subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://localhost:{port}/v2/"]).returncode == 0:
            return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port}")


def nginx(directory, name, port, upstream, cert, key):
    prefix = os.path.join(directory, "nginx-" + name)
    os.makedirs(os.path.join(prefix, "logs"))
    with open(os.path.join(prefix, "nginx.conf"), "w") as out:
        out.write(f"""user root; worker_processes 2; error_log {prefix}/logs/error.log warn; pid {prefix}/nginx.pid;
events {{ worker_connections 256; }}
http {{ access_log off; client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/f; uwsgi_temp_path {prefix}/u; scgi_temp_path {prefix}/s;
  server {{ listen 127.0.0.1:{port} ssl; server_name localhost; client_max_body_size 0; chunked_transfer_encoding on;
    ssl_certificate {cert}; ssl_certificate_key {key};
    location / {{ proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme; proxy_read_timeout 900; proxy_pass http://127.0.0.1:{upstream}; }} }} }}
""")
    return subprocess.Popen(["nginx", "-p", prefix, "-c", os.path.join(prefix, "nginx.conf"), "-g", "daemon off;"])


def curl(arguments):
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total} %{http_version}"] + arguments,
                         check=True, capture_output=True, text=True).stdout.split()
    return out[0], float(out[1]), out[2]


def push(base, repository, path, digest, version, cert):
    status, headers = None, None
    out = subprocess.run(["curl", "-sS", "-i", "-X", "POST", "--cacert", cert, f"{base}/v2/{repository}/blobs/uploads/"],
                         check=True, capture_output=True, text=True).stdout
    location = next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.lower().startswith("location:"))
    if location.startswith("/"):
        location = base + location
    url = location + ("&" if "?" in location else "?") + f"digest={digest}"
    status, seconds, used = curl([version, "--cacert", cert, "-X", "PUT", "-H", "Expect:", "-H",
                                  "Content-Type: application/octet-stream", "--data-binary", f"@{path}", url])
    assert status == "201", (base, status)
    return seconds, used


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--blob-mib", type=int, default=256)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="wharf-tls-bench-")
    log = open(os.path.join(work, "servers.log"), "w")
    processes = []
    try:
        cert, key = certificate(work)
        ports = {name: free_port() for name in ("wharf_tls", "wharf_plain", "dist_tls", "dist_plain", "nginx_wharf", "nginx_dist")}
        env = dict(os.environ, REGISTRY_AUTH="none", REGISTRY_HTTP_TLS_CERTIFICATE=cert, REGISTRY_HTTP_TLS_KEY=key)
        processes.append(subprocess.Popen([args.wharf, "serve", "--addr", f"127.0.0.1:{ports['wharf_tls']}", "--root",
                                           f"{work}/wharf-tls", "--log-level", "error"], env=env, stdout=log, stderr=log))
        plain_env = dict(os.environ, REGISTRY_AUTH="none")
        processes.append(subprocess.Popen([args.wharf, "serve", "--addr", f"127.0.0.1:{ports['wharf_plain']}", "--root",
                                           f"{work}/wharf-plain", "--log-level", "error"], env=plain_env, stdout=log, stderr=log))
        for name, tls in (("dist_tls", True), ("dist_plain", False)):
            tls_block = f"  tls:\n    certificate: {cert}\n    key: {key}\n" if tls else ""
            config = distribution_config(os.path.join(work, f"{name}.yml"), ports[name],
                                         f"  filesystem:\n    rootdirectory: {work}/{name}\n", tls_block)
            processes.append(subprocess.Popen(["docker-registry", "serve", config], stdout=log, stderr=log))
        processes.append(nginx(work, "wharf", ports["nginx_wharf"], ports["wharf_plain"], cert, key))
        processes.append(nginx(work, "dist", ports["nginx_dist"], ports["dist_plain"], cert, key))
        for port in ports.values():
            wait(port)

        routes = [
            ("TLS HTTP/1.1", "--http1.1", ports["wharf_tls"], ports["dist_tls"]),
            ("TLS HTTP/2", "--http2", ports["wharf_tls"], ports["dist_tls"]),
            ("nginx TLS front, HTTP/1.1", "--http1.1", ports["nginx_wharf"], ports["nginx_dist"]),
        ]
        blob = os.path.join(work, "blob")
        rows = []
        for label, version, wharf_port, dist_port in routes:
            pushes = {"wharf": [], "distribution": []}
            pulls = {"wharf": [], "distribution": []}
            for run in range(args.runs):
                digest = random_file(blob, args.blob_mib * MIB)
                for name, port in (("wharf", wharf_port), ("distribution", dist_port))[:: 1 if run % 2 == 0 else -1]:
                    base = f"https://localhost:{port}"
                    subprocess.run(["sync"], check=True)
                    seconds, used = push(base, f"bench/r{run}", blob, digest, version, cert)
                    pushes[name].append(seconds)
                    status, seconds, used = curl([version, "--cacert", cert, f"{base}/v2/bench/r{run}/blobs/{digest}"])
                    assert status == "200", (label, name, status)
                    pulls[name].append(seconds)
                    rows_version = used
            push_rate = {name: args.blob_mib / statistics.median(times) for name, times in pushes.items()}
            pull_rate = {name: args.blob_mib / statistics.median(times) for name, times in pulls.items()}
            rows.append((f"push {args.blob_mib} MiB, {label}", push_rate))
            rows.append((f"pull {args.blob_mib} MiB, {label}", pull_rate))
            print(f"{label}: curl negotiated HTTP/{rows_version}", flush=True)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)

    print("\n| figure | unit | Wharf | Distribution 2.8.2 | Wharf advantage |")
    print("|---|---|---:|---:|---:|")
    for figure, rate in rows:
        print(f"| {figure} | MiB/s | {rate['wharf']:.1f} | {rate['distribution']:.1f} | {rate['wharf'] / rate['distribution']:.2f}× |")


if __name__ == "__main__":
    main()
