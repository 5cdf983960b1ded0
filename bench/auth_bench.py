"""Measures Wharf's token endpoint and the registry's token checks. Not a test: it asserts
nothing about speed; it checks that every response was a success so the figures are real."""

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from registry_bench import OCI_MANIFEST, Server, free_port


def wharf_server(binary, root, log, environment=None):
    port = free_port()
    env = dict(os.environ, GITLAB_REGISTRY_TOKEN_EXPIRE_DELAY="60", **(environment or {}))
    process = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}", "--root", root, "--log-level", "error"],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    server = Server.__new__(Server)
    server.name, server.port, server.process = "wharf", port, process
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if server.request("GET", "/v2/")[0] in (200, 401):
                return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit("wharf did not start")


def cli(binary, root, *arguments):
    extra = ["--root", root] if root else []
    return subprocess.run([binary, *arguments, *extra], check=True, capture_output=True, text=True).stdout


def wrk(url, headers, duration, connections=16):
    arguments = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for header in headers:
        arguments += ["-H", header]
    out = subprocess.run(arguments + [url], check=True, capture_output=True, text=True).stdout
    assert "Non-2xx" not in out, out
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return rate, float(p99.group(1)) * scale


# Each request a failed password login from a new client address (behind the trusted proxy
# 127.0.0.1): the rate limiter never refuses it early, so every one costs a bcrypt.
LOGIN_SCRIPT = """
wrk.method = "GET"
request = function()
  local address = math.random(1, 250) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  wrk.headers["X-Forwarded-For"] = address
  wrk.headers["Authorization"] = "Basic cm9vdDp3cm9uZy1wYXNzd29yZA=="
  return wrk.format(nil, "/jwt/auth?service=container_registry&scope=repository:root/bench:pull")
end
"""


def manifest_p99_under_logins(server, manifest_url, bearer, work, duration):
    """Manifest GETs at 32 connections while 8 connections fail password logins in a loop."""
    script = os.path.join(work, "logins.lua")
    with open(script, "w") as file:
        file.write(LOGIN_SCRIPT)
    logins = subprocess.Popen(["wrk", "-t1", "-c8", f"-d{duration + 2}s", "-s", script, f"http://127.0.0.1:{server.port}/"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1)
    result = wrk(manifest_url, [f"Accept: {OCI_MANIFEST}", f"Authorization: Bearer {bearer}"], duration, 32)
    out, _ = logins.communicate()
    assert re.search(r"Requests/sec:\s+([\d.]+)", out), out
    return result


def token(server, basic, scope):
    status, _, body = server.request("GET", f"/jwt/auth?service=container_registry&scope={scope}",
                                     headers={"Authorization": basic})
    assert status == 200, (status, body)
    return json.loads(body)["token"]


def push_image(server, bearer):
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    digests = []
    for content in (b'{"architecture":"amd64","os":"linux"}', os.urandom(1024)):
        digest = "sha256:" + hashlib.sha256(content).hexdigest()
        status, _, body = server.request("POST", f"/v2/root/bench/blobs/uploads/?digest={digest}", body=content,
                                         headers=headers)
        assert status == 201, (status, body)
        digests.append((digest, len(content)))
    manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": digests[0][0], "size": digests[0][1]},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                       "digest": digests[1][0], "size": digests[1][1]}]}).encode()
    status, _, body = server.request("PUT", "/v2/root/bench/manifests/v1", body=manifest,
                                     headers=dict(headers, **{"Content-Type": OCI_MANIFEST}))
    assert status == 201, (status, body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="wharf-auth-bench-")
    log = open(os.path.join(work, "servers.log"), "w")
    rows = []
    try:
        root = os.path.join(work, "auth")
        server = wharf_server(args.wharf, root, log)
        cli(args.wharf, root, "project", "create", "root/bench")
        pat = re.search(r"token: (\S+)", cli(args.wharf, root, "token", "create", "--user", "root", "--name", "bench",
                                                 "--scopes", "api")).group(1)
        basic = "Basic " + base64.b64encode(f"root:{pat}".encode()).decode()
        scope = "repository:root/bench:pull,push"
        url = f"http://127.0.0.1:{server.port}/jwt/auth?service=container_registry&scope={scope}"
        rate, p99 = wrk(url, [f"Authorization: {basic}"], args.duration)
        rows.append(("/jwt/auth with a PAT, RSA-4096 key", rate, p99))

        bearer = token(server, basic, scope)
        push_image(server, bearer)
        manifest_url = f"http://127.0.0.1:{server.port}/v2/root/bench/manifests/v1"
        auth_on = wrk(manifest_url, [f"Accept: {OCI_MANIFEST}", f"Authorization: Bearer {bearer}"], args.duration, 32)
        under_logins = manifest_p99_under_logins(server, manifest_url, bearer, work, args.duration)
        server.stop()

        cli(args.wharf, None, "keys", "generate", "--bits", "2048", "--key", os.path.join(root, "keys/registry.key"),
            "--force")
        server = wharf_server(args.wharf, root, log)
        url = f"http://127.0.0.1:{server.port}/jwt/auth?service=container_registry&scope={scope}"
        rate, p99 = wrk(url, [f"Authorization: {basic}"], args.duration)
        rows.append(("/jwt/auth with a PAT, RSA-2048 key", rate, p99))
        server.stop()

        open_server = wharf_server(args.wharf, os.path.join(work, "open"), log, {"REGISTRY_AUTH": "none"})
        push_image(open_server, None)
        manifest_url = f"http://127.0.0.1:{open_server.port}/v2/root/bench/manifests/v1"
        auth_off = wrk(manifest_url, [f"Accept: {OCI_MANIFEST}"], args.duration, 32)
        open_server.stop()
        rows.append(("manifest GET, token auth on (wrk -t2 -c32)", *auth_on))
        rows.append(("manifest GET while 8 clients fail password logins (each a bcrypt)", *under_logins))
        rows.append(("manifest GET, auth off (wrk -t2 -c32)", *auth_off))
    finally:
        log.close()
        shutil.rmtree(work, ignore_errors=True)

    print("| figure | req/s | p99 ms |")
    print("|---|---:|---:|")
    for name, rate, p99 in rows:
        print(f"| {name} | {rate:.0f} | {p99:.2f} |")
    print(f"\nauth on / auth off = {auth_on[0] / auth_off[0]:.2f}")
    print(f"manifest GET p99 under password logins / idle = {under_logins[1] / auth_on[1]:.2f} (goal: at most 2)")


if __name__ == "__main__":
    main()
