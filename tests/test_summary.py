"""Unit tests for helpers.summary (chapter 8)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from helpers import summary as sm

ROOT = Path(__file__).resolve().parents[1]


def test_chapter_map_matches_the_toc():
    assert [c.file for c in sm.CHAPTERS] == sm.toc_files(ROOT / "_toc.yml")
    assert set(sm.PARTS) == {c.part for c in sm.CHAPTERS} == set(range(1, 10))


def test_toc_files_bad_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="toc_path"):
        sm.toc_files(tmp_path / "missing.yml")
    empty = tmp_path / "toc.yml"
    empty.write_text("", encoding="utf-8")
    assert sm.toc_files(empty) == []


def test_chapter_map_figure():
    fig = sm.chapter_map_figure()
    assert isinstance(fig, plt.Figure) and fig.axes[0].get_title()
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert all(f"Part {p}" in texts for p in range(1, 10))
    with pytest.raises(TypeError, match="chapters"):
        sm.chapter_map_figure([])


def test_milestones_are_sourced():
    keys = sm.bib_keys(ROOT / "references.bib")
    assert all(m.source in keys for m in sm.MILESTONES)
    assert all(m.params > 0 and 1990 < m.year < 2030 for m in sm.MILESTONES)
    table = sm.milestone_table()
    assert "GPT-3" in table and "175,000,000,000" in table


def test_bib_keys(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a2020x,\n title={t}}\n@misc{b2019y,\n}\n", encoding="utf-8")
    assert sm.bib_keys(bib) == {"a2020x", "b2019y"}
    with pytest.raises(FileNotFoundError, match="bib_path"):
        sm.bib_keys(tmp_path / "none.bib")


def test_doubling_time():
    assert sm.doubling_time(8, 3) == pytest.approx(1.0)
    assert sm.doubling_time(2, 5) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="factor"):
        sm.doubling_time(1.0, 3)
    with pytest.raises(ValueError, match="years"):
        sm.doubling_time(4, 0)
    with pytest.raises(TypeError, match="factor"):
        sm.doubling_time("4", 2)


def test_fit_doubling_time():
    points = [sm.Milestone("a", 2000, 1.0, "vision", "k"), sm.Milestone("b", 2004, 16.0, "vision", "k")]
    assert sm.fit_doubling_time(points) == pytest.approx(1.0)
    assert 0.5 < sm.fit_doubling_time() < 2.0
    with pytest.raises(ValueError, match="at least two"):
        sm.fit_doubling_time(points[:1])
    with pytest.raises(ValueError, match="more than one year"):
        sm.fit_doubling_time([points[0], points[0]])
    with pytest.raises(ValueError, match="do not grow"):
        sm.fit_doubling_time([sm.Milestone("a", 2000, 16.0, "v", "k"), sm.Milestone("b", 2004, 1.0, "v", "k")])


def test_scale_figure_and_explorer():
    fig = sm.scale_figure()
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert sm.scale_figure(log=False, start_year=2015).axes[0].get_yscale() == "linear"
    with pytest.raises(ValueError, match="no milestones"):
        sm.scale_figure(start_year=2029)
    with pytest.raises(ValueError, match="start_year"):
        sm.scale_figure(start_year=1900)
    explorer = sm.scale_explorer()
    assert explorer.png.startswith(b"\x89PNG")
    first, last = explorer.settings()[0], explorer.settings()[-1]
    assert len(explorer.frame(**first)) > len(explorer.frame(**last)) >= 3
    assert explorer.frame(**first)["doubling_years"].iloc[0] == pytest.approx(sm.fit_doubling_time(
        [m for m in sm.MILESTONES if m.year >= first["start_year"]]))
    assert "<script" in explorer.html()
    with pytest.raises(ValueError, match="four years"):
        sm.scale_explorer(sm.MILESTONES[:2])


def test_check_doubling_time():
    assert sm.check_doubling_time(1.0, 8, 3)
    assert not sm.check_doubling_time(1.0, 2 ** 6, 3)   # 6 doublings in 3 years: 0.5 years each
    per_year = sm.check_doubling_time(2.0, 2 ** 6, 3)
    assert not per_year and "doublings per year" in str(per_year)
    assert not sm.check_doubling_time("one", 8, 3)


def test_check_tokens_per_param_accepts_reference_and_rejects_typical_mistakes():
    assert sm.check_tokens_per_param(1.4e12 / 70e9, 1.4e12, 70e9)
    assert sm.check_tokens_per_param(1.7, 300e9, 175e9)            # rounded to one decimal
    inverse = sm.check_tokens_per_param(175e9 / 300e9, 300e9, 175e9)
    assert not inverse and "parameters per token" in str(inverse)
    units = sm.check_tokens_per_param(1.4e9 / 70e9, 1.4e12, 70e9)
    assert not units and "units" in str(units)
    assert not sm.check_tokens_per_param(2.5, 300e9, 175e9)
    assert not sm.check_tokens_per_param("20", 1.4e12, 70e9)
    with pytest.raises(ValueError):
        sm.check_tokens_per_param(1.0, 1e9, 0)


def test_llm_facts_are_sourced_and_consistent():
    keys = sm.bib_keys(ROOT / "references.bib")
    assert all(f.source in keys for f in sm.LLM_FACTS)
    assert all(src in keys for _, src in sm.TRAINING_COSTS.values())
    for f in sm.LLM_FACTS:
        if f.params is not None:
            assert f.active is not None and 0 < f.active <= f.params
    chinchilla = next(f for f in sm.LLM_FACTS if f.name == "Chinchilla")
    assert chinchilla.tokens_per_param == pytest.approx(20)
    gpt4 = next(f for f in sm.LLM_FACTS if f.name == "GPT-4")
    assert gpt4.tokens_per_param is None
    table = sm.llm_table()
    assert "not published" in table and "DeepSeek-V3" in table and "20.0" in table
    with pytest.raises(TypeError, match="facts"):
        sm.llm_table([])
    with pytest.raises(TypeError, match="facts"):
        sm.llm_table(["GPT-3"])


def test_no_notebook_reads_a_file_through_the_parent_folder():
    """In Colab and from a chapter's download only the notebook and ``helpers/`` exist (issue 21)."""
    import json
    import re

    offenders = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for k, cell in enumerate(cells):
            if cell["cell_type"] != "code" or "colab-setup" in cell.get("metadata", {}).get("tags", []):
                continue
            source = "".join(cell["source"])
            if re.search(r"""["'](\.\./|\.\.\\)""", source) or "parent.parent" in source:
                offenders.append(f"{path.name} cell {k}")
    assert not offenders, f"cells that read a file outside the notebook's folder: {offenders}"


def test_llm_figure_draws_the_cited_tables():
    fig = sm.llm_figure()
    left, right = fig.axes
    published = [f for f in sm.LLM_FACTS if f.tokens is not None and f.params is not None]
    widths = [bar.get_width() for bar in left.patches]
    assert widths == pytest.approx([f.tokens / f.params for f in published])        # per total parameter
    assert [t.get_text() for t in left.get_yticklabels()][-1] == "DeepSeek-V3 (2024), MoE"
    assert [bar.get_width() for bar in right.patches] == [v for v, _ in sm.TRAINING_COSTS.values()]
    assert all(source for _, source in sm.TRAINING_COSTS.values())
    plt.close(fig)


def test_helpers_reject_bad_input(tmp_path):
    with pytest.raises(TypeError, match="chapters"):
        sm.chapter_map_figure(["chapters/01_background"])
    with pytest.raises(TypeError, match="milestones"):
        sm.milestone_table([])
    with pytest.raises(TypeError, match="facts"):
        sm.llm_table(None)
    with pytest.raises(TypeError, match="facts"):
        sm.llm_figure("GPT-3")
    with pytest.raises(TypeError, match="costs"):
        sm.llm_figure(costs={})
    with pytest.raises(ValueError, match="published"):
        sm.llm_figure([f for f in sm.LLM_FACTS if f.tokens is None])
    with pytest.raises(ValueError, match="factor"):
        sm.doubling_time(0.5, 3)
    with pytest.raises(ValueError, match="two milestones"):
        sm.fit_doubling_time(sm.MILESTONES[:1])
    with pytest.raises(ValueError, match="start_year"):
        sm.scale_figure(start_year=2040)
    with pytest.raises(ValueError, match="four years"):
        sm.scale_explorer(sm.MILESTONES[:1])
    with pytest.raises(FileNotFoundError, match="bib_path"):
        sm.bib_keys(tmp_path / "missing.bib")
    with pytest.raises(ValueError, match="years"):
        sm.check_doubling_time(1.0, 8, -1)
    assert not sm.check_doubling_time("one", 8, 3)
    assert not sm.check_doubling_time(None, 8, 3)
    plt.close("all")
