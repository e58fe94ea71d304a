#!/usr/bin/env python3
"""live-rules.py: the shipped alert rules on a live daemon's own series.

usage: live-rules.py RULES SCRAPE WORKDIR EXPECT...

Turns one real scrape of /metrics (SCRAPE) into `promtool test rules`
input: every sample becomes a series held at its value for 20 minutes,
scraped as job="phcbroker", instance="live", with up 1. The rules of RULES
are copied without their annotations (the test then compares labels only),
and the test asserts, 20 minutes in, that exactly the alerts named in
EXPECT fire ("AlertName:severity"; each with the labels of the series it
is about) and every other alert of the file stays silent. Exit 0 if
promtool agrees; its output otherwise. Writes its files into WORKDIR.
"""
import re
import subprocess
import sys

import yaml

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')


def series_of(scrape):
    """(series selector with job/instance, value) of every sample."""
    out = []
    for line in open(scrape):
        m = SAMPLE.match(line.strip())
        if not m or line.startswith("#"):
            continue
        name, labels, value = m.group(1), m.group(2) or "{}", m.group(3)
        if value in ("NaN", "+Inf", "-Inf"):
            continue
        inner = labels[1:-1]
        extra = 'job="phcbroker",instance="live"'
        out.append(("%s{%s%s}" % (name, inner + "," if inner else "", extra),
                    value))
    out.append(('up{job="phcbroker",instance="live"}', "1"))
    return out


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rules_path, scrape, work = sys.argv[1:4]
    expect = sys.argv[4:]
    rules = yaml.safe_load(open(rules_path))
    alerts = set()
    for g in rules["groups"]:
        for r in g["rules"]:
            r.pop("annotations", None)
            if "alert" in r:
                alerts.add(r["alert"])
    with open(work + "/rules-live.yml", "w") as f:
        yaml.safe_dump(rules, f)
    want = {}
    for e in expect:
        name, severity = e.split(":")
        if name not in alerts:
            print("no alert %s in %s" % (name, rules_path), file=sys.stderr)
            return 2
        want.setdefault(name, []).append(
            {"exp_labels": {"severity": severity, "job": "phcbroker",
                            "instance": "live"}})
    test = {
        "rule_files": ["rules-live.yml"],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": [{"series": s, "values": "%sx20" % v}
                             for s, v in series_of(scrape)],
            "alert_rule_test": [{"eval_time": "20m", "alertname": a,
                                 "exp_alerts": want.get(a, [])}
                                for a in sorted(alerts)],
        }],
    }
    with open(work + "/rules-live.test.yml", "w") as f:
        yaml.safe_dump(test, f)
    r = subprocess.run(["promtool", "test", "rules",
                        work + "/rules-live.test.yml"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout + r.stderr)
        return 1
    print("live-rules: %d alerts evaluated on %d live series; firing: %s"
          % (len(alerts), len(test["tests"][0]["input_series"]),
             ", ".join(expect) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
