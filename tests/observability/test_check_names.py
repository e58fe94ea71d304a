#!/usr/bin/env python3
"""test_check_names.py: unit tests of check-names.py's PromQL name extractor,
its scrape and doc readers, and its verdicts.
Run: python3 -m unittest tests/observability/test_check_names.py (rules.sh
does)."""
import contextlib
import importlib.util
import io
import json
import os
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
_spec = importlib.util.spec_from_file_location("check_names", os.path.join(HERE, "check-names.py"))
cn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cn)


def names(expr):
    return cn.promql_metric_names(expr)


class Extractor(unittest.TestCase):
    def test_selector_and_matchers(self):
        self.assertEqual(names('phcbroker_source_up{source="PHC0",instance=~"node.*"} == 0'),
                         ["phcbroker_source_up"])
        self.assertEqual(names('phcbroker_source_up'), ["phcbroker_source_up"])
        self.assertEqual(names('{__name__="phcbroker_x", job!="a"}'), ["phcbroker_x"])
        self.assertEqual(names('{"phcbroker.utf8", source="a"}'), ["phcbroker.utf8"])
        # A label called like a metric, and a value that looks like one.
        self.assertEqual(names('a{phcbroker_label="phcbroker_value"}'), ["a"])

    def test_aggregation_clauses(self):
        self.assertEqual(names('sum by (job, instance, source) (rate(phcbroker_a_total[5m]))'),
                         ["phcbroker_a_total"])
        self.assertEqual(names('sum(rate(phcbroker_a_total[5m])) without (from, to, cause)'),
                         ["phcbroker_a_total"])
        self.assertEqual(names('SUM BY (le) (phcbroker_h_bucket)'), ["phcbroker_h_bucket"])
        self.assertEqual(names('topk(3, phcbroker_a) or bottomk by (source) (2, phcbroker_b)'),
                         ["phcbroker_a", "phcbroker_b"])
        self.assertEqual(names('count_values("value", phcbroker_ptp4l_clock_class)'),
                         ["phcbroker_ptp4l_clock_class"])
        self.assertEqual(names('quantile(0.9, phcbroker_a) / count(phcbroker_b)'),
                         ["phcbroker_a", "phcbroker_b"])

    def test_vector_matching(self):
        e = ('(phcbroker_gate_state{state="PTP"} == 1)\n'
             '  and on (job, instance) (phcbroker_chronyd_synced_to_broker == 0)\n'
             '  unless ignoring(source) phcbroker_c')
        self.assertEqual(names(e), ["phcbroker_gate_state", "phcbroker_chronyd_synced_to_broker",
                                    "phcbroker_c"])
        e = 'phcbroker_a * on (instance) group_left(reference, version) phcbroker_chronyd_selected_info'
        self.assertEqual(names(e), ["phcbroker_a", "phcbroker_chronyd_selected_info"])
        e = 'phcbroker_a / ignoring (x) group_right phcbroker_b'
        self.assertEqual(names(e), ["phcbroker_a", "phcbroker_b"])
        self.assertEqual(names('phcbroker_a > bool 1 AND phcbroker_b'), ["phcbroker_a", "phcbroker_b"])
        self.assertEqual(names('phcbroker_a atan2 phcbroker_b'), ["phcbroker_a", "phcbroker_b"])

    def test_histogram_and_grafana_variables(self):
        e = ('histogram_quantile(0.99, sum by (le, source) (rate('
             'phcbroker_source_read_delay_seconds_bucket{instance=~"$instance",source=~"${source:regex}"}'
             '[$__rate_interval])))')
        self.assertEqual(names(e), ["phcbroker_source_read_delay_seconds_bucket"])
        self.assertEqual(names('rate(phcbroker_h_sum[${__interval}]) / rate(phcbroker_h_count[1m])'),
                         ["phcbroker_h_sum", "phcbroker_h_count"])
        self.assertEqual(names('phcbroker_a{instance=~"[[instance]]"} * $scale'), ["phcbroker_a"])

    def test_strings_numbers_durations(self):
        e = ('label_replace(floor(increase(phcbroker_gate_flaps_total[30m])) > 2, '
             '"counter", "phcbroker_not_a_metric", "", "")')
        self.assertEqual(names(e), ["phcbroker_gate_flaps_total"])
        self.assertEqual(names("abs(phcbroker_a) > 100e-6 or phcbroker_b < 1e-6 or phcbroker_c != Inf"),
                         ["phcbroker_a", "phcbroker_b", "phcbroker_c"])
        self.assertEqual(names("phcbroker_a > -NaN or phcbroker_b == 0x1F or phcbroker_c >= .5"),
                         ["phcbroker_a", "phcbroker_b", "phcbroker_c"])
        self.assertEqual(names("phcbroker_a offset 1h30m + phcbroker_b offset -5m"),
                         ["phcbroker_a", "phcbroker_b"])
        self.assertEqual(names("phcbroker_a @ start() - phcbroker_b @ 1609746000"),
                         ["phcbroker_a", "phcbroker_b"])
        self.assertEqual(names("max_over_time(deriv(phcbroker_a[10m])[1h:1m])"), ["phcbroker_a"])
        self.assertEqual(names("`raw phcbroker_no` == 'phcbroker_no' or phcbroker_yes"), ["phcbroker_yes"])
        self.assertEqual(names('"a \\" phcbroker_no" or phcbroker_yes'), ["phcbroker_yes"])

    def test_comments_and_colons(self):
        e = ("# phcbroker_in_a_comment\n"
             "source:phcbroker_gate_state:code == 4 # phcbroker_again\n"
             "or phcbroker_a")
        self.assertEqual(names(e), ["source:phcbroker_gate_state:code", "phcbroker_a"])

    def test_functions_are_not_names(self):
        e = ("absent(phcbroker_build_info) or time() - phcbroker_start_time_seconds > 0 "
             "or vector(1) or changes(phcbroker_a[5m]) or timestamp(phcbroker_b)")
        self.assertEqual(names(e), ["phcbroker_build_info", "phcbroker_start_time_seconds",
                                    "phcbroker_a", "phcbroker_b"])
        # `up` is a metric, `on` a keyword.
        self.assertEqual(names('up{job=~".*phcbroker.*"} == 0'), ["up"])

    def test_grafana_variable_queries(self):
        self.assertEqual(names('label_values(phcbroker_source_up{instance=~"$instance"}, source)'),
                         ["phcbroker_source_up"])
        self.assertEqual(names("label_values(instance)"), [])
        self.assertEqual(names("label_values(phcbroker_build_info, instance)"), ["phcbroker_build_info"])
        self.assertEqual(names('metrics(phcbroker_.*)'), [])
        self.assertEqual(names('query_result(topk(1, phcbroker_a))'), ["phcbroker_a"])

    def test_errors(self):
        for bad in ('phcbroker_a{source="x}', "rate(phcbroker_a[5m]", "phcbroker_a[5m", "phcbroker_a ! 1",
                    "sum by (x phcbroker_a", "phcbroker_a) + (1", "phcbroker_a{x=\"1\")",
                    "abs(phcbroker_a}"):
            with self.assertRaises(cn.PromQLError, msg=bad):
                names(bad)

    def test_templates(self):
        t = ('{{ with printf "phcbroker_chronyd_selected_info{instance=%q}" $labels.instance | query }}'
             '{{ . }}{{ end }} see phcbroker_source_info: and phcbrokerd, phcbrokerctl')
        self.assertEqual(cn.template_names(t), ["phcbroker_chronyd_selected_info", "phcbroker_source_info"])


SCRAPE = """\
# HELP phcbroker_source_up 1 when the device is open and read
# TYPE phcbroker_source_up gauge
phcbroker_source_up{source="PHC0"} 1
# TYPE phcbroker_source_info gauge
phcbroker_source_info{source="PHC0",device="/dev/ptp0",clock_name="a b} c"} 1
# TYPE phcbroker_source_read_delay_seconds histogram
phcbroker_source_read_delay_seconds_bucket{source="PHC0",le="1e-07"} 0
phcbroker_source_read_delay_seconds_sum{source="PHC0"} 0.25
phcbroker_source_read_delay_seconds_count{source="PHC0"} 10
# TYPE phcbroker_ptp4l_clock_class gauge
# TYPE phcbroker_metrics_scrapes_total counter
phcbroker_metrics_scrapes_total 3 1700000000000
"""


class Sources(unittest.TestCase):
    def test_scrape(self):
        got = cn.scrape_names(SCRAPE)
        for n in ("phcbroker_source_up", "phcbroker_source_info", "phcbroker_source_read_delay_seconds_bucket",
                  "phcbroker_source_read_delay_seconds_sum", "phcbroker_source_read_delay_seconds_count",
                  "phcbroker_ptp4l_clock_class", "phcbroker_metrics_scrapes_total"):
            self.assertIn(n, got)
        self.assertNotIn("phcbroker_source_read_delay_seconds", got)
        with self.assertRaises(cn.PromQLError):
            cn.scrape_names("{oops} 1\n")

    def test_doc(self):
        with open(os.path.join(TOP, "doc", "observability.md"), encoding="utf-8") as f:
            got = cn.doc_names(f.read())
        self.assertIn("phcbroker_source_read_delay_seconds_bucket", got)
        self.assertIn("phcbroker_source_read_delay_seconds_count", got)
        self.assertNotIn("phcbroker_source_read_delay_seconds", got)
        self.assertIn("phcbroker_gate_transitions_total", got)
        self.assertIn("phcbroker_kernel_clock_state", got)
        self.assertGreater(len(got), 60)


class Verdicts(unittest.TestCase):
    def run_main(self, args):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            status = cn.main(args)
        return status, out.getvalue()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_missing_names_fail(self):
        scrape = self.write("scrape.txt", SCRAPE)
        rules = self.write("rules.yml", """\
groups:
  - name: g
    rules:
      - record: source:phcbroker_thing:rate5m
        expr: rate(phcbroker_metrics_scrapes_total[5m])
      - alert: A
        expr: phcbroker_source_up == 0 and source:phcbroker_thing:rate5m > 0
        annotations:
          description: '{{ with query "phcbroker_gone_info" }}{{ end }}'
      - alert: B
        expr: histogram_quantile(0.5, rate(phcbroker_source_read_delay_seconds[5m])) > 1
""")
        dash = self.write("d.json", json.dumps({"panels": [{"title": "p", "targets": [
            {"refId": "A", "expr": "phcbroker_source_up + phcbroker_nope"}]}]}))
        status, out = self.run_main([scrape, rules, dash])
        self.assertEqual(status, 1, out)
        self.assertIn("phcbroker_gone_info, used by %s: g/A (annotations.description)" % rules, out)
        self.assertIn("phcbroker_nope, used by %s: dashboard > p" % dash, out)
        self.assertIn("phcbroker_source_read_delay_seconds (a histogram", out)
        self.assertNotIn("phcbroker_thing", out)
        self.assertNotIn("phcbroker_source_up,", out)
        self.assertIn("3 of the 5", out)

    def test_all_present(self):
        scrape = self.write("scrape.txt", SCRAPE)
        rules = self.write("rules.yml", "groups:\n  - name: g\n    rules:\n"
                           "      - alert: A\n        expr: phcbroker_source_up == 0\n")
        status, out = self.run_main(["--scrape", scrape, rules])
        self.assertEqual(status, 0, out)
        status, out = self.run_main([scrape, rules])
        self.assertEqual(status, 0, out)

    def test_bad_input(self):
        scrape = self.write("scrape.txt", SCRAPE)
        rules = self.write("rules.yml", "groups:\n  - name: g\n    rules:\n"
                           "      - alert: A\n        expr: rate(phcbroker_source_up[5m]\n")
        status, out = self.run_main([scrape, rules])
        self.assertEqual(status, 2, out)
        status, out = self.run_main([self.write("empty.txt", "# nothing\n"), rules])
        self.assertEqual(status, 2, out)

    def test_shipped_files_against_the_doc(self):
        files = [os.path.join(TOP, p) for p in (
            "prometheus/phcbroker-rules.yml", "openshift/phcbroker-prometheusrule.yaml",
            "grafana/phcbroker-dashboard.json")]
        status, out = self.run_main(["--names-from-doc", os.path.join(TOP, "doc", "observability.md")] + files)
        self.assertEqual(status, 0, out)


if __name__ == "__main__":
    unittest.main()
