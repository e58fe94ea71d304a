#!/usr/bin/env python3
"""prometheusrule.py: openshift/phcbroker-prometheusrule.yaml from
prometheus/phcbroker-rules.yml, so that the two never differ.

The PrometheusRule's spec.groups is the rules file's `groups:` text, comments
included, indented under `spec:`; only the header (apiVersion, kind,
metadata) is written here. Usage, from the top of the tree:

  tests/observability/prometheusrule.py            rewrite the PrometheusRule
  tests/observability/prometheusrule.py --check    exit 1 if it is not what
                                                   this script would write
  tests/observability/prometheusrule.py --namespace NS -o FILE
                                                   another namespace, elsewhere

--check also parses both files (python3-yaml) and compares spec.groups with
the rules file's groups, item by item.
Exit status: 0 done or up to date, 1 drift, 2 usage or input error.
"""
import argparse
import difflib
import os
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RULES = os.path.join(TOP, "prometheus", "phcbroker-rules.yml")
OUTPUT = os.path.join(TOP, "openshift", "phcbroker-prometheusrule.yaml")
# openshift-monitoring: the platform Prometheus evaluates PrometheusRules of
# the namespaces labelled openshift.io/cluster-monitoring=true, and
# phcbrokerd is a host daemon scraped like node_exporter. With user workload
# monitoring, use the namespace of phcbrokerd's ServiceMonitor instead.
NAMESPACE = "openshift-monitoring"

HEADER = """\
# phcbroker-prometheusrule.yaml: phcbroker's alerting and recording rules as
# an OpenShift (prometheus-operator) PrometheusRule.
#
# GENERATED from prometheus/phcbroker-rules.yml by
# tests/observability/prometheusrule.py: do not edit; edit the rules file and
# run the script (make check fails while the two differ).
#
# Namespace {namespace}: the platform Prometheus evaluates it
# (phcbrokerd is a host daemon, scraped like node_exporter). With user
# workload monitoring, generate it for the namespace of phcbrokerd's
# ServiceMonitor instead:
#   tests/observability/prometheusrule.py --namespace phcbroker -o FILE
# Apply: oc apply -f phcbroker-prometheusrule.yaml
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: phcbroker
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: phcbroker
    app.kubernetes.io/component: alert-rules
    prometheus: k8s
    role: alert-rules
spec:
"""


def die(msg, status=2):
    print("prometheusrule.py: " + msg, file=sys.stderr)
    sys.exit(status)


def render(rules_text, namespace):
    """The PrometheusRule's text for the rules file's text."""
    lines = rules_text.splitlines()
    try:
        start = lines.index("groups:")
    except ValueError:
        die("%s: no line 'groups:' at column 0" % RULES)
    out = [HEADER.format(namespace=namespace).rstrip("\n")]
    for line in lines[start:]:
        out.append("  " + line if line.strip() else "")
    return "\n".join(out) + "\n"


def same_groups(rules_text, rendered):
    """Both files parsed: spec.groups equals the rules file's groups."""
    try:
        import yaml
    except ImportError:
        die("python3-yaml is not installed", 77)
    rules = yaml.safe_load(rules_text)
    pr = yaml.safe_load(rendered)
    if pr.get("apiVersion") != "monitoring.coreos.com/v1" or pr.get("kind") != "PrometheusRule":
        return ["not a monitoring.coreos.com/v1 PrometheusRule"]
    problems = []
    a, b = rules.get("groups"), pr.get("spec", {}).get("groups")
    if not isinstance(a, list) or not a:
        return ["the rules file has no groups"]
    if len(a) != len(b or []):
        return ["%d groups in the rules file, %d in the PrometheusRule" % (len(a), len(b or []))]
    for ga, gb in zip(a, b):
        if ga != gb:
            problems.append("group %s differs" % ga.get("name"))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare, do not write")
    ap.add_argument("--namespace", default=NAMESPACE)
    ap.add_argument("--rules", default=RULES)
    ap.add_argument("-o", "--output", default=OUTPUT)
    args = ap.parse_args()
    try:
        with open(args.rules, encoding="utf-8") as f:
            rules_text = f.read()
    except OSError as e:
        die(str(e))
    rendered = render(rules_text, args.namespace)
    problems = same_groups(rules_text, rendered)
    if problems:
        die("rendering changed the rules: " + "; ".join(problems), 1)
    if not args.check:
        with open(args.output + ".tmp", "w", encoding="utf-8") as f:
            f.write(rendered)
        os.replace(args.output + ".tmp", args.output)
        return 0
    try:
        with open(args.output, encoding="utf-8") as f:
            current = f.read()
    except OSError as e:
        die(str(e), 1)
    if current != rendered:
        diff = difflib.unified_diff(current.splitlines(True), rendered.splitlines(True),
                                    args.output, "generated from " + args.rules)
        sys.stderr.writelines(diff)
        die("%s differs from what %s gives: run tests/observability/prometheusrule.py"
            % (args.output, args.rules), 1)
    problems = same_groups(rules_text, current)
    if problems:
        die(args.output + ": " + "; ".join(problems), 1)
    print("%s: up to date with %s (%d groups)" % (
        os.path.relpath(args.output), os.path.relpath(args.rules), rules_text.count("\n  - name: ")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
