"""Times labcheck and the peer grader on the API-keys step, through the delay proxy, whole processes from outside.
usage: compare.py PROXY_URL ACCOUNT REGION RUNS LABCHECK_BIN
prints one line per grader (median, min, max seconds, requests per run), then labcheck's speed-up."""
import json, os, statistics, subprocess, sys, time, urllib.request

proxy, account, region, runs, labcheck = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
invoke = proxy + "/_aws/execute-api/{api_id}/{stage}"
base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": region, "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
graders = {
    "labcheck": ([labcheck, "run", "checks/apigw-items", "--step", "api-keys", "--format", "json"],
                 dict(base, AWS_ENDPOINT_URL=proxy, LABCHECK_INVOKE_URL_TEMPLATE=invoke)),
    "peer (boto3, a function per check)": ([sys.executable, "bench/peer_grader.py"],
                 dict(base, AWS_ENDPOINT_URL_API_GATEWAY=proxy, INVOKE_TEMPLATE=invoke)),
}

def proxy_call(path, method="GET"):
    with urllib.request.urlopen(urllib.request.Request(proxy + path, method=method)) as r:
        return json.load(r)

medians = {}
for name, (cmd, env) in graders.items():
    times, requests = [], []
    for _ in range(runs):
        proxy_call("/__reset", "POST")
        started = time.perf_counter()
        out = subprocess.run(cmd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        requests.append(proxy_call("/__stats")["requests"])
        if name == "labcheck" and out.returncode != 0:
            sys.exit(f"labcheck exited {out.returncode}: {out.stderr.strip()}")
        if name != "labcheck":
            statuses = json.loads(out.stdout)
            if set(statuses.values()) != {"pass"}:
                sys.exit(f"the peer does not pass the complete lab: {statuses}")
    medians[name] = statistics.median(times)
    print(f"{name:36} median {medians[name]:.3f} s (min {min(times):.3f}, max {max(times):.3f}), "
          f"{statistics.median(requests):.0f} requests per run")
labcheck_time, peer_time = medians["labcheck"], medians["peer (boto3, a function per check)"]
print(f"labcheck is {peer_time / labcheck_time:.1f}x faster")
