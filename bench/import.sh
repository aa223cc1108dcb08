#!/usr/bin/env bash
# Import benchmark for SPEC section 10 ("lore import of 1,000 foreign
# postmortems under 2 s"): generates COUNT postmortems in the forms teams
# write (no front matter with a timeline table and a zone line, foreign front
# matter, list timelines, stats blocks, action tables, team ids in file names,
# files without an extension, READMEs and templates), then times
# `lore import` into a fresh KB and prints the report's totals.
#
#   bench/import.sh             # 1,000 files
#   COUNT=5000 bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000}
cargo build --release --quiet --bin lore
LORE="$PWD/target/release/lore"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK/src" "$COUNT" <<'PY'
import os, sys, random
out, count = sys.argv[1], int(sys.argv[2])
random.seed(7)
os.makedirs(out, exist_ok=True)
services = ["checkout", "search-api", "payments", "ingress", "dns", "auth", "billing", "queue"]
causes = ["A configuration change was pushed to every region at once.",
          "The TLS certificate on the edge expired overnight.",
          "DNS resolution inside the cluster failed after a resolver change.",
          "A retry storm from clients overwhelmed the database.",
          "The disk on the primary filled up with logs."]
zones = ["CET", "UTC", "PST", "+02:00", "Europe/Berlin"]
for i in range(count):
    y, m, d = 2018 + i % 7, 1 + i % 12, 1 + i % 28
    svc = random.choice(services)
    kind = i % 4
    h = 8 + i % 10
    if kind == 0:
        name = f"PM{y}-{i:04d} - {svc} disruption.md"
        text = f"# {svc.title()} disruption number {i}\n\n## Summary\n\nThe {svc} service failed for some customers.\n\n- Time to detection: {5 + i % 50} minutes\n- Time to recovery: {1 + i % 5} hours {i % 60} minutes\n- Severity: Sev{1 + i % 4}\n\n## Timeline\n\nAll times in {random.choice(zones)}.\n\n| Time | Event |\n|---|---|\n| {y}-{m:02d}-{d:02d} {h:02d}:00 | Change rolled out |\n| {h:02d}:12 | **Detection:** first alert |\n| {h:02d}:40 | Mitigated by rollback |\n| {h+1:02d}:30 | Resolved |\n\n## Contributing factors\n\n- {random.choice(causes)}\n\n## Follow-up\n\n- Add a canary stage for {svc}\n- Alert earlier on {svc} errors\n"
    elif kind == 1:
        name = f"{random.getrandbits(32):08x}-{i:04x}-4c7b-8e2f-{random.getrandbits(48):012x}.md"
        text = f"---\ncompany: Example{i % 30}\nproduct: {svc}\nkeywords: [dns, caching]\nstart_time: \"{y}-{m:02d}-{d:02d}T{h:02d}:15:00Z\"\nend_time: \"{y}-{m:02d}-{d:02d}T{h+2:02d}:45:00Z\"\nurl: https://status.example.com/incidents/{i}\nseverity: high\nsummary: {svc} answers went stale for two hours. Nobody was paged.\n---\n{random.choice(causes)}\n\n## Action items\n\n| Action | Owner | Status | Due |\n|---|---|---|---|\n| Lower the cache TTL | team-{i % 5} | Done | {y}-{m:02d}-{d:02d} |\n| Alert on stale answers | sre | Open | {y}-{m:02d}-{d:02d} |\n"
    elif kind == 2:
        name = f"INC-{1000 + i} {svc} outage"
        text = f"# {svc.title()} outage {i}\n\nSeverity: P{1 + i % 3}\n\n## Timeline (UTC)\n\n- {y}-{m:02d}-{d:02d} {h:02d}:02 Provider started timing out\n- {h:02d}:10 Paged the on-call engineer\n- {h:02d}:41 Mitigated by switching providers\n- {h+1:02d}:30 Resolved\n\n## Root causes\n\n- {random.choice(causes)}\n\n## Next steps\n\n- Fail over automatically\n"
    else:
        name = f"{y}-{m:02d}-{d:02d}-{svc}-{i}.md"
        text = f"---\ntitle: {svc} incident {i}\ndate: {y}-{m:02d}-{d:02d}\ntags: [{svc}]\n---\n# {svc} incident {i}\n\n## Timeline\n\n- {h:02d}:00 Deploy\n- {h:02d}:09 Alert fired\n- {h:02d}:50 Resolved\n\n## Action items\n\n- [ ] Review the deploy @team-{i % 5}\n"
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
for extra in ["README.md", "postmortem-template.md"]:
    with open(os.path.join(out, extra), "w") as f:
        f.write("# Not a postmortem\n")
PY
"$LORE" init "$WORK/kb" >/dev/null
cd "$WORK/kb"
echo "--- lore import of $COUNT generated foreign postmortems (+2 skipped files)"
/usr/bin/env time -f "wall %e s, peak %M KB" "$LORE" import "$WORK/src" | tail -5
echo "--- every imported document is listed, searchable and exported"
"$LORE" list --format json | python3 -c 'import json,sys; print("listed:", len(json.load(sys.stdin)))'
"$LORE" search "kind:postmortem" --limit 100000 --format json 2>/dev/null | python3 -c 'import json,sys; print("in the search index:", len(json.load(sys.stdin)))'
"$LORE" export --out "$WORK/site" 2>&1 | tail -2
echo "--- a second import (nothing new)"
/usr/bin/env time -f "wall %e s, peak %M KB" "$LORE" import "$WORK/src" | tail -4
