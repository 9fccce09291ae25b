"""Load walk of the demo vote: against a freshly started `minsheng demo`, 300 deputies log in and
cast ballots we choose, 32 at a time; then close, publish, compare the result with an independent
count, and check every receipt against the bulletin. Prints timings; asserts correctness only.

    cargo run --release -p minsheng-api --bin minsheng -- demo &
    python3 tests/load/demo_vote.py http://127.0.0.1:8080
"""
import json, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE = sys.argv[1]

def call(method, path, token=None, body=None):
    req = urllib.request.Request(BASE + path, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(req, data) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")

def login(u, p):
    s, b = call("POST", "/api/v1/auth/login", body={"username": u, "password": p})
    assert s == 200, (u, s, b)
    return b["access_token"]

admin = login("admin", "minsheng-demo-admin")
s, sessions = call("GET", "/api/v1/sessions", admin)
sid = sessions["items"][0]["id"]
s, votes = call("GET", f"/api/v1/sessions/{sid}/votes", admin)
vote = votes["items"][0]
vid = vote["id"]
cands = [c["project_id"] for c in vote["candidates"]]
s, b = call("POST", f"/api/v1/votes/{vid}/open", admin, {})
assert s == 200, b

t = time.time()
with ThreadPoolExecutor(16) as ex:
    tokens = list(ex.map(lambda i: login(f"dep{i:03}", "minsheng-demo"), range(1, 301)))
print(f"300 logins: {time.time() - t:.2f} s")

# Ballots we choose: deputy i marks candidates (i mod 15) .. +9 (10 marks), so counts are known.
plan = {i: [cands[(i + k) % 15] for k in range(10)] for i in range(300)}
expected = {c: 0 for c in cands}
for marks in plan.values():
    for c in marks:
        expected[c] += 1

t = time.time()
with ThreadPoolExecutor(32) as ex:
    results = list(ex.map(lambda i: call("POST", f"/api/v1/votes/{vid}/ballots", tokens[i], {"selections": plan[i]}), range(300)))
dt = time.time() - t
assert all(s == 201 for s, _ in results), [r for r in results if r[0] != 201][:3]
receipts = {b["receipt"]: plan[i] for i, (_, b) in enumerate(results)}
print(f"300 ballots, 32 at a time: {dt:.2f} s ({300 / dt:.0f} ballots/s)")

s, b = call("POST", f"/api/v1/votes/{vid}/close", admin, {})
assert s == 200, b
s, res = call("POST", f"/api/v1/votes/{vid}/publish", admin, {})
assert s == 200, res
got = {c["project_id"]: c["yes"] for c in res["candidates"]}
assert got == expected, (got, expected)
print("independent count matches:", sorted(expected.values(), reverse=True), "required", res["required_yes"], "outcome", res["outcome"]["kind"])
s, bul = call("GET", f"/api/v1/votes/{vid}/bulletin")
assert s == 200
assert len(bul["entries"]) == 300
# A secret vote's bulletin lists receipts and totals, never a ballot beside its receipt.
assert {e["receipt"] for e in bul["entries"]} == set(receipts)
assert all(e["selections"] is None for e in bul["entries"])
assert {c["project_id"]: c["yes"] for c in bul["candidates"]} == expected
# The scrutineers' copy (here the office's) holds exactly the ballots cast, without receipts.
s, full = call("GET", f"/api/v1/votes/{vid}/full-ballots", admin)
assert s == 200, full
assert sorted(sorted(b["selections"]) for b in full["ballots"]) == sorted(sorted(m) for m in receipts.values())
print("bulletin: 300 receipts, totals match; full ballots: every ballot counted as cast")
