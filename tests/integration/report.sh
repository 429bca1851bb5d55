#!/usr/bin/env bash
# `sweep report`: the page of a small sweep read from its two shards, of an empty file and of a
# file with failed trials only, opened in headless Chromium (Debian's chromium): every plot
# draws (the page marks body[data-drawn] once Plotly has drawn each), no error, no console
# error and no blocked request (the page's Content-Security-Policy allows none), and a
# screenshot is taken. The data embedded in the page are compared with rank and export.
source "$(dirname "$0")/common.sh"
need_failing_trials
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
[ -x "${STORE_APPEND_LOOP:-}" ] || fail "STORE_APPEND_LOOP does not name the helper binary"
CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || skip "no chromium (Debian package chromium; jobscripts/install-deps.sh installs it)"

printf 'epochs = 2\ntrain_subset = 400\ndense_units = 8\nrobustness = brightness:0.5/1, noise:0.1\ndead_units = true\n[grid]\nfilters = 2, 4\nlearning_rate = 0.001, 0.003, 0.01\n' > r.ini
sweep_mpi 3 run r.ini --shard 1/2 --threads 1 -q > run1.log 2>&1 || { cat run1.log; fail "shard 1"; }
"$SWEEP" run r.ini --shard 2/2 --threads 1 -q > run2.log 2>&1 || { cat run2.log; fail "shard 2"; }
shards=(r.shard-1-of-2.h5 r.shard-2-of-2.h5)

# render NAME: opens NAME.html in headless Chromium; NAME.dom is the page after it ran, NAME.png
# a screenshot, NAME.console what the page logged. Fails on an error the page recorded or
# logged (an image that did not load is one), or a plot that did not draw; prints the number of
# plots and writes the number of gallery images loaded to NAME.images.
render() {
  local name=$1 flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars
    --virtual-time-budget=30000 --enable-logging=stderr --v=0)
  rm -rf "$WORK/chromium-profile"
  timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$WORK/chromium-profile" --dump-dom \
    "file://$WORK/$name.html" > "$name.dom" 2> "$name.console" || { cat "$name.console"; fail "$name: chromium failed"; }
  rm -rf "$WORK/chromium-profile"
  timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$WORK/chromium-profile" --window-size=1280,4000 \
    --screenshot="$WORK/$name.png" "file://$WORK/$name.html" >> "$name.console" 2>&1 || fail "$name: screenshot failed"
  [ "$(stat -c %s "$name.png")" -gt 20000 ] || fail "$name: the screenshot is (nearly) empty"
  "$PY" - "$name" <<'PY'
import html, json, re, sys
name = sys.argv[1]
body = re.search(r"<body([^>]*)>", open(name + ".dom").read()).group(1)
attrs = {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', body)}
assert attrs.get("data-state") == "done", f"{name}: the page did not finish: {attrs}"
errors = json.loads(attrs["data-errors"])
assert errors == [], f"{name}: errors on the page: {errors}"
assert attrs["data-plots"] == attrs["data-drawn"], f"{name}: {attrs['data-drawn']} of {attrs['data-plots']} plots drawn"
console = [l for l in open(name + ".console") if ":CONSOLE" in l]
bad = [l for l in console if re.search(r"Uncaught|Error|Refused|blocked", l)]
assert not bad, f"{name}: console errors: {bad}"
open(name + ".images", "w").write(attrs["data-images"] + "\n")
print(attrs["data-plots"])
PY
}
# page_data NAME: the JSON the page was made from.
page_data() {
  "$PY" -c 'import re, sys; print(re.search(r"<script id=\"sweep-data\" type=\"application/json\">(.*?)</script>", open(sys.argv[1]).read(), re.S).group(1))' "$1"
}

# 1. Two shards read as one sweep.
"$SWEEP" report "${shards[@]}" -o both.html > report.log || { cat report.log; fail "report of the shards"; }
grep -q "^report: both.html (" report.log || { cat report.log; fail "report: no summary line"; }
grep -Eiq '<(script|link|img|iframe)[^>]* (src|href)=' both.html && fail "the page refers to a file outside it"
grep -q "Content-Security-Policy\" content=\"default-src 'none'" both.html || fail "the page lacks its no-request policy"
plots=$(render both)
# 2 swept keys, 2 search-history plots, importance, parallel coordinates, 2 learning-curve
# plots, 5 robustness plots (one per top trial), calibration, dead units, confusion, timeline
[ "$plots" -eq 17 ] || fail "both: $plots plots, expected 17"
[ "$(cat both.images)" -eq 32 ] || fail "both: $(cat both.images) of the best trial's 32 mistakes shown"
page_data both.html > both.json
"$SWEEP" export "${shards[@]}" --format json > export.json
"$SWEEP" rank "${shards[@]}" --top 0 > rank.log
"$PY" - <<'PY'
import json, re
d = json.load(open("both.json"))
ex = {t["trial_id"]: t for t in json.load(open("export.json"))}
ranked = re.findall(r"^\d+ +([0-9a-f]{16}) ", open("rank.log").read(), re.M)
s = d["summary"]
assert s["trials"] == len(ex) == 6 and s["ok"] == 6 and s["failed"] == s["diverged"] == 0, s
assert d["metric"]["name"] == "val_acc" and d["metric"]["higher_is_better"], d["metric"]
assert d["metric"]["selection_note"] == "chosen on validation (val_acc); test_acc is the held-out estimate", d["metric"]
assert d["metric"]["on_test"] is False, d["metric"]
assert d["top"] == ranked, (d["top"], ranked)
assert d["best"]["id"] == ranked[0]
assert sorted(d["keys"]) == ["filters", "learning_rate"], d["keys"]
for t in d["trials"]:
    assert t["metric"] == ex[t["id"]]["val_acc"], t
assert abs(s["trial_seconds"] - sum(t["wall_seconds"] for t in ex.values())) < 1e-6
assert [g["value"] for g in d["effects"]["learning_rate"]] == ["0.001", "0.003", "0.01"]
for key, groups in d["effects"].items():
    for g in groups:
        vals = [t["val_acc"] for t in ex.values() if str(t[key]) == g["value"] or float(t[key]) == float(g["value"])]
        assert g["ranked"] == len(vals) == 3 if key == "filters" else 2
        assert abs(g["best"] - max(vals)) < 1e-12 and abs(g["mean"] - sum(vals) / len(vals)) < 1e-12, (key, g, vals)
shares = [k["share"] for k in d["importance"]]
assert all(0 <= x <= 1 for x in shares) and sum(shares) <= 1 + 1e-9, shares
assert len(d["curves"]) == 5 and all(c["epoch"] == [1, 2] for c in d["curves"])
assert d["confusion"]["id"] == ranked[0] and len(d["confusion"]["matrix"]) == 10
rb = d["robustness"]
assert [t["id"] for t in rb] == ranked[:5], rb
for t in rb:
    assert t["split"] == "test" and t["clean"] == ex[t["id"]]["test_acc"], t
    assert t["robust_acc"] == ex[t["id"]]["robust_acc"], t
    assert [(p["name"], p["level"]) for p in t["perturbations"]] == [("brightness", [0.5, 1]), ("noise", [0.1])], t
    assert t["perturbations"][0]["accuracy"][1] == t["clean"], t  # brightness 1.0: the clean accuracy
cal = d["calibration"]
assert [t["id"] for t in cal] == ranked[:5], cal
for t in cal:  # the bins' rows are the test set's 10,000 images; ECE is theirs
    assert sum(t["rows"]) == 10000 and t["ece"] == ex[t["id"]]["ece"], t
    ece = sum(n * abs(a - c) for n, a, c in zip(t["rows"], t["accuracy"], t["confidence"])) / 10000
    assert abs(ece - t["ece"]) < 1e-9, (ece, t["ece"])
act = d["activations"]
assert [t["id"] for t in act] == ranked[:5], act
for t in act:  # the cnn's 2 blocks: 4 conv ReLUs of 2 or 4 filters (and twice that), dense 8
    assert t["layer"] == ["features.relu1", "features.relu2", "features.relu3", "features.relu4", "dense.relu"], t
    assert t["units"][4] == 8 and all(0 <= f <= 1 for f in t["dead_fraction"]), t
lanes = {b["lane"] for b in d["timeline"]["bars"]}
assert len(d["timeline"]["bars"]) == 6 and len(lanes) == 3, lanes  # 2 worker ranks + 1 lone rank
assert all(b["end"] >= b["start"] >= 0 for b in d["timeline"]["bars"])
h = d["history"]
assert h["search"] == "grid" and h["startup_trials"] is None and d["log_keys"] == [], (h, d["log_keys"])
assert sorted(p["id"] for p in h["points"]) == sorted(ex) and all("phase" not in p for p in h["points"])
ends = [p["end"] for p in h["points"]]
assert ends == sorted(ends) and ends[0] > 0, ends
assert all(p["metric"] == ex[p["id"]]["val_acc"] for p in h["points"])
g = d["mistakes"]
assert len(g) == 1 and g[0]["id"] == ranked[0] and g[0]["split"] == "test" and g[0]["note"] == "", g
items = g[0]["items"]
assert len(items) == 32 and all(m["image"].startswith("data:image/png;base64,") for m in items), len(items)
assert all(m["true"] != m["predicted"] for m in items)
assert [m["probability"] for m in items] == sorted((m["probability"] for m in items), reverse=True)
print("report: page data match rank and export (6 trials, 2 shards, 3 timeline lanes)")
PY

# 2. An empty file and a file whose trials all failed: the page says so and draws what it can.
"$STORE_APPEND_LOOP" empty.h5 0 > /dev/null
"$SWEEP" report empty.h5 > /dev/null
[ "$(render empty)" -eq 0 ] || fail "empty: plots drawn from no trials"
grep -q "No finished trials to rank." empty.dom || fail "empty: no note"
"$PY" "$(dirname "$0")/fashion_csv.py" "$FASHION" train.csv:0:200 test.csv:200:300
printf 'dataset = csv\ntrain_csv = train.csv\ntest_csv = test.csv\nepochs = 1\n[grid]\nfilters = 2, 4\n' > bad.ini
expect_exit 3 "$SWEEP" run bad.ini -q "$FAIL_TRIALS"  # every trial fails
"$SWEEP" report bad.h5 -o bad.html --title 'failed <only>' > /dev/null
[ "$(render bad)" -eq 1 ] || fail "bad: expected the timeline only"
grep -q "<title>failed &lt;only&gt;</title>" bad.html || fail "bad: the title is not escaped"
page_data bad.html | "$PY" -c 'import json, sys; d = json.load(sys.stdin); assert d["summary"]["failed"] == 2 and d["best"] is None and d["top"] == [], d["summary"]'
echo "report: an empty file and a file of failed trials render with notes"

# 3. The most confident mistakes: the stored ones are what predict finds with the trial's
# checkpoint; the report shows them as images, and when the data set has moved, says so and
# lists them without images.
printf 'dataset = csv\ntrain_csv = train.csv\ntest_csv = test.csv\nepochs = 2\nfilters = 4\ndense_units = 16\nmistakes = 8\n' > good.ini
"$SWEEP" run good.ini --threads 1 --keep-best 1 -q > good.log 2>&1 || { cat good.log; fail "good.ini"; }
"$SWEEP" predict --from good.h5 --data test.csv --threads 1 --mistakes 8 -o mk > mk.log 2>&1 || { cat mk.log; fail "predict --mistakes"; }
"$PY" - <<'PY'
import csv, h5py
stored = h5py.File("good.h5", "r")["mistakes"][:]
found = list(csv.DictReader(open("mk/mistakes.csv")))
assert len(stored) == len(found) == 8, (len(stored), len(found))
for s, f in zip(stored, found):
    assert (int(f["row"]), int(f["true_label"]), int(f["predicted"])) == (s["row"], s["true_label"], s["pred_label"]), (s, f)
    assert float(f["probability"]) == s["probability"], (s, f)
    assert open("mk/" + f["file"], "rb").read(8) == b"\x89PNG\r\n\x1a\n", f["file"]
rows = list(csv.DictReader(open("mk/predictions.csv")))
assert len(rows) == 100 and all(r["Label"] != r["TrueLabel"] for r in rows if int(r["ImageId"]) - 1 in set(stored["row"]))
print("mistakes: the 8 stored equal predict's with the kept checkpoint (rows, classes, probabilities)")
PY
"$SWEEP" report good.h5 -o good.html > /dev/null
render good > /dev/null
[ "$(cat good.images)" -eq 8 ] || fail "good: $(cat good.images) of 8 mistakes shown"
mkdir -p moved && mv train.csv test.csv moved/
"$SWEEP" report good.h5 -o moved.html > /dev/null || fail "a moved data set made the report fail"
render moved > /dev/null
[ "$(cat moved.images)" -eq 0 ] || fail "moved: images shown"
grep -q "cannot be read where the results file says" moved.dom || fail "moved: no note"
[ "$(grep -o '<td class="num">' moved.dom | wc -l)" -ge 32 ] || fail "moved: the mistakes are not listed"
mv moved/train.csv moved/test.csv .
expect_exit 2 "$SWEEP" predict --from good.h5 --data test.csv --mistakes 8
expect_err "needs -o DIR"
echo "report: galleries of mistakes, predict --mistakes, and a moved data set"

# 4. Bad input: exit 2 and nothing written.
expect_exit 2 "$SWEEP" report missing.h5 -o m.html
[ ! -e m.html ] || fail "a missing input wrote m.html"
expect_exit 2 "$SWEEP" report "${shards[@]}" -o m.html --by colour
expect_err "--by: unknown metric 'colour'"
[ ! -e m.html ] && [ ! -e m.html.part ] || fail "a bad --by wrote m.html"
expect_exit 2 "$SWEEP" report
echo "report: bad input exits 2 and writes nothing"
