"""`python -m hooks.briefdesk evaluate` on the labelled real articles of ../shared/devset/
(read from there at test time: third-party text is never copied into the project).

The floors are set from what the cleaner measured when they were written (BENCHMARKS.md),
a little below, so that a change that makes the cleaner worse on real articles fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefdesk.evaluate import CorpusError, evaluate

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "devset"
EDITORIAL = ROOT / "hooks" / "editorial"

needs_devset = pytest.mark.skipif(not (DEVSET / "truth.jsonl").is_file(), reason="../shared/devset/ is not here")


@pytest.fixture(scope="module")
def report():
    return evaluate(DEVSET, EDITORIAL)


@needs_devset
def test_floors_on_the_dev_corpus(report):
    o = report["overall"]
    assert o["refused"] == 0
    assert o["body_kept"] >= 0.99
    assert o["noise_removed"] >= 0.92
    assert o["headlines_right"] >= 0.90
    assert o["dates_found"] >= 0.90
    assert o["dates_given_unstated"] == 0  # a date is never given where the text states none
    assert o["authors_found"] >= 0.6
    assert o["places"]["f1"] >= 0.90


@needs_devset
def test_every_label_is_mostly_removed(report):
    for label, d in report["overall"]["noise_removed_by_label"].items():
        assert d["share"] >= 0.8, (label, d)


@needs_devset
def test_no_derived_title_is_cut_with_an_ellipsis_or_taken_from_noise(report):
    for a in report["articles"]:
        if a["title_derived"]:
            assert a["true_title"] is None, a["file"]


@needs_devset
def test_the_command_prints_the_figures_and_json():
    out = subprocess.run([sys.executable, "-m", "hooks.briefdesk", "evaluate", str(DEVSET), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    assert set(data) == {"overall", "by_outlet", "articles"}
    assert "Daily NK" in data["by_outlet"]
    text = subprocess.run([sys.executable, "-m", "hooks.briefdesk", "evaluate", str(DEVSET)],
                          cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for figure in ("body kept", "noise removed", "headlines right", "dates found", "authors found", "places"):
        assert figure in text


def test_a_folder_that_is_not_a_labelled_corpus_gets_a_one_line_error(tmp_path):
    with pytest.raises(CorpusError, match="labels.jsonl"):
        evaluate(tmp_path, EDITORIAL)
    proc = subprocess.run([sys.executable, "-m", "hooks.briefdesk", "evaluate", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_measures_a_small_corpus_it_is_given(tmp_path):
    """The figures are computed, not copied: a corpus of one article with known noise."""
    (tmp_path / "articles").mkdir()
    text = ("Home | News | Economy\n\nRice prices fall in Hyesan markets as smuggling resumes\n\n"
            "Posted on 2021-04-03\n\n"
            + "Rice prices in Hyesan fell sharply this month after smuggling across the Yalu River resumed, "
              "traders in the city said, and the price of corn followed within a week of the change.\n\n" * 3
            + "Related stories\n\nNorth Korea tightens border controls again")
    (tmp_path / "articles" / "a.txt").write_text(text, encoding="utf-8")
    labels = ["other", "headline", "byline", "body", "body", "body", "footer", "footer"]
    (tmp_path / "labels.jsonl").write_text(
        "".join(json.dumps({"file": "a.txt", "index": i, "label": lb}) + "\n" for i, lb in enumerate(labels)))
    (tmp_path / "truth.jsonl").write_text(json.dumps(
        {"file": "a.txt", "outlet": "Test", "title": "Rice prices fall in Hyesan markets as smuggling resumes",
         "date": "2021-04-03", "author": None, "regions": ["Hyesan"]}) + "\n")
    o = evaluate(tmp_path, EDITORIAL)["overall"]
    assert o["body_kept"] == 1.0
    assert o["noise_removed"] == 1.0
    assert o["headlines_right"] == 1.0
    assert o["dates_found"] == 1.0
    assert o["places"]["recall"] == 1.0
