"""Plots draw the numbers they claim to: the measure they name, whatever else the table holds."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def _sigma_init_rows() -> pd.DataFrame:
    """Init rows of two measures of very different size (as init_measures writes them)."""
    rows = [dict(part="init", dataset="d", model="resnet", arch="convnet", method="untrained",
                 init_sigma=s, seed=sd, epoch=0, measure=m, value=v)
            for s in (0.01, 0.1) for sd in (0, 1)
            for m, v in (("DSE_Z", 1.0 + s), ("Z_mean_norm", 100.0))]
    rows += [dict(part="train", dataset="d", model="resnet", arch="convnet", method="supervised",
                  init_sigma=s, seed=0, epoch=e, measure=m, value=0.5)
             for s in (0.01, 0.1) for e in (1, 2) for m in ("val_acc", "DSE_Z")]
    return pd.DataFrame(rows)


def test_fig9_init_panel_is_dse_only():
    from dse_repro.plots import fig9

    fig = fig9.plot(_sigma_init_rows())
    line = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [1.01, 1.1])  # not averaged with |Z| = 100
    assert "(resnet, 1 seed)" in " ".join(t.get_text() for t in fig.legends[0].get_texts())


def test_figS2_draws_without_the_tables_it_reads():
    """figS2 from its own table only: the panels of the missing tables say so."""
    from dse_repro.plots import figS2

    sweep = pd.DataFrame([dict(dataset="d", model="m", arch="convnet", method="supervised",
                               seed=0, state=st, epoch=0, width=w, ratio=r, sigma=r,
                               median_distance=1.0, measure="DSE_Z", value=v, unit="bits")
                          for st in ("init", "trained")
                          for w, r, v in (("ratio", 0.01, 7.0), ("ratio", 100.0, 0.0),
                                          ("fixed", 10.0, 0.1), ("median", 1.0, 3.0),
                                          ("knn", np.nan, 5.0))])
    fig = figS2.plot(sweep)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert {"no sigma-init results", "no training results", "no model-zoo results"} <= set(texts)
    assert len(fig.axes[3].get_lines()) >= 2  # the sweep: init and trained curves


@pytest.mark.parametrize("count,word", [(1, "1 seed"), (3, "3 seeds")])
def test_seed_counts_are_pluralised(count, word):
    from dse_repro.plots.fig9 import seeds

    assert seeds(pd.DataFrame({"count": [count]})) == word


def test_fig4_names_overlaps_marks_impossible_values_and_labels_every_d():
    from dse_repro.plots import fig4

    rows = []
    for sweep, xs in (("corruption", [0.0, 0.5, 1.0]), ("dimension", [20, 50, 100, 500])):
        for x in xs:
            for est, label, v in (("csmi_5", "CSMI (5 bins)", 0.0), ("csmi_10", "CSMI (10 bins)",
                                                                     0.0),
                                  ("dsmi", "DSMI", 1.0 - 0.5 * (x if x <= 1 else 0)),
                                  ("npeet_micd", "NPEET micd", 3.0)):
                rows.append(dict(sweep=sweep, dim=20 if sweep == "corruption" else x,
                                 corruption=x if sweep == "corruption" else 0.0, noise=0.01,
                                 estimator=est, label=label, value=v, n_points=100))
    fig = fig4.plot(pd.DataFrame(rows))
    assert not [t for ax in fig.axes for t in ax.texts]  # no note on the data
    note = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "Curves that coincide" in note and "CSMI (5 bins) = CSMI (10 bins)" in note
    crosses = [c for ax in fig.axes for c in ax.collections
               if c.get_label() == "above H(Y): impossible"]
    assert crosses and all(np.allclose(c.get_offsets()[:, 1], 3.0) for c in crosses)
    dim_ax = fig.axes[-1]
    assert [t.get_text() for t in dim_ax.get_xticklabels()] == ["20", "50", "100", "500"]
    assert fig._suptitle.get_text().endswith("mean $\\pm$ sd over repeats")  # none numbered
    two = pd.concat([pd.DataFrame(rows).assign(repeat=r) for r in (0, 1)], ignore_index=True)
    assert fig4.plot(two)._suptitle.get_text().endswith("mean $\\pm$ sd over 2 repeats")


def _training_rows() -> pd.DataFrame:
    """Two epochs of one run, with the paper's DSMI(Z; Y) and its knn-width variant at t = 10
    of different values, and the validation accuracy."""
    return pd.DataFrame([dict(dataset="digits", arch="convnet", model="resnet10t",
                              method="supervised", seed=0, epoch=e, measure=m, value=v)
                         for e in (1, 2) for m, v in (("val_acc", 0.5 + 0.1 * e),
                                                      ("DSMI_ZY", 1.0 + e),
                                                      ("DSMI_ZY_knn_t10", 10.0 + e))])


def test_fig7_draws_the_measure_its_settings_name_with_its_display_name():
    """One conf line (conf/figures.yaml) changes the kernel width Fig. 7 draws; its axis says
    which, by display name (never the code name)."""
    from dse_repro.plots import fig7

    paper, knn = (fig7.plot(_training_rows(), measure=m).axes[0]
                  for m in ("DSMI_ZY", "DSMI_ZY_knn_t10"))
    assert list(paper.get_lines()[0].get_ydata()) == [2.0, 3.0]
    assert list(knn.get_lines()[0].get_ydata()) == [11.0, 12.0]
    assert paper.get_ylabel() == r"$I_D(Z; Y)$ (bits; $\sigma$ = 10, t = 1)"
    assert knn.get_ylabel() == r"$I_D(Z; Y)$ (bits; $\sigma_i$ = 7-NN distance, t = 10)"
    assert "DSMI_ZY" not in knn.figure._suptitle.get_text()  # the display name, not the code


def test_figure_settings_are_checked():
    from dse_repro.pipeline.config import ConfigError
    from dse_repro.plots import fig7
    from dse_repro.plots.names import figure_settings, measure_label

    assert figure_settings("fig7", fig7.plot) == {"measure": "DSMI_ZY"}  # conf/figures.yaml
    assert figure_settings("fig2", fig7.plot) == {}
    with pytest.raises(ConfigError, match="DSMI_ZQ.*not in the measures registry"):
        measure_label("DSMI_ZQ")
    with pytest.raises(ValueError, match="Fig. 7 draws measure 'DSE_Z'.*do not hold"):
        fig7.plot(_training_rows(), measure="DSE_Z")


def test_every_registered_measure_has_a_display_name():
    from omegaconf import OmegaConf

    from dse_repro.pipeline.config import conf_dir
    from dse_repro.plots.names import measure_label

    for name in OmegaConf.load(conf_dir() / "measures" / "default.yaml"):
        label = measure_label(name)
        assert label and name not in label, name


def test_fig9_shows_a_curve_hidden_under_another():
    """Two sigmas with the same accuracy curve: the second is dashed and the title says so."""
    from dse_repro.plots import fig9

    fig = fig9.plot(_sigma_init_rows())
    acc = fig.axes[1]
    styles = [line.get_linestyle() for line in acc.get_lines()]
    assert styles == ["-", "--"]
    assert "dashed" in fig._suptitle.get_text()


def test_a_broken_figures_conf_is_one_line(tmp_path, monkeypatch, capsys):
    """A YAML syntax error or an unknown setting in conf/figures.yaml stops the plot CLI with
    one line naming the file, never a traceback."""
    import shutil

    from dse_repro.pipeline import config
    from dse_repro.plots import __main__ as cli
    from dse_repro.plots import names

    conf = tmp_path / "conf"
    shutil.copytree(config.conf_dir(), conf)
    monkeypatch.setattr(config, "CONF_DIR", conf)
    figures = conf / "figures.yaml"
    for broken, said in (("fig7: [oops\n", "conf/figures.yaml is not readable YAML"),
                         ("fig7: {colour: red}\n", "fig7 has no setting ['colour']"),
                         ("fig7: {measure: DSMI_ZQ}\n", "DSMI_ZQ")):
        figures.write_text(broken)
        names._conf.cache_clear()
        with pytest.raises(SystemExit) as stop:
            cli.main(["fig7", "--input", str(tmp_path / "none.csv"), "--png",
                      str(tmp_path / "f.png")])
        assert str(stop.value).startswith("error: ") and said in str(stop.value), stop.value
    names._conf.cache_clear()


def test_the_layout_check_finds_covered_data_and_overlapping_texts():
    """The figure test's checker (tests/workflow/_figure_layout.py) is not blind: a note over a
    line, a legend over markers and two texts on one spot are each found; apart, none."""
    import matplotlib.pyplot as plt
    from _figure_layout import layout_problems

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="rising")
    ax.set_title("clean")
    assert layout_problems(fig) == []
    ax.text(0.5, 0.5, "a note on the line")
    assert any("covers line 'rising'" in p for p in layout_problems(fig))
    fig, ax = plt.subplots()
    ax.scatter([0, 0.05, 1], [1, 0.95, 0], label="points")
    ax.plot([], [], label="another entry")
    ax.legend(loc="upper left")
    assert any("legend covers markers" in p for p in layout_problems(fig))
    fig, ax = plt.subplots()
    fig.text(0.5, 0.5, "first")
    fig.text(0.5, 0.5, "second")
    assert any("'first' overlaps text 'second'" in p for p in layout_problems(fig))
    plt.close("all")


def test_toy_figures_state_the_kernel_width_of_their_results():
    """Figs. 2, 3A, 3B state the sigma and t their results were measured at (from the results'
    own columns), so a figure drawn after a change of sigma tells itself apart."""
    from dse_repro.plots import fig2, fig3b

    def fig2_rows(sigma):
        return pd.DataFrame([dict(dim=2, dataset=ds, labels="blob", t=t, n_points=50,
                                  sigma=sigma if m in ("DSE", "DSMI") else np.nan, measure=m,
                                  value=1.0, unit="bits")
                             for ds in ("3 blobs", "1 blob") for t in (1, 10)
                             for m in ("DSE", "DSMI", "DSE_knn")])

    titles = [fig2.plot(fig2_rows(s))._suptitle.get_text() for s in (1.0, 2.5)]
    assert titles[0].endswith(r"(N = 50, $\sigma$ = 1)") and r"$\sigma$ = 2.5" in titles[1]
    rows = pd.DataFrame([dict(branches=2, noise=0.01, corruption=c, repeat=r, n_points=20,
                              t=3 if m == "DSMI" else np.nan,
                              sigma=10.0 if m == "DSMI" else np.nan, unit="bits", measure=m,
                              value=1.0 - c) for c in (0.0, 1.0) for r in (0, 1)
                         for m in ("DSMI", "CSMI")])
    title = fig3b.plot(rows)._suptitle.get_text()
    assert r"DSMI at $\sigma$ = 10, t = 3, mean $\pm$ sd over 2 repeats" in title
