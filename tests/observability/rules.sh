#!/bin/bash
# rules.sh: the alert rules, the PrometheusRule and the Grafana dashboard
# (issue 14, parts 3 and 4), checked without a daemon:
#  - check-names.py's PromQL name extractor, unit-tested
#    (test_check_names.py);
#  - openshift/phcbroker-prometheusrule.yaml is what prometheusrule.py
#    generates from prometheus/phcbroker-rules.yml (no drift);
#  - grafana/phcbroker-dashboard.json is provisionable
#    (check-dashboard.py), with the example provisioning file;
#  - every phcbroker_* name the rules, the PrometheusRule and the
#    dashboard use is one doc/observability.md lists (check-names.py
#    --names-from-doc; the live daemon's scrape is checked the same way by
#    the metrics test);
#  - every alert of the rules file has a unit test in which it fires and
#    one in which it does not, every recording rule one of its value;
#  - promtool check rules on the rules file and on the PrometheusRule's
#    spec, and promtool test rules on prometheus/phcbroker-rules.test.yml.
# The checks that need no promtool run first; without promtool (Debian's
# package prometheus, which ./quickstart installs) the test then skips.
. "$(dirname "$0")/../integration/lib.sh"
need_cmd python3
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (./quickstart installs it)"
make_workdir
export PYTHONDONTWRITEBYTECODE=1 # the source tree may be read-only (distcheck)
S=$PHCB_SRCDIR
T=$S/tests/observability
RULES=$S/prometheus/phcbroker-rules.yml
RULES_TEST=$S/prometheus/phcbroker-rules.test.yml
PRULE=$S/openshift/phcbroker-prometheusrule.yaml
DASH=$S/grafana/phcbroker-dashboard.json
PROV=$S/grafana/provisioning-dashboards.yaml
DOC=$S/doc/observability.md

# ---- the extractor's unit tests ------------------------------------------
(cd "$T" && python3 -m unittest -q test_check_names.py) >"$WORK/unittest.log" 2>&1 ||
	fail "test_check_names.py: $(cat "$WORK/unittest.log")"
note "check-names.py unit tests: $(grep -E '^Ran [0-9]+ tests' "$WORK/unittest.log"), OK"

# ---- the PrometheusRule is generated from the rules file ----------------
python3 "$T/prometheusrule.py" --check --rules "$RULES" -o "$PRULE" >"$WORK/pr.log" 2>&1 ||
	fail "PrometheusRule drift: $(cat "$WORK/pr.log")"
note "$(cat "$WORK/pr.log")"

# ---- the dashboard --------------------------------------------------------
python3 "$T/check-dashboard.py" "$DASH" "$PROV" >"$WORK/dash.log" 2>&1 ||
	fail "dashboard: $(cat "$WORK/dash.log")"
note "$(cat "$WORK/dash.log")"

# ---- metric names: only those of doc/observability.md -------------------
python3 "$T/check-names.py" --names-from-doc "$DOC" "$RULES" "$PRULE" "$DASH" >"$WORK/names.log" 2>&1 ||
	fail "metric names: $(cat "$WORK/names.log")"
note "$(cat "$WORK/names.log")"

# ---- every alert fires and does not fire in the unit tests --------------
python3 - "$RULES" "$RULES_TEST" >"$WORK/cover.log" 2>&1 <<'EOF' || fail "unit test coverage: $(cat "$WORK/cover.log")"
import sys, yaml
rules = yaml.safe_load(open(sys.argv[1]))
tests = yaml.safe_load(open(sys.argv[2]))
alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
records = {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
fires, quiet, exprs = set(), set(), set()
for t in tests["tests"]:
    for a in t.get("alert_rule_test") or []:
        (fires if a.get("exp_alerts") else quiet).add(a["alertname"])
    for e in t.get("promql_expr_test") or []:
        exprs.add(e["expr"].strip())
bad = ["%s: no test in which it fires" % a for a in sorted(alerts - fires)]
bad += ["%s: no test in which it does not fire" % a for a in sorted(alerts - quiet)]
bad += ["%s: no promql_expr_test" % r for r in sorted(records - exprs)]
bad += ["%s: tested but not a rule" % a for a in sorted((fires | quiet) - alerts)]
if bad:
    print("; ".join(bad))
    sys.exit(1)
print("%d alerts each tested firing and not firing, %d recording rules tested" % (len(alerts), len(records)))
EOF
note "$(cat "$WORK/cover.log")"

# ---- promtool ---------------------------------------------------------------
command -v promtool >/dev/null 2>&1 ||
	skip "promtool is not installed (Debian's package prometheus; ./quickstart installs it); the checks above passed"
note "$(promtool --version 2>&1 | head -1)"
promtool check rules "$RULES" >"$WORK/check.log" 2>&1 || fail "promtool check rules: $(cat "$WORK/check.log")"
note "promtool check rules $(basename "$RULES"): $(grep -o 'SUCCESS.*' "$WORK/check.log")"
# The PrometheusRule's spec is a rules file: check it as one too.
python3 -c '
import sys, yaml
pr = yaml.safe_load(open(sys.argv[1]))
yaml.safe_dump(pr["spec"], open(sys.argv[2], "w"), sort_keys=False, allow_unicode=True)
' "$PRULE" "$WORK/prometheusrule-spec.yml" || fail "cannot extract the PrometheusRule's spec"
promtool check rules "$WORK/prometheusrule-spec.yml" >"$WORK/check-pr.log" 2>&1 ||
	fail "promtool check rules (PrometheusRule spec): $(cat "$WORK/check-pr.log")"
note "promtool check rules (PrometheusRule spec): $(grep -o 'SUCCESS.*' "$WORK/check-pr.log")"
(cd "$(dirname "$RULES_TEST")" && promtool test rules "$(basename "$RULES_TEST")") >"$WORK/test.log" 2>&1 ||
	fail "promtool test rules: $(cat "$WORK/test.log")"
note "promtool test rules $(basename "$RULES_TEST"): $(tr -s ' \n' ' ' <"$WORK/test.log")"
echo "rules: names=doc prometheusrule=in-sync dashboard=ok promtool=ok"
