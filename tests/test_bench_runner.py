"""The build benchmark's runner works end to end (bench/run_benchmark.py): on a tiny corpus,
this project's build and every peer build in a fresh process each, the peers are given
the same articles, and the report has a row with every ratio. No time is asserted: the
figures are the benchmark's, this only keeps the runner from breaking unseen."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))
from bench import run_benchmark  # noqa: E402

pytestmark = pytest.mark.slow


def test_the_peer_benchmark_runs_every_build_and_reports_every_ratio(tmp_path):
    result = run_benchmark.run_peers(12, 3, tmp_path, rounds=1)
    assert result["articles"] == 12  # the peers build the articles of our build's briefings
    for kind in ("ours", *run_benchmark.PEER_KINDS):
        runs = result["runs"][kind]
        assert runs and all(r.get("ok") for r in runs), (kind, [r.get("error") for r in runs])
        assert result["sites"][kind]["html_pages"] > 12
    report = run_benchmark.render_peers({"entries": {"peers:12": {**result, "date": "d", "command": "c"}},
                                         "machine": {}})
    row = next(line for line in report.splitlines() if line.startswith("| 12 |"))
    assert row.count("**") == 2 * len(run_benchmark.PEER_KINDS)  # ours / each peer
    assert "ours / plain + search" in report
