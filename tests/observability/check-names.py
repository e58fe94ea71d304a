#!/usr/bin/env python3
"""check-names.py: every phcbroker_* metric name that the alert rules, the
PrometheusRule and the Grafana dashboard use must be one the daemon exports.

Usage:
  check-names.py SCRAPE FILE...                 names from a scrape
  check-names.py --scrape SCRAPE FILE...        the same ("-": stdin)
  check-names.py --names-from-doc doc/observability.md FILE...
                                                names from the doc's tables
  check-names.py --list FILE...                 print the names each uses

SCRAPE is /metrics output (Prometheus text format 0.0.4, or OpenMetrics): a
name is exported if a sample carries it or a `# TYPE` line declares it (a
histogram declares NAME_bucket, NAME_sum and NAME_count, not NAME). The
doc's tables give each name and type the same way.

FILEs: Prometheus rule files (`groups:`), PrometheusRule objects (`kind:
PrometheusRule`), Grafana dashboards (.json). Names are taken from the PromQL
of every rule's expr and every dashboard target and template variable, by a
tokenizer (see promql_metric_names), and from the rules' annotation and label
templates by a plain search for phcbroker_* words (their query calls and
their prose must name real series too). Names that a rule records are
defined, not used. Only phcbroker_* names are checked.

Exit status: 0 all present, 1 some missing (listed with where each is used),
2 usage or input error.
"""
import argparse
import json
import re
import sys

PREFIX = "phcbroker_"

# ---- PromQL -----------------------------------------------------------------

# Keywords and aggregation operators (case-insensitive in PromQL).
KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
    "group_right", "offset", "bool", "atan2",
}
AGGREGATORS = {
    "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk",
    "bottomk", "quantile", "count_values", "limitk", "limit_ratio",
}
# Followed by a parenthesised list of label names.
LABEL_LISTS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
NUMBER_WORDS = {"inf", "nan"}
MATCH_OPS = {"=", "!=", "=~", "!~"}

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)
  | (?P<var>\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[A-Za-z0-9_:.]+\]\])
  | (?P<number>(?:0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[A-Za-z0-9_]*)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=@,(){}\[\]])
""", re.VERBOSE)


class PromQLError(ValueError):
    pass


def tokenize(expr):
    """(kind, text) tokens of a PromQL expression, whitespace and comments
    dropped; the contents of [...] (ranges, subqueries) are one token."""
    tokens, pos = [], 0
    while pos < len(expr):
        if expr[pos] == "[" and not expr.startswith("[[", pos):
            end = expr.find("]", pos)
            if end < 0:
                raise PromQLError("unclosed '[' at %d in %r" % (pos, expr))
            tokens.append(("range", expr[pos:end + 1]))
            pos = end + 1
            continue
        m = _TOKEN.match(expr, pos)
        if not m:
            raise PromQLError("unexpected %r at %d in %r" % (expr[pos], pos, expr))
        kind = m.lastgroup
        if kind not in ("space", "comment"):
            tokens.append((kind, m.group()))
        pos = m.end()
    return tokens


def _unquote(s):
    if s[0] == "`":
        return s[1:-1]
    return re.sub(r"\\(.)", r"\1", s[1:-1])


def _matching(tokens, i, open_, close):
    """Index of the token closing the bracket opened at tokens[i]."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j] == ("op", open_):
            depth += 1
        elif tokens[j] == ("op", close):
            depth -= 1
            if depth == 0:
                return j
    raise PromQLError("unbalanced %r" % open_)


def _matcher_names(tokens):
    """Metric names inside one {...}: __name__="x", or a quoted name."""
    names = []
    for j, (kind, text) in enumerate(tokens):
        prev = tokens[j - 1] if j > 0 else None
        nxt = tokens[j + 1] if j + 1 < len(tokens) else None
        if kind == "ident" and text == "__name__" and nxt == ("op", "=") \
                and j + 2 < len(tokens) and tokens[j + 2][0] == "string":
            names.append(_unquote(tokens[j + 2][1]))
        elif kind == "string" and (prev is None or prev == ("op", ",")) \
                and (nxt is None or nxt == ("op", ",")):
            names.append(_unquote(text))  # {"metric.name", ...}
    return names


GRAFANA_NO_METRIC = re.compile(r"^\s*(metrics|label_names)\s*\(.*\)\s*$", re.S)


def promql_metric_names(expr):
    """The metric names a PromQL expression selects, in order, repeated as
    often as they occur. Also takes Grafana's label_values(), metrics() and
    query_result() variable queries, and $variables anywhere."""
    if GRAFANA_NO_METRIC.match(expr):
        return []  # metrics(regex), label_names(...): no selector
    tokens = tokenize(expr)
    _check_balanced(tokens, expr)
    names = []
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if kind == "op" and text == "{":
            end = _matching(tokens, i, "{", "}")
            names.extend(_matcher_names(tokens[i + 1:end]))
            i = end + 1
            continue
        if kind != "ident":
            i += 1
            continue
        low = text.lower()
        if low in LABEL_LISTS and nxt == ("op", "("):
            i = _matching(tokens, i + 1, "(", ")") + 1  # label names
            continue
        if nxt == ("op", "("):
            end = _matching(tokens, i + 1, "(", ")")
            if text == "label_values":  # Grafana: label_values([expr,] label)
                args = _split_args(tokens[i + 2:end])
                if len(args) == 1 and [k for k, _ in args[0]] == ["ident"]:
                    i = end + 1  # label_values(label)
                    continue
                if len(args) >= 2:
                    names.extend(promql_metric_names(
                        " ".join(t for _, t in _flatten(args[:-1], ","))))
                    i = end + 1
                    continue
            i += 1  # a function or aggregation: its arguments follow
            continue
        if low in KEYWORDS or low in AGGREGATORS or low in NUMBER_WORDS:
            i += 1
            continue
        names.append(text)
        i += 1
    return names


def _check_balanced(tokens, expr):
    stack = []
    pairs = {")": "(", "}": "{"}
    for kind, text in tokens:
        if kind != "op":
            continue
        if text in "({":
            stack.append(text)
        elif text in pairs:
            if not stack or stack.pop() != pairs[text]:
                raise PromQLError("unbalanced %r in %r" % (text, expr))
    if stack:
        raise PromQLError("unclosed %r in %r" % (stack[-1], expr))


def _split_args(tokens):
    args, cur, depth = [], [], 0
    for t in tokens:
        if t in (("op", "("), ("op", "{")):
            depth += 1
        elif t in (("op", ")"), ("op", "}")):
            depth -= 1
        if t == ("op", ",") and depth == 0:
            args.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur or args:
        args.append(cur)
    return args


def _flatten(args, sep):
    out = []
    for k, a in enumerate(args):
        if k:
            out.append(("op", sep))
        out.extend(a)
    return out


TEMPLATE_NAME = re.compile(r"(?<![A-Za-z0-9_:])" + PREFIX + r"[A-Za-z0-9_:]*")


def template_names(text):
    """phcbroker_* words of an annotation or label template."""
    return [n.rstrip(":") for n in TEMPLATE_NAME.findall(text)]


# ---- the files that use names ------------------------------------------------


class Uses:
    def __init__(self):
        self.used = {}  # name -> [where, ...]
        self.recorded = set()
        self.exprs = 0

    def add(self, names, where):
        for n in names:
            self.used.setdefault(n, [])
            if where not in self.used[n]:
                self.used[n].append(where)


def _rule_groups(uses, groups, fname):
    for g in groups or []:
        for k, r in enumerate(g.get("rules") or []):
            what = r.get("alert") or r.get("record") or "rule %d" % k
            where = "%s: %s/%s" % (fname, g.get("name"), what)
            if "record" in r:
                uses.recorded.add(r["record"])
            expr = r.get("expr")
            if not isinstance(expr, (str, int, float)):
                raise PromQLError("%s: no expr" % where)
            uses.exprs += 1
            try:
                uses.add(promql_metric_names(str(expr)), where)
            except PromQLError as e:
                raise PromQLError("%s: %s" % (where, e))
            for part in ("labels", "annotations"):
                for key, val in (r.get(part) or {}).items():
                    uses.add(template_names(str(val)), "%s (%s.%s)" % (where, part, key))


def _dashboard(uses, obj, fname, path="dashboard"):
    if isinstance(obj, dict):
        title = obj.get("title") or obj.get("name")
        here = "%s > %s" % (path, title) if title else path
        for key, val in obj.items():
            if key == "expr" and isinstance(val, str) and val.strip():
                _dash_expr(uses, val, "%s: %s" % (fname, here))
            elif key in ("query", "definition") and isinstance(val, str) \
                    and obj.get("type") == "query" and val.strip():
                _dash_expr(uses, val, "%s: %s (%s)" % (fname, here, key))
            elif key == "query" and isinstance(val, dict) and obj.get("type") == "query":
                q = val.get("query")
                if isinstance(q, str) and q.strip():
                    _dash_expr(uses, q, "%s: %s (query)" % (fname, here))
            else:
                _dashboard(uses, val, fname, here)
    elif isinstance(obj, list):
        for v in obj:
            _dashboard(uses, v, fname, path)


def _dash_expr(uses, expr, where):
    uses.exprs += 1
    try:
        uses.add(promql_metric_names(expr), where)
    except PromQLError as e:
        raise PromQLError("%s: %s" % (where, e))


def load_uses(paths, uses=None):
    uses = uses or Uses()
    for p in paths:
        with open(p, encoding="utf-8") as f:
            text = f.read()
        if p.endswith(".json"):
            _dashboard(uses, json.loads(text), p)
            continue
        import yaml
        doc = yaml.safe_load(text)
        if not isinstance(doc, dict):
            raise PromQLError("%s: not a rules file, PrometheusRule or dashboard" % p)
        if doc.get("kind") == "PrometheusRule":
            _rule_groups(uses, (doc.get("spec") or {}).get("groups"), p)
        elif "groups" in doc:
            _rule_groups(uses, doc["groups"], p)
        else:
            raise PromQLError("%s: not a rules file, PrometheusRule or dashboard" % p)
    return uses


# ---- the names exported --------------------------------------------------------

_FAMILY_SUFFIXES = {
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gaugehistogram": ("_bucket", "_gsum", "_gcount"),
    "summary": ("", "_sum", "_count", "_created"),
    "counter": ("", "_total", "_created"),
}


def family_names(name, mtype):
    mtype = mtype.lower()
    if mtype == "counter" and name.endswith("_total"):
        return {name}
    return {name + s for s in _FAMILY_SUFFIXES.get(mtype, ("",))}


_SAMPLE = re.compile(r"([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{|\s)")


def scrape_names(text):
    """Names a scrape exports: sample names and # TYPE declarations."""
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            f = line.split()
            if len(f) >= 4 and f[1] == "TYPE":
                names |= family_names(f[2], f[3])
            continue
        m = _SAMPLE.match(line + " ")
        if not m:
            raise PromQLError("not a sample line: %r" % line)
        names.add(m.group(1))
    return names


_DOC_ROW = re.compile(r"^\|\s*`(" + PREFIX + r"[A-Za-z0-9_:]*)`\s*\|\s*([a-z]+)\s*\|")


def doc_names(text):
    """Names the doc's metric tables list (| `name` | type | ...)."""
    names = set()
    for line in text.splitlines():
        m = _DOC_ROW.match(line)
        if m:
            names |= family_names(m.group(1), m.group(2))
    return names


# ---- main ----------------------------------------------------------------------


def check(known, uses):
    """Names used and not known: {name: [where, ...]}."""
    return {n: w for n, w in sorted(uses.used.items())
            if n.startswith(PREFIX) and n not in known and n not in uses.recorded}


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="phcbroker_* names used by rules and dashboards must be exported.",
        epilog="With neither --scrape nor --names-from-doc, the first FILE is the scrape.")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--scrape", metavar="SCRAPE", help='/metrics output ("-": stdin)')
    src.add_argument("--names-from-doc", metavar="DOC", help="doc/observability.md")
    src.add_argument("--list", action="store_true", help="print the names used, check nothing")
    ap.add_argument("files", nargs="+", metavar="FILE")
    args = ap.parse_args(argv)
    files = list(args.files)
    try:
        if args.list:
            uses = load_uses(files)
            for n, where in sorted(uses.used.items()):
                print("%s\t%s" % (n, "; ".join(where)))
            return 0
        if args.names_from_doc:
            with open(args.names_from_doc, encoding="utf-8") as f:
                known, what = doc_names(f.read()), args.names_from_doc
        else:
            scrape = args.scrape
            if scrape is None:
                if len(files) < 2:
                    ap.error("a scrape and at least one FILE are needed")
                scrape = files.pop(0)
            if scrape == "-":
                known, what = scrape_names(sys.stdin.read()), "the scrape on standard input"
            else:
                with open(scrape, encoding="utf-8") as f:
                    known, what = scrape_names(f.read()), scrape
        if not any(n.startswith(PREFIX) for n in known):
            print("check-names.py: %s has no %s* name" % (what, PREFIX), file=sys.stderr)
            return 2
        uses = load_uses(files)
    except (OSError, ValueError) as e:  # PromQLError, JSON and YAML errors
        print("check-names.py: %s" % e, file=sys.stderr)
        return 2
    used = sorted(n for n in uses.used if n.startswith(PREFIX) and n not in uses.recorded)
    missing = check(known, uses)
    if missing:
        print("check-names.py: %d of the %d %s* names used are not in %s:"
              % (len(missing), len(used), PREFIX, what))
        for n, where in missing.items():
            hint = ""
            if any(n + s in known for s in ("_bucket", "_count", "_sum")):
                hint = " (a histogram: use %s_bucket, _sum or _count)" % n
            print("  %s%s, used by %s" % (n, hint, "; ".join(where)))
        return 1
    print("check-names.py: the %d %s* names used by %d expressions in %s are all in %s"
          % (len(used), PREFIX, uses.exprs, ", ".join(files), what))
    return 0


if __name__ == "__main__":
    sys.exit(main())
