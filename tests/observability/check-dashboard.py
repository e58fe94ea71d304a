#!/usr/bin/env python3
"""check-dashboard.py: grafana/phcbroker-dashboard.json is a dashboard that
Grafana can provision as it is.

Checks: valid JSON; uid, title, schemaVersion 36..41; a `datasource`
template variable of type datasource (prometheus) and the `instance` and
`source` query variables, which use it; every panel and every target on
`${datasource}` (no data source uid of the author's Grafana, no __inputs of
an export); unique panel ids; panels inside the 24-column grid, not
overlapping; every target with a unique refId and a PromQL expr; the panel
types on-call needs (state-timeline of the gate, heatmap of the read delay
with format=heatmap); and a provisioning file that loads .json files.
Exit status: 0 good, 1 a problem (each printed), 2 usage error.
"""
import json
import re
import sys

DS = "${datasource}"
BUILTIN_VARS = {"__interval", "__interval_ms", "__rate_interval", "__range", "__range_s", "__range_ms",
                "__dashboard", "__from", "__to", "__name", "__org", "__user", "__timeFilter"}
VAR_REF = re.compile(r"\$(?:\{([A-Za-z0-9_]+)(?::[^}]*)?\}|([A-Za-z0-9_]+))|\[\[([A-Za-z0-9_]+)\]\]")


def var_refs(text):
    return {a or b or c for a, b, c in VAR_REF.findall(text)}
PANEL_TYPES = {"row", "timeseries", "state-timeline", "heatmap", "stat", "table", "text", "bargauge", "gauge"}


def panels_of(dash):
    for p in dash.get("panels", []):
        yield p
        for q in p.get("panels", []) or []:
            yield q


def check(dash):
    errs = []
    err = errs.append
    for key in ("uid", "title"):
        if not isinstance(dash.get(key), str) or not dash[key]:
            err("no %s" % key)
    sv = dash.get("schemaVersion")
    if not isinstance(sv, int) or not 36 <= sv <= 41:
        err("schemaVersion %r is not 36..41" % sv)
    if "__inputs" in dash or "__requires" in dash:
        err("__inputs/__requires: an export for import, not a provisionable dashboard")
    if dash.get("id") not in (None,):
        err("a fixed dashboard id (%r): provisioning assigns one" % dash.get("id"))
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        err("no template variable datasource of type datasource, query prometheus")
    for name in ("instance", "source"):
        v = variables.get(name)
        if not v or v.get("type") != "query":
            err("no query template variable %s" % name)
        elif (v.get("datasource") or {}).get("uid") != DS:
            err("variable %s does not use %s" % (name, DS))
    for a in dash.get("annotations", {}).get("list", []):
        if a.get("builtIn"):
            continue
        if (a.get("datasource") or {}).get("uid") != DS:
            err("annotation %r does not use %s" % (a.get("name"), DS))
        undefined = var_refs(a.get("expr", "")) - set(variables) - BUILTIN_VARS
        if undefined:
            err("annotation %r: undefined variables %s" % (a.get("name"), sorted(undefined)))
    ids, boxes, types = set(), [], {}
    for p in panels_of(dash):
        title = p.get("title", "?")
        t = p.get("type")
        types.setdefault(t, []).append(p)
        if t not in PANEL_TYPES:
            err("panel %r: type %r" % (title, t))
        if p.get("id") in ids or not isinstance(p.get("id"), int):
            err("panel %r: id %r missing or not unique" % (title, p.get("id")))
        ids.add(p.get("id"))
        g = p.get("gridPos") or {}
        if not all(isinstance(g.get(k), int) for k in "hwxy") or g["x"] < 0 or g["w"] < 1 \
                or g["x"] + g["w"] > 24 or g["h"] < 1:
            err("panel %r: gridPos %r" % (title, g))
        else:
            for other, og in boxes:
                if g["x"] < og["x"] + og["w"] and og["x"] < g["x"] + g["w"] \
                        and g["y"] < og["y"] + og["h"] and og["y"] < g["y"] + g["h"]:
                    err("panels %r and %r overlap" % (title, other))
            boxes.append((title, g))
        if t in ("row", "text"):
            continue
        if not p.get("description"):
            err("panel %r: no description" % title)
        if (p.get("datasource") or {}).get("uid") != DS:
            err("panel %r: datasource is not %s" % (title, DS))
        targets = p.get("targets") or []
        if not targets:
            err("panel %r: no targets" % title)
        refs = [x.get("refId") for x in targets]
        if len(set(refs)) != len(refs) or None in refs:
            err("panel %r: refIds %r" % (title, refs))
        for x in targets:
            if (x.get("datasource") or {}).get("uid") != DS:
                err("panel %r target %s: datasource is not %s" % (title, x.get("refId"), DS))
            if not isinstance(x.get("expr"), str) or not x["expr"].strip():
                err("panel %r target %s: no expr" % (title, x.get("refId")))
            undefined = var_refs(x.get("expr", "")) - set(variables) - BUILTIN_VARS
            if undefined:
                err("panel %r target %s: undefined variables %s" % (title, x.get("refId"), sorted(undefined)))
        if t == "heatmap":
            for x in targets:
                if x.get("format") != "heatmap" or "_bucket" not in x.get("expr", ""):
                    err("heatmap %r: target %s is not format=heatmap over _bucket" % (title, x.get("refId")))
    gate = [p for p in types.get("state-timeline", []) if
            any("phcbroker_gate_state" in x.get("expr", "") for x in p.get("targets", []))]
    if not gate:
        err("no state-timeline panel of phcbroker_gate_state")
    if not any("phcbroker_source_read_delay_seconds_bucket" in x.get("expr", "")
               for p in types.get("heatmap", []) for x in p.get("targets", [])):
        err("no heatmap of phcbroker_source_read_delay_seconds_bucket")
    return errs


def check_provisioning(path):
    import yaml
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    errs = []
    if doc.get("apiVersion") != 1:
        errs.append("%s: apiVersion is not 1" % path)
    provs = doc.get("providers") or []
    if not provs:
        errs.append("%s: no providers" % path)
    for p in provs:
        if p.get("type") != "file" or not (p.get("options") or {}).get("path"):
            errs.append("%s: provider %r is not of type file with options.path" % (path, p.get("name")))
    return errs


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: check-dashboard.py DASHBOARD.json [PROVISIONING.yaml]", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            dash = json.load(f)
    except (OSError, ValueError) as e:
        print("check-dashboard.py: %s: %s" % (argv[1], e))
        return 1
    errs = ["%s: %s" % (argv[1], e) for e in check(dash)]
    if len(argv) == 3:
        errs += check_provisioning(argv[2])
    for e in errs:
        print("check-dashboard.py: " + e)
    if errs:
        return 1
    n = sum(1 for p in panels_of(dash) if p.get("type") != "row")
    print("check-dashboard.py: %s: %d panels, schemaVersion %d, on ${datasource}"
          % (argv[1], n, dash["schemaVersion"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
